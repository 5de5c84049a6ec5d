const BACKGROUND_PROPERTIES = new Set(['background', 'background-image']);

/**
 * The image URLs of the `background` and `background-image` declarations of an inline `style` attribute: every
 * `url(...)` (quoted or not) and every quoted string of an `image-set(...)`, as written (not resolved), in order.
 * Declarations are split on `;` outside quotes and parentheses, so `url(data:image/png;base64,...)` stays whole. Pure.
 */
export function cssBackgroundUrls(style: string): string[] {
  const urls: string[] = [];
  for (const declaration of splitOutside(style, ';')) {
    const colon = declaration.indexOf(':');
    if (colon === -1) continue;
    const property = declaration.slice(0, colon).trim().toLowerCase();
    if (!BACKGROUND_PROPERTIES.has(property)) continue;
    urls.push(...imageUrlsOf(declaration.slice(colon + 1)));
  }
  return urls;
}

function imageUrlsOf(value: string): string[] {
  const urls: string[] = [];
  const token = /url\(\s*(?:"((?:[^"\\]|\\.)*)"|'((?:[^'\\]|\\.)*)'|([^)\s]*))\s*\)|image-set\(((?:[^()]|\([^()]*\))*)\)/gi;
  for (let match = token.exec(value); match; match = token.exec(value)) {
    const [, doubleQuoted, singleQuoted, bare, imageSet] = match;
    if (imageSet !== undefined) {
      // image-set("a.png" 1x, url(b.png) 2x): plain strings are URLs too (CSS Images 4, 6.1).
      const strings = /(?<!url\(\s*)"((?:[^"\\]|\\.)*)"|(?<!url\(\s*)'((?:[^'\\]|\\.)*)'/g;
      for (let inner = strings.exec(imageSet); inner; inner = strings.exec(imageSet)) push(urls, inner[1] ?? inner[2]);
      urls.push(...imageUrlsOf(imageSet));
    } else {
      push(urls, doubleQuoted ?? singleQuoted ?? bare);
    }
  }
  return urls;
}

function push(urls: string[], raw: string | undefined): void {
  const url = raw?.replace(/\\(.)/g, '$1').trim();
  if (url) urls.push(url);
}

function splitOutside(text: string, separator: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let quote: string | undefined;
  let start = 0;
  for (let index = 0; index < text.length; index++) {
    const char = text[index];
    if (quote) {
      if (char === '\\') index++;
      else if (char === quote) quote = undefined;
    } else if (char === '"' || char === "'") quote = char;
    else if (char === '(') depth++;
    else if (char === ')') depth = Math.max(0, depth - 1);
    else if (char === separator && depth === 0) {
      parts.push(text.slice(start, index));
      start = index + 1;
    }
  }
  parts.push(text.slice(start));
  return parts;
}
