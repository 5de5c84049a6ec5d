import { useState } from 'preact/hooks';
import { html } from './html.js';
import { submitJob } from './api.js';

const MODES = [
  ['images', 'Images', 'save the images of every page'],
  ['crawl', 'Crawl', 'list every page'],
  ['audit', 'Audit', 'find broken links and page problems'],
];
const IMAGE_TYPES = ['jpeg', 'png', 'gif', 'webp', 'avif', 'svg', 'ico', 'bmp'];

// A number field's value as the library option, or undefined when left empty (the library's default applies).
const numberOf = (form, name) => {
  const text = form.elements[name]?.value.trim();
  return text ? Number(text) : undefined;
};

/** The request body the form describes: the library's option names, only the fields filled in. */
export function requestOf(form, mode) {
  const urls = form.elements.urls.value.split(/[\s,]+/).filter(Boolean);
  const options = { maxDepth: numberOf(form, 'maxDepth'), maxPages: numberOf(form, 'maxPages') };
  if (mode === 'images') {
    Object.assign(options, { maxImages: numberOf(form, 'maxImages'), minWidth: numberOf(form, 'minWidth'), minHeight: numberOf(form, 'minHeight') });
    const types = IMAGE_TYPES.filter((type) => form.elements[`type-${type}`].checked);
    if (types.length < IMAGE_TYPES.length) options.types = types;
  }
  if (mode === 'audit' && form.elements.external.checked) options.external = true;
  for (const [name, value] of Object.entries(options)) if (value === undefined) delete options[name];
  return { mode, urls, options };
}

const NumberField = ({ name, label, placeholder, min = 0 }) => html`
  <label class="field">
    <span>${label}</span>
    <input name=${name} type="number" inputmode="numeric" min=${min} step="1" placeholder=${placeholder} />
  </label>`;

/** The new-job form: start URL, mode, limits, the image filters (images mode), external link checks (audit mode). */
export function JobForm({ onSubmitted }) {
  const [mode, setMode] = useState('images');
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);

  async function submit(event) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const job = await submitJob(requestOf(event.currentTarget, mode));
      onSubmitted(job);
    } catch (failure) {
      setError(failure.field ? `${failure.field}: ${failure.message}` : failure.message);
    } finally {
      setBusy(false);
    }
  }

  return html`
    <form class="job-form" onSubmit=${submit} aria-labelledby="new-job-title">
      <h2 id="new-job-title">New job</h2>
      <label class="field wide">
        <span>Start URL</span>
        <input name="urls" type="text" inputmode="url" autocomplete="url" required placeholder="https://example.com/" />
      </label>
      <fieldset class="modes">
        <legend>Mode</legend>
        ${MODES.map(([value, label, hint]) => html`
          <label class="mode" title=${hint}>
            <input type="radio" name="mode" value=${value} checked=${mode === value} onChange=${() => setMode(value)} />
            <span>${label}</span>
          </label>`)}
      </fieldset>
      <div class="grid">
        <${NumberField} name="maxDepth" label="Depth" placeholder="3" />
        <${NumberField} name="maxPages" label="Max pages" placeholder="no limit" min="1" />
      </div>
      <fieldset class="images-options" hidden=${mode !== 'images'} disabled=${mode !== 'images'}>
        <legend>Images</legend>
        <div class="grid">
          <${NumberField} name="maxImages" label="Max images" placeholder="no limit" min="1" />
          <${NumberField} name="minWidth" label="Min width (px)" placeholder="0" />
          <${NumberField} name="minHeight" label="Min height (px)" placeholder="0" />
        </div>
        <fieldset class="types">
          <legend>Image types</legend>
          ${IMAGE_TYPES.map((type) => html`
            <label class="check"><input type="checkbox" name=${`type-${type}`} checked /> ${type}</label>`)}
        </fieldset>
      </fieldset>
      <fieldset class="audit-options" hidden=${mode !== 'audit'} disabled=${mode !== 'audit'}>
        <legend>Audit</legend>
        <label class="check"><input type="checkbox" name="external" /> Check external links</label>
      </fieldset>
      ${error && html`<p class="error" role="alert">${error}</p>`}
      <button type="submit" disabled=${busy}>${busy ? 'Starting…' : 'Start'}</button>
    </form>`;
}
