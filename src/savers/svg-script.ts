// What can run script when an SVG is opened as a document (never inside an <img>, where browsers run no script):
// a <script> element in any namespace, an on* event handler attribute, a javascript:/vbscript: URL (in href,
// xlink:href, or an <animate>/<set> that writes one), HTML brought in by <foreignObject>, <iframe>, <embed> or
// <object>, and an XSLT stylesheet processing instruction (which may write any of those).
// URL parsers drop tabs and newlines anywhere in a URL, so `java\tscript:` is still a javascript: URL.
const spaced = (word: string) => word.split('').join('\\s*');
const SCRIPT_SIGNS = [
  /<(?:[\w.-]+:)?script[\s/>]/i,
  /[\s"'/]on[a-z]+\s*=/i,
  new RegExp(`(?:${spaced('java')}|${spaced('vb')})\\s*${spaced('script')}\\s*:`, 'i'),
  /<(?:[\w.-]+:)?(?:foreignObject|iframe|embed|object)[\s/>]/i,
  /<\?xml-stylesheet[^>]*xsl/i,
];

const NAMED_REFERENCES: Readonly<Record<string, string>> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'", colon: ':', tab: '\t', newline: '\n' };

// Character references hide the signs from a plain search: `java&#x73;cript:` in an attribute, `&#60;script` in an
// entity declaration that the XML parser expands into markup.
function decodeReferences(text: string): string {
  return text.replace(/&(?:#x([0-9a-f]+)|#(\d+)|([a-z]+));?/gi, (match, hex: string | undefined, decimal: string | undefined, name: string | undefined) => {
    if (name !== undefined) return NAMED_REFERENCES[name.toLowerCase()] ?? match;
    const code = hex !== undefined ? Number.parseInt(hex, 16) : Number(decimal);
    return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : match;
  });
}

/**
 * Whether an SVG file may run script when opened as a document: it has a `<script>` element (any namespace prefix),
 * an `on…=` event handler attribute, a `javascript:` or `vbscript:` URL, a `<foreignObject>`, `<iframe>`, `<embed>`
 * or `<object>` element, or an XSLT `<?xml-stylesheet?>`; character references (`&#60;`, `&#x6A;`, `&colon;`) are
 * decoded first, up to three levels deep, and whitespace inside `java script:` is allowed for, as URL parsers drop it. A text search, not a
 * parse: cheap and linear, and conservative, so markup-like text in a comment or a `<text>` element also counts.
 * UTF-16 files (with a BOM) are read as such, anything else as UTF-8. Pure.
 */
export function hasSvgScript(bytes: Uint8Array): boolean {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let text = buffer[0] === 0xff && buffer[1] === 0xfe ? buffer.toString('utf16le') : buffer[0] === 0xfe && buffer[1] === 0xff ? swapToUtf16le(buffer) : buffer.toString('utf8');
  for (let depth = 0; depth < 4; depth++) {
    if (SCRIPT_SIGNS.some((sign) => sign.test(text))) return true;
    const decoded = decodeReferences(text);
    if (decoded === text) return false;
    text = decoded;
  }
  return false;
}

function swapToUtf16le(buffer: Buffer): string {
  const copy = Buffer.from(buffer.subarray(0, buffer.byteLength - (buffer.byteLength % 2)));
  return copy.swap16().toString('utf16le');
}
