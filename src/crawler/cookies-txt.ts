import { OptionsError } from '../errors.js';

/** One cookie of a Netscape cookies.txt. */
export interface NetscapeCookie {
  /** The host or domain, without a leading dot. */
  domain: string;
  /** TRUE in the second field: the cookie goes to subdomains too (a domain cookie); FALSE: to this host only. */
  includeSubdomains: boolean;
  path: string;
  secure: boolean;
  /** The line began with `#HttpOnly_` (curl and the browsers' exporters mark HttpOnly cookies so). */
  httpOnly: boolean;
  /** Expiry in seconds since the epoch; 0 for a session cookie. */
  expires: number;
  name: string;
  value: string;
}

const HTTP_ONLY_PREFIX = '#HttpOnly_';
const FIELDS = 'domain, include subdomains, path, secure, expires, name, value';

function flag(text: string): boolean | undefined {
  const upper = text.toUpperCase();
  return upper === 'TRUE' ? true : upper === 'FALSE' ? false : undefined;
}

/**
 * Parses a Netscape cookies.txt (the format curl, wget and the browsers' cookie exporters write): one cookie a line,
 * seven tab-separated fields (domain, include subdomains, path, secure, expires, name, value); `#` starts a comment
 * except the `#HttpOnly_` prefix, which marks an HttpOnly cookie; blank lines are skipped. A line of six fields is a
 * cookie with an empty value (some exporters drop the trailing tab). Pure.
 * @param source the file name, for messages
 * @throws OptionsError (option `cookies`) naming the file, the line number and what is wrong (never the value)
 */
export function parseCookiesTxt(text: string, source: string): NetscapeCookie[] {
  const cookies: NetscapeCookie[] = [];
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  lines.forEach((raw, index) => {
    const bad = (what: string): never => {
      throw new OptionsError('cookies', `${source} line ${index + 1}: ${what}`);
    };
    let line = raw;
    let httpOnly = false;
    if (line.startsWith(HTTP_ONLY_PREFIX)) {
      httpOnly = true;
      line = line.slice(HTTP_ONLY_PREFIX.length);
    } else if (line.trimStart().startsWith('#') || line.trim() === '') return;
    const fields = line.split('\t');
    if (fields.length === 6) fields.push('');
    if (fields.length !== 7) bad(`expected 7 tab-separated fields (${FIELDS}), got ${fields.length}`);
    const [domainField, subdomains, path, secure, expires, name, value] = fields as [string, string, string, string, string, string, string];
    const domain = domainField.trim().replace(/^\./, '').toLowerCase();
    if (domain === '' || /[\s/]/.test(domain)) bad('the first field is not a domain');
    const includeSubdomains = flag(subdomains);
    if (includeSubdomains === undefined) bad(`the second field (include subdomains) must be TRUE or FALSE, got ${JSON.stringify(subdomains)}`);
    if (!path.startsWith('/')) bad(`the third field (path) must start with /, got ${JSON.stringify(path)}`);
    const isSecure = flag(secure);
    if (isSecure === undefined) bad(`the fourth field (secure) must be TRUE or FALSE, got ${JSON.stringify(secure)}`);
    if (!/^\d+$/.test(expires.trim())) bad(`the fifth field (expires) must be seconds since 1970 (0 for a session cookie), got ${JSON.stringify(expires)}`);
    if (name === '' || /[\s;=]/.test(name)) bad('the sixth field is not a cookie name');
    if (/[\r\n;]/.test(value)) bad('the value holds a character a cookie cannot carry');
    cookies.push({
      domain,
      includeSubdomains: includeSubdomains as boolean,
      path,
      secure: isSecure as boolean,
      httpOnly,
      expires: Number(expires.trim()),
      name,
      value,
    });
  });
  return cookies;
}
