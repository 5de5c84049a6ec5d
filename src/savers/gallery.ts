import type { ImageRecord, SavedImageRecord } from './image-manifest.js';

const escapeHtml = (text: string) =>
  text.replace(/[&<>"']/g, (char) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[char] ?? char);

/** A relative file path as an href: each segment percent-encoded, so `#`, `?` and spaces in names stay part of the path. */
const fileHref = (file: string) => file.split('/').map(encodeURIComponent).join('/');

const isHttp = (url: string) => /^https?:\/\//i.test(url);

function formatBytes(bytes: number): string {
  if (bytes < 1000) return `${bytes} B`;
  const units = ['kB', 'MB', 'GB'];
  let value = bytes / 1000;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit++;
  }
  return `${value.toFixed(1)} ${units[unit]}`;
}

const plural = (count: number, noun: string) => `${count} ${noun}${count === 1 ? '' : 's'}`;

function card(image: SavedImageRecord): string {
  const size = image.width !== null && image.height !== null ? `${image.width}×${image.height}` : 'vector';
  const source = isHttp(image.page) ? `<a href="${escapeHtml(image.page)}" rel="noreferrer">${escapeHtml(image.page)}</a>` : escapeHtml(image.page);
  const origin = isHttp(image.url) ? `<a href="${escapeHtml(image.url)}" rel="noreferrer">original</a>` : 'inline data URI';
  const more = (image.urls?.length ?? 1) > 1 || (image.pages?.length ?? 1) > 1
    ? ` <span class="more">(${plural(image.urls?.length ?? 1, 'URL')}, ${plural(image.pages?.length ?? 1, 'page')})</span>`
    : '';
  return `<figure data-type="${image.type}">
<a class="thumb" href="${escapeHtml(fileHref(image.file))}"><img src="${escapeHtml(fileHref(image.file))}" alt="${escapeHtml(image.alt)}" loading="lazy"></a>
<figcaption><b>${image.type.toUpperCase()}</b> ${size} · ${formatBytes(image.bytes)} · ${origin}${more}<br>
${image.alt ? `<span class="alt">${escapeHtml(image.alt)}</span><br>` : ''}from ${source}</figcaption>
</figure>`;
}

/**
 * Renders `index.html`: a self-contained gallery of the saved images (thumbnails are the saved files, by relative
 * path), each with its type, dimensions, size, original URL and source page, plus buttons that filter by type. CSS
 * and script are inline and nothing is loaded from the network. Pure.
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
<title>${escapeHtml(title)}</title>
<style>
body{font:14px/1.4 system-ui,sans-serif;margin:1rem;background:#fafafa;color:#222}
nav{margin:.5rem 0 1rem}button{margin:0 .25rem .25rem 0;padding:.25rem .6rem;border:1px solid #bbb;border-radius:4px;background:#fff;cursor:pointer}
button.on{background:#222;color:#fff}
main{display:grid;grid-template-columns:repeat(auto-fill,minmax(200px,1fr));gap:1rem}
figure{margin:0;background:#fff;border:1px solid #ddd;border-radius:6px;overflow:hidden}
figure[hidden]{display:none}
.thumb{display:flex;align-items:center;justify-content:center;height:180px;background:repeating-conic-gradient(#eee 0 25%,#fff 0 50%) 50%/16px 16px}
.thumb img{max-width:100%;max-height:180px}
figcaption{padding:.4rem .5rem;font-size:12px;word-break:break-all}.alt{color:#555}.more{color:#777}
</style>
</head>
<body>
<h1>${escapeHtml(title)}</h1>
<p>${saved.length} images saved${rejected > 0 ? `, ${rejected} rejected (see images.jsonl)` : ''}.</p>
<nav>
${buttons}
</nav>
<main>
${saved.map(card).join('\n')}
</main>
<script>
for (const button of document.querySelectorAll('nav button')) {
  button.addEventListener('click', () => {
    for (const other of document.querySelectorAll('nav button')) other.classList.toggle('on', other === button);
    const filter = button.dataset.filter;
    for (const figure of document.querySelectorAll('main figure')) figure.hidden = filter !== 'all' && figure.dataset.type !== filter;
  });
}
</script>
</body>
</html>
`;
}
