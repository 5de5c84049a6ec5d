import { useEffect, useRef, useState } from 'preact/hooks';
import { html } from './html.js';
import { fileUrl } from './api.js';
import { formatBytes, formatCount } from './format.js';
import { useRecords } from './records.js';

// The manifest is a journal while the job runs: another URL of content already saved is a second line with the
// same sha256. One card per content.
function savedImages(records) {
  const seen = new Set();
  const images = [];
  for (const record of records) {
    if (record.error !== null || seen.has(record.sha256)) continue;
    seen.add(record.sha256);
    images.push(record);
  }
  return images;
}

const sizeOf = (image) => (image.width !== null && image.height !== null ? `${image.width}×${image.height}` : 'vector');

/** The large view of one image: a modal dialog with the original in an <img> (no script in an SVG runs there). */
function ImageDialog({ jobId, image, onClose }) {
  const dialog = useRef(null);
  useEffect(() => {
    dialog.current?.showModal();
  }, [image]);
  const original = fileUrl(jobId, image.file);
  return html`
    <dialog ref=${dialog} class="image-dialog" aria-label="Image" onClose=${onClose} onClick=${(event) => event.target === dialog.current && dialog.current.close()}>
      <figure>
        <img src=${original} alt=${image.alt || `${image.type} image`} />
        <figcaption>
          <b>${image.type.toUpperCase()}</b> ${sizeOf(image)} · ${formatBytes(image.bytes)}${image.alt ? html` · ${image.alt}` : ''}<br />
          <a href=${image.url} target="_blank" rel="noreferrer noopener">${image.url}</a><br />
          from <a href=${image.page} target="_blank" rel="noreferrer noopener">${image.page}</a>
        </figcaption>
      </figure>
      <div class="actions">
        <a class="button secondary" href=${original} target="_blank" rel="noopener">Open file</a>
        <button type="button" onClick=${() => dialog.current.close()} autofocus>Close</button>
      </div>
    </dialog>`;
}

/** The saved images of a job as a grid of thumbnails (the original when it has none); a click opens one large. */
export function Gallery({ jobId, version }) {
  const { records, error, loading, more, loadMore } = useRecords(jobId, 'images', version);
  const [open, setOpen] = useState(null);
  const images = savedImages(records);
  const reasons = new Map();
  for (const record of records) if (record.error !== null) reasons.set(record.error.code, (reasons.get(record.error.code) ?? 0) + 1);
  const rejected = [...reasons.values()].reduce((sum, value) => sum + value, 0);
  const why = [...reasons].sort((a, b) => b[1] - a[1]).map(([code, value]) => `${code} ${value}`).join(', ');
  return html`
    <section class="gallery" aria-labelledby="gallery-title">
      <h3 id="gallery-title">Images</h3>
      ${error && html`<p class="error" role="alert">${error}</p>`}
      <p class="muted" aria-live="polite">
        ${loading ? 'Loading…' : `${formatCount(images.length)} saved${rejected ? `, ${formatCount(rejected)} rejected (${why})` : ''}${more ? ' so far' : ''}`}
      </p>
      <ul class="thumbs">
        ${images.map((image) => html`
          <li key=${image.sha256}>
            <button type="button" class="thumb" onClick=${() => setOpen(image)} aria-label=${`Open ${image.type} image ${sizeOf(image)}${image.alt ? `: ${image.alt}` : ''}`}>
              <img src=${fileUrl(jobId, image.thumb ?? image.file)} alt="" loading="lazy" />
            </button>
            <span class="caption">${image.type} · ${sizeOf(image)}</span>
          </li>`)}
      </ul>
      ${more && html`<button type="button" class="secondary" onClick=${loadMore}>More images</button>`}
      ${open && html`<${ImageDialog} jobId=${jobId} image=${open} onClose=${() => setOpen(null)} />`}
    </section>`;
}
