import { TextDecoder } from 'node:util';

// WHATWG Encoding 4.2: these labels name the replacement encoding, whose decoder turns a whole non-empty input into one
// U+FFFD (their real decoders let markup slip past filters). Node's TextDecoder refuses them instead of decoding.
const REPLACEMENT_LABELS: ReadonlySet<string> = new Set(['csiso2022kr', 'hz-gb-2312', 'iso-2022-cn', 'iso-2022-cn-ext', 'iso-2022-kr', 'replacement']);
// Labels come from pages: the cache of looked-up labels stops growing here.
const MAX_CACHED_LABELS = 512;
const ASCII_WHITESPACE_AT_ENDS = /^[\t\n\f\r ]+|[\t\n\f\r ]+$/g;
const UPPER_ASCII = /[A-Z]+/g;
const NOT_PRINTABLE_ASCII = /[^\x21-\x7e]/;
const names = new Map<string, string | null>();

/**
 * WHATWG Encoding "get an encoding": the name of the encoding a label stands for (`'Shift_JIS '` gives `'shift_jis'`,
 * `'latin1'` gives `'windows-1252'`), in the lower case of `TextDecoder#encoding`, or `null` for an unknown label.
 * Besides what `TextDecoder` decodes it can return `'replacement'` and `'x-user-defined'`. Pure; never throws.
 */
export function encodingForLabel(label: string): string | null {
  let name = names.get(label);
  if (name === undefined) {
    name = lookUp(label);
    if (names.size < MAX_CACHED_LABELS) names.set(label, name);
  }
  return name;
}

function lookUp(label: string): string | null {
  // Encoding 4.2: strip leading and trailing ASCII whitespace, then match ASCII case-insensitively. (String#toLowerCase
  // would also fold non-ASCII letters, turning the Kelvin sign in '\u212Aoi8-r' into a 'k'.)
  const key = label.replace(ASCII_WHITESPACE_AT_ENDS, '').replace(UPPER_ASCII, (letters) => letters.toLowerCase());
  if (key === '' || NOT_PRINTABLE_ASCII.test(key)) return null;
  if (REPLACEMENT_LABELS.has(key)) return 'replacement';
  if (key === 'x-user-defined') return key;
  try {
    return new TextDecoder(key).encoding;
  } catch {
    return null;
  }
}
