import { createHash } from 'node:crypto';
import { formatBytes } from '../format-bytes.js';
import type { ImageRecord, SavedImageRecord } from './image-manifest.js';

const escapeHtml = (text: string) =>
  text.replace(/[&<>"']/g, (char) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[char] ?? char);

/** A relative file path as an href: each segment percent-encoded, so `#`, `?` and spaces in names stay part of the path. */
const fileHref = (file: string) => file.split('/').map(encodeURIComponent).join('/');

const isHttp = (url: string) => /^https?:\/\//i.test(url);

const plural = (count: number, noun: string) => `${count} ${noun}${count === 1 ? '' : 's'}`;

// A saved SVG opened as a document runs its scripts (in the file: origin, beside the user's files); inside an <img>
// no script runs and nothing is loaded. So no link leads to a saved file of an SVG: every thumbnail opens an in-page
// view (CSS :target, the same <img> shown large), and only raster files get a direct "file" link.
// With a thumbnail, the card shows it and the large view loads the original only when opened (a lazy <img> that is
// not displayed is not fetched); without one, the original is both.
function pictures(image: SavedImageRecord, file: string): string {
  const alt = escapeHtml(image.alt);
  if (image.thumb === undefined) return `<img src="${file}" alt="${alt}" loading="lazy">`;
  return `<img class="small" src="${escapeHtml(fileHref(image.thumb))}" alt="${alt}" loading="lazy"><img class="full" src="${file}" alt="${alt}" loading="lazy">`;
}

function card(image: SavedImageRecord, index: number): string {
  const id = `i${index}`;
  const file = escapeHtml(fileHref(image.file));
  const size = image.width !== null && image.height !== null ? `${image.width}×${image.height}` : 'vector';
  const source = isHttp(image.page) ? `<a href="${escapeHtml(image.page)}" rel="noreferrer">${escapeHtml(image.page)}</a>` : escapeHtml(image.page);
  const origin = isHttp(image.url) ? `<a href="${escapeHtml(image.url)}" rel="noreferrer">original</a>` : 'inline data URI';
  const direct = image.type === 'svg' || /\.svgz?$/i.test(image.file) ? '' : ` · <a href="${file}">file</a>`;
  const script = image.hasScript === true ? ' · <span class="script">has script</span>' : '';
  const more = (image.urls?.length ?? 1) > 1 || (image.pages?.length ?? 1) > 1
    ? ` <span class="more">(${plural(image.urls?.length ?? 1, 'URL')}, ${plural(image.pages?.length ?? 1, 'page')})</span>`
    : '';
  return `<figure id="${id}" data-type="${image.type}">
<a class="thumb" href="#${id}">${pictures(image, file)}</a><a class="close" href="#_" aria-label="close"></a>
<figcaption><b>${image.type.toUpperCase()}</b> ${size} · ${formatBytes(image.bytes)}${script} · ${origin}${direct}${more}<br>
${image.alt ? `<span class="alt">${escapeHtml(image.alt)}</span><br>` : ''}from ${source}</figcaption>
</figure>`;
}

const GALLERY_CSS = `
body{font:14px/1.4 system-ui,sans-serif;margin:1rem;background:#fafafa;color:#222}
nav{margin:.5rem 0 1rem}button{margin:0 .25rem .25rem 0;padding:.25rem .6rem;border:1px solid #bbb;border-radius:4px;background:#fff;cursor:pointer}
button.on{background:#222;color:#fff}
main{display:grid;grid-template-columns:repeat(auto-fill,minmax(200px,1fr));gap:1rem}
figure{margin:0;background:#fff;border:1px solid #ddd;border-radius:6px;overflow:hidden}
figure[hidden]{display:none}
.thumb{display:flex;align-items:center;justify-content:center;height:180px;background:repeating-conic-gradient(#eee 0 25%,#fff 0 50%) 50%/16px 16px}
.thumb img{max-width:100%;max-height:180px}
figure:target .thumb{position:fixed;inset:0;z-index:1;height:auto;background:rgba(0,0,0,.85)}
figure:target .thumb img{max-width:95vw;max-height:95vh;background:repeating-conic-gradient(#eee 0 25%,#fff 0 50%) 50%/16px 16px}
figure[data-type=svg]:target .thumb img{width:95vw;height:95vh;object-fit:contain}
.thumb .full,figure:target .thumb .small{display:none}figure:target .thumb .full{display:block}
.close{display:none}
figure:target .close{display:block;position:fixed;inset:0;z-index:2;cursor:zoom-out}
figure:target .close::after{content:"×";position:absolute;top:.5rem;right:1rem;color:#fff;font-size:2rem}
figcaption{padding:.4rem .5rem;font-size:12px;word-break:break-all}.alt{color:#555}.more{color:#777}.script{color:#a00}
`;

const GALLERY_JS = `
for (const button of document.querySelectorAll('nav button')) {
  button.addEventListener('click', () => {
    for (const other of document.querySelectorAll('nav button')) other.classList.toggle('on', other === button);
    const filter = button.dataset.filter;
    for (const figure of document.querySelectorAll('main figure')) figure.hidden = filter !== 'all' && figure.dataset.type !== filter;
  });
}
addEventListener('keydown', (event) => {
  if (event.key === 'Escape' && /^#i\\d+$/.test(location.hash)) location.hash = '_';
});
`;

const sourceHash = (text: string) => `'sha256-${createHash('sha256').update(text).digest('base64')}'`;
// Nothing but the saved files (by relative path: 'self' when served, file: when opened from disk) and the gallery's
// own style and script, by hash: text from the crawl that escaped escaping still could not run or load anything.
const CSP = [
  "default-src 'none'",
  "img-src 'self' file:",
  `style-src ${sourceHash(GALLERY_CSS)}`,
  `script-src ${sourceHash(GALLERY_JS)}`,
  "base-uri 'none'",
  "form-action 'none'",
].join('; ');

/**
 * Renders `index.html`: a self-contained gallery of the saved images (each shown by its `thumb` when it has one,
 * else by its saved file, by relative path), each with its type, dimensions, size, original URL and source page, plus buttons that filter by type. A
 * click on a thumbnail shows the image large in the page, in an `<img>`: a saved SVG is never opened as a document,
 * so its scripts never run (raster images also get a direct link to their file). CSS and script are inline, and a
 * CSP lets the page load nothing but the saved images and run nothing but its own script. Pure.
 */
export function renderGallery(records: readonly ImageRecord[], title = 'sitecrawl images'): string {
  const saved = records.filter((record): record is SavedImageRecord => record.error === null);
  const rejected = records.length - saved.length;
  const counts = new Map<string, number>();
  for (const image of saved) counts.set(image.type, (counts.get(image.type) ?? 0) + 1);
  const buttons = [`<button class="on" data-filter="all">all (${saved.length})</button>`]
    .concat([...counts].sort(([a], [b]) => a.localeCompare(b)).map(([type, count]) => `<button data-filter="${type}">${type} (${count})</button>`))
    .join('\n');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="${CSP}">
<meta name="referrer" content="no-referrer">
<title>${escapeHtml(title)}</title>
<style>${GALLERY_CSS}</style>
</head>
<body>
<h1>${escapeHtml(title)}</h1>
<p>${saved.length} images saved${rejected > 0 ? `, ${rejected} rejected (see images.jsonl)` : ''}.</p>
<nav>
${buttons}
</nav>
<main>
${saved.map((image, index) => card(image, index)).join('\n')}
</main>
<script>${GALLERY_JS}</script>
</body>
</html>
`;
}
