/** A decoded `data:` URI. */
export interface DataUri {
  /** The declared media type, lower-case (`text/plain` when none is given, per RFC 2397). */
  mediaType: string;
  body: Buffer;
}

/**
 * Decodes a `data:` URI (RFC 2397): base64 when the metadata ends in `;base64`, percent-encoded bytes otherwise.
 * Returns `null` when it is not a well-formed data URI. Pure.
 */
export function decodeDataUri(uri: string): DataUri | null {
  const match = /^data:([^,]*),(.*)$/is.exec(uri.trim());
  if (!match) return null;
  const meta = (match[1] as string).trim();
  const payload = match[2] as string;
  const isBase64 = /;\s*base64$/i.test(meta);
  const mediaType = (meta.replace(/;\s*base64$/i, '').split(';', 1)[0] ?? '').trim().toLowerCase() || 'text/plain';
  if (isBase64) {
    const compact = decodeURIComponentSafe(payload)?.replace(/\s+/g, '');
    if (compact === undefined || !/^[A-Za-z0-9+/_-]*={0,2}$/.test(compact)) return null;
    return { mediaType, body: Buffer.from(compact, 'base64') };
  }
  const parts = payload.split(/(%[0-9a-fA-F]{2})/).map((part) =>
    /^%[0-9a-fA-F]{2}$/.test(part) ? Buffer.from([parseInt(part.slice(1), 16)]) : Buffer.from(part, 'utf8'),
  );
  return { mediaType, body: Buffer.concat(parts) };
}

function decodeURIComponentSafe(text: string): string | undefined {
  try {
    return decodeURIComponent(text);
  } catch {
    return undefined;
  }
}

/** A short form of a `data:` URI for records and logs: its metadata and size, not its payload. Pure. */
export function describeDataUri(uri: string): string {
  const comma = uri.indexOf(',');
  const head = comma === -1 ? uri.slice(0, 40) : uri.slice(0, comma);
  return `${head},…(${uri.length - head.length - 1} chars)`;
}
