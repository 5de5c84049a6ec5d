import { OptionsError } from '../errors.js';
import { describe } from './option-checks.js';

/** Credentials sent with every request to the start URLs' origins: HTTP Basic, or a bearer token. */
export type Auth = { username: string; password: string } | { bearer: string };

/** How the crawl keeps cookies: on (a jar per crawl), off, or on with a Netscape cookies.txt loaded first. */
export type CookiesOption = boolean | { file: string };

/** Cookies after validation: `false`, or on with the cookies.txt to load (if any). */
export type ResolvedCookies = false | { readonly file: string | undefined };

/** The option values {@link requestOptions} validates, as the engine gets them. */
export interface ResolvedRequestOptions {
  /** Extra request headers by lower-case name. */
  readonly headers: Readonly<Record<string, string>>;
  readonly auth: Readonly<Auth> | undefined;
  readonly cookies: ResolvedCookies;
  /** An http(s) proxy URL (credentials kept, for the dispatcher only), `'env'`, or `undefined` for none. */
  readonly proxy: string | undefined;
}

// RFC 9110 5.1: a field name is a token.
const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
// RFC 9110 5.5: field values carry no CR, LF or NUL (undici refuses them too, but later and less clearly).
const BAD_VALUE = /[\r\n\0]/;
// RFC 6750 2.1 b64token, widened to any visible ASCII without spaces: real APIs issue tokens outside b64token.
const BEARER = /^[!-~]+$/;
/** Header names the crawl sets itself: the options that set them say more than a raw header would. */
const RESERVED: Readonly<Record<string, string>> = {
  'user-agent': 'use `userAgent` (robots.txt rules are matched against it)',
  'accept-encoding': 'sitecrawl asks for gzip, deflate and br and decodes them itself',
  host: 'the host comes from the URL',
  'content-length': 'requests have no body',
  'transfer-encoding': 'requests have no body',
  connection: 'connections are managed by the crawler',
  'proxy-authorization': 'put proxy credentials in the `proxy` URL',
};
/**
 * Header names whose values are credentials: sent only to the start URLs' origins (like `auth`), and never logged.
 * Every other header follows the crawl's scope.
 */
export const CREDENTIAL_HEADERS: ReadonlySet<string> = new Set(['authorization', 'cookie']);

function fail(name: string, message: string): never {
  throw new OptionsError(name, message);
}

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

function headers(input: Record<string, unknown>): Record<string, string> {
  const value = input['headers'] ?? {};
  if (!isPlainObject(value)) fail('headers', `Expected \`headers\` to be an object of header name to value, got ${describe(value)}`);
  const result: Record<string, string> = {};
  for (const [name, text] of Object.entries(value)) {
    if (!TOKEN.test(name)) fail('headers', `Expected \`headers\` names to be HTTP tokens, got ${JSON.stringify(name)}`);
    const lower = name.toLowerCase();
    // A value is never echoed: it may be a secret.
    if (typeof text !== 'string' || BAD_VALUE.test(text)) fail('headers', `Expected the \`headers\` value of ${name} to be a one-line string`);
    if (RESERVED[lower]) fail('headers', `\`headers\` cannot set ${name}: ${RESERVED[lower]}`);
    if (lower in result) fail('headers', `\`headers\` sets ${name} twice`);
    result[lower] = text;
  }
  return result;
}

function auth(input: Record<string, unknown>, headerNames: Record<string, string>): Auth | undefined {
  const value = input['auth'];
  if (value === undefined) return undefined;
  const rule = 'Expected `auth` to be { username, password } or { bearer }';
  // A string here is likely the secret itself: say what kind of value came, not which.
  if (!isPlainObject(value)) fail('auth', `${rule}, got ${typeof value === 'string' ? 'a string' : describe(value)}`);
  const keys = Object.keys(value).sort().join(',');
  if ('authorization' in headerNames) fail('auth', '`auth` and an Authorization header in `headers` both set Authorization: give one');
  if (keys === 'bearer') {
    const bearer = value['bearer'];
    if (typeof bearer !== 'string' || !BEARER.test(bearer)) fail('auth', 'Expected `auth.bearer` to be a non-empty token of visible ASCII characters without spaces');
    return Object.freeze({ bearer });
  }
  if (keys === 'password,username') {
    const { username, password } = value;
    // RFC 7617 2: the user-id cannot hold a colon; neither part may break the header line.
    if (typeof username !== 'string' || username.includes(':') || BAD_VALUE.test(username))
      fail('auth', 'Expected `auth.username` to be a one-line string without a colon');
    if (typeof password !== 'string' || BAD_VALUE.test(password)) fail('auth', 'Expected `auth.password` to be a one-line string');
    return Object.freeze({ username, password });
  }
  return fail('auth', `${rule}, got an object with ${keys === '' ? 'no keys' : `keys ${keys}`}`);
}

function cookies(input: Record<string, unknown>): ResolvedCookies {
  const value = input['cookies'] ?? true;
  if (value === false) return false;
  if (value === true) return Object.freeze({ file: undefined });
  const file = isPlainObject(value) ? value['file'] : undefined;
  if (!isPlainObject(value) || Object.keys(value).some((key) => key !== 'file') || typeof file !== 'string' || file.length === 0)
    fail('cookies', `Expected \`cookies\` to be true, false or { file } naming a cookies.txt, got ${describe(value)}`);
  return Object.freeze({ file });
}

function proxy(input: Record<string, unknown>): string | undefined {
  const value = input['proxy'];
  if (value === undefined || value === 'env') return value;
  const rule = "Expected `proxy` to be an http(s) proxy URL or 'env'";
  if (typeof value !== 'string') fail('proxy', `${rule}, got ${describe(value)}`);
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return fail('proxy', `${rule}, got ${JSON.stringify(redactProxy(value))}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') fail('proxy', `${rule}, got ${JSON.stringify(redactProxy(value))}`);
  if ((url.pathname !== '/' && url.pathname !== '') || url.search || url.hash)
    fail('proxy', `Expected \`proxy\` to be a proxy URL without a path, got ${JSON.stringify(redactProxy(value))}`);
  return url.href;
}

/**
 * A proxy URL fit for a log or a message: its user name and password replaced by `***`. In text that is not a URL,
 * everything up to the last `@` is masked. Pure.
 */
export function redactProxy(proxyUrl: string): string {
  try {
    const url = new URL(proxyUrl);
    if (url.username || url.password) {
      url.username = '***';
      url.password = '';
    }
    return url.href;
  } catch {
    const at = proxyUrl.lastIndexOf('@');
    return at === -1 ? proxyUrl : `***${proxyUrl.slice(at)}`;
  }
}

/** Validates `headers`, `auth`, `cookies` and `proxy`. @throws OptionsError naming the option (never echoing a secret). */
export function requestOptions(input: Record<string, unknown>): ResolvedRequestOptions {
  const headerValues = headers(input);
  return {
    headers: Object.freeze(headerValues),
    auth: auth(input, headerValues),
    cookies: cookies(input),
    proxy: proxy(input),
  };
}

/** The option names {@link requestOptions} reads. */
export const REQUEST_OPTION_KEYS = ['headers', 'auth', 'cookies', 'proxy'] as const;
