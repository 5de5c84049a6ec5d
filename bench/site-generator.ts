/**
 * Seeded, deterministic generator of a large, realistic static site for benchmarks.
 *
 * Pages are generated lazily from `(seed, index)`: nothing is held in memory, and the same options always give the same
 * bytes. Page 0 is `/`; page i > 0 lives at `/section-<i % 12>/page-<i>.html`. Page i links to its children
 * `8i+1 .. 8i+8`, so every page is reachable from `/` within `ceil(log8(7 * pages + 1)) - 1` levels (5 for 20,000 pages),
 * plus a site-wide nav, a breadcrumb and random "related" links.
 */

/** Options of {@link generateSite}. */
export interface SiteOptions {
  /** Number of distinct pages (>= 1). */
  pages: number;
  /** Seed of every random choice; the same seed gives the same site. */
  seed: number;
  /** Origin written into full-URL links and the canonical link. @default 'http://127.0.0.1:8080' */
  origin?: string;
}

/** One `<a href>` a page carries, with the absolute URL (fragment dropped) it resolves to when internal. */
export interface SiteLink {
  /** The href exactly as written in the HTML. */
  href: string;
  /** Anchor text. */
  text: string;
  /** Resolved URL without fragment for internal links (`undefined` for external and mailto links). */
  url: string | undefined;
  /** Where the link sits on the page. */
  region: 'nav' | 'breadcrumb' | 'body' | 'children' | 'footer';
}

/** A generated site: page paths, links and HTML, all computed on demand. */
export interface GeneratedSite {
  readonly pages: number;
  readonly seed: number;
  readonly origin: string;
  /** Path of page `index` (`/` for 0). */
  pathOf(index: number): string;
  /** Index of the page served at `pathname` (query ignored by callers), or `undefined` if there is none. */
  indexOf(pathname: string): number | undefined;
  /** Every link of page `index`, in document order. */
  linksOf(index: number): SiteLink[];
  /** The full HTML of page `index` (15-60 KB). */
  html(index: number): string;
  /** Distinct internal URLs (without fragments) a complete same-host crawl from `/` fetches: pages + query variants. */
  countUrls(): number;
}

const SECTIONS = 12;
const FAN_OUT = 8;
const NAV_PAGES = 19;
const SORTS = ['new', 'top', 'old'] as const;
const SITE_NAME = 'Acme Field Guide';
const WORDS = (
  'the of and to in is that for it as with was on be by this are or from at an which have not but all were they ' +
  'crawler index network request server response header body cache queue level depth frontier seen host origin ' +
  'latency throughput socket buffer stream parser token element attribute document fragment anchor section page ' +
  'river mountain harbor village orchard meadow lantern compass glacier canyon prairie valley summit forest ' +
  'careful quiet rapid gentle narrow distant ancient modern simple complex early late bright heavy steady ' +
  'measure build follow observe gather record compare explain describe return protect balance discover ' +
  'café naïve résumé façade über coöperate élan jalapeño'
).split(' ');

/** Creates the site; cheap (no page is generated until asked). */
export function generateSite(options: SiteOptions): GeneratedSite {
  const { pages, seed } = options;
  if (!Number.isInteger(pages) || pages < 1) throw new RangeError(`Expected \`pages\` to be an integer >= 1, got ${pages}`);
  if (!Number.isInteger(seed)) throw new RangeError(`Expected \`seed\` to be an integer, got ${seed}`);
  const origin = (options.origin ?? 'http://127.0.0.1:8080').replace(/\/$/, '');

  const sectionOf = (index: number): number => index % SECTIONS;
  const pathOf = (index: number): string => (index === 0 ? '/' : `/section-${sectionOf(index)}/page-${index}.html`);
  const titleOf = (index: number): string => {
    const random = createRandom(seed, index, 3);
    const words = Array.from({ length: 2 + int(random, 0, 3) }, () => pick(random, WORDS));
    return index === 0 ? 'Home' : `${capitalize(words.join(' '))} ${index}`;
  };

  function indexOf(pathname: string): number | undefined {
    if (pathname === '/') return 0;
    const match = /^\/section-(\d+)\/page-(\d+)\.html$/.exec(pathname);
    if (!match) return undefined;
    const index = Number(match[2]);
    return index > 0 && index < pages && Number(match[1]) === sectionOf(index) && String(index) === match[2] ? index : undefined;
  }

  /** An href to `target` from page `from`, in one of the forms real sites mix. */
  function hrefTo(random: Random, from: number, target: number): string {
    const roll = random();
    if (roll < 0.4 || target === 0) return pathOf(target);
    if (roll < 0.75) {
      if (from === 0) return `section-${sectionOf(target)}/page-${target}.html`;
      if (sectionOf(from) === sectionOf(target)) return random() < 0.5 ? `page-${target}.html` : `./page-${target}.html`;
      return `../section-${sectionOf(target)}/page-${target}.html`;
    }
    return origin + pathOf(target);
  }

  function linksOf(index: number): SiteLink[] {
    const random = createRandom(seed, index, 1);
    /** `suffix` is a `?query` (part of the URL) or a `#fragment` (not part of it). */
    const internal = (region: SiteLink['region'], href: string, target: number, suffix = ''): SiteLink => ({
      href: href + suffix,
      text: titleOf(target),
      url: origin + pathOf(target) + (suffix.startsWith('?') ? suffix : ''),
      region,
    });
    const links: SiteLink[] = [internal('nav', '/', 0)];
    for (let target = 1; target <= NAV_PAGES && target < pages; target++) links.push(internal('nav', pathOf(target), target));
    const ancestors: number[] = [];
    for (let node = index; node > 0; ) ancestors.unshift((node = Math.floor((node - 1) / FAN_OUT)));
    for (const ancestor of ancestors) links.push(internal('breadcrumb', pathOf(ancestor), ancestor));
    const extras = int(random, 0, 52);
    for (let n = 0; n < extras; n++) {
      const roll = random();
      if (roll < 0.05 && pages > 1) {
        const hub = 1 + int(random, 0, Math.min(NAV_PAGES, pages - 1) - 1);
        links.push(internal('body', pathOf(hub), hub, `?sort=${pick(random, SORTS)}`));
      } else if (roll < 0.09) {
        links.push({ href: `http://example.invalid/ref/${int(random, 1, 999)}`, text: 'external reference', url: undefined, region: 'body' });
      } else if (roll < 0.11) {
        links.push({ href: `mailto:editor-${int(random, 1, 40)}@example.invalid`, text: 'write to the editor', url: undefined, region: 'body' });
      } else {
        const near = random() < 0.35;
        const target = near ? clamp(index + int(random, -60, 60), 0, pages - 1) : int(random, 0, pages - 1);
        const fragment = random() < 0.15 ? `#part-${int(random, 1, 6)}` : '';
        links.push(internal('body', hrefTo(random, index, target), target, fragment));
      }
    }
    for (let child = FAN_OUT * index + 1; child <= FAN_OUT * index + FAN_OUT && child < pages; child++) {
      links.push(internal('children', hrefTo(random, index, child), child));
    }
    links.push({ href: '#top', text: 'Back to top', url: origin + pathOf(index), region: 'footer' });
    links.push({ href: 'mailto:webmaster@example.invalid', text: 'Webmaster', url: undefined, region: 'footer' });
    links.push({ href: 'http://example.invalid/', text: 'Example partner', url: undefined, region: 'footer' });
    return links;
  }

  function html(index: number): string {
    if (!Number.isInteger(index) || index < 0 || index >= pages) throw new RangeError(`No page ${index} in a site of ${pages}`);
    return renderPage({ index, origin, path: pathOf(index), title: titleOf(index), links: linksOf(index), seed });
  }

  function countUrls(): number {
    const variants = new Set<string>();
    for (let index = 0; index < pages; index++) {
      for (const link of linksOf(index)) if (link.url?.includes('?')) variants.add(link.url);
    }
    return pages + variants.size;
  }

  return { pages, seed, origin, pathOf, indexOf, linksOf, html, countUrls };
}

interface PageInput {
  index: number;
  origin: string;
  path: string;
  title: string;
  links: SiteLink[];
  seed: number;
}

/** Lays the links out as nav, breadcrumb, body and footer, then pads the body with text up to the page's target size. */
function renderPage({ index, origin, path, title, links, seed }: PageInput): string {
  const random = createRandom(seed, index, 2);
  const targetChars = int(random, 16_500, 61_000);
  const anchor = (link: SiteLink): string => `<a href="${link.href}">${link.text}</a>`;
  const inRegion = (region: SiteLink['region']): SiteLink[] => links.filter((link) => link.region === region);
  const body = inRegion('body');
  const children = inRegion('children');

  let out =
    '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n' +
    '<meta name="viewport" content="width=device-width, initial-scale=1">\n' +
    `<title>${title} &mdash; ${SITE_NAME}</title>\n` +
    `<meta name="description" content="${capitalize(sentenceText(random, 18, 28))}">\n` +
    `<link rel="canonical" href="${origin}${path}">\n<link rel="stylesheet" href="/assets/site.css">\n` +
    '<link rel="icon" href="/favicon.ico">\n<script src="/assets/app.js" defer></script>\n' +
    `<script type="application/ld+json">{"@context":"https://schema.org","@type":"Article","headline":"${title}","position":${index}}</script>\n` +
    '</head>\n<body id="top">\n<header class="site-header"><a class="logo" href="/">' + SITE_NAME + '</a>\n' +
    '<nav class="site-nav" aria-label="Main"><ul>\n' +
    inRegion('nav').map((link) => `<li class="nav-item">${anchor(link)}</li>`).join('\n') +
    '\n</ul></nav></header>\n<nav class="breadcrumb" aria-label="Breadcrumb"><ol>' +
    inRegion('breadcrumb').map((link) => `<li>${anchor(link)}</li>`).join('') +
    `<li aria-current="page">${title}</li></ol></nav>\n<main id="content"><article>\n<h1>${title}</h1>\n` +
    `<p class="lead">${capitalize(sentenceText(random, 25, 45))}.</p>\n`;

  let next = 0;
  const takeLinks = (max: number): SiteLink[] => {
    const taken = body.slice(next, next + int(random, 0, max));
    next += taken.length;
    return taken;
  };
  let part = 0;
  while (out.length < targetChars - 1_200 || next < body.length) {
    const kind = random();
    if (kind < 0.12) out += `<h2 id="part-${++part}">${capitalize(sentenceText(random, 3, 7))}</h2>\n`;
    else if (kind < 0.62) out += `<p>${paragraph(random, takeLinks(3).map(anchor))}</p>\n`;
    else if (kind < 0.74) out += list(random, takeLinks(4).map(anchor));
    else if (kind < 0.82) out += table(random);
    else if (kind < 0.88) out += `<blockquote><p>${capitalize(sentenceText(random, 15, 40))}.</p></blockquote>\n`;
    else if (kind < 0.94) out += `<pre><code>const ${pick(random, WORDS)} = await fetch(&quot;${path}&quot;);\n// ${sentenceText(random, 5, 12)}</code></pre>\n`;
    else out += `<figure><img src="/assets/img/fig-${int(random, 1, 40)}.svg" alt="${sentenceText(random, 3, 8)}" width="640" height="360"><figcaption>${capitalize(sentenceText(random, 6, 14))}.</figcaption></figure>\n`;
  }
  if (children.length > 0) {
    out += '<section class="children"><h2>In this section</h2>\n<ul>\n';
    out += children.map((link) => `<li>${anchor(link)}</li>\n`).join('');
    out += '</ul></section>\n';
  }
  out += '</article></main>\n<footer class="site-footer"><p>';
  out += inRegion('footer').map(anchor).join(' &middot; ');
  out += `</p><p>&copy; 2025 ${SITE_NAME}. Page ${index}. ${capitalize(sentenceText(random, 10, 20))}.</p></footer>\n</body>\n</html>\n`;
  return out;
}

function paragraph(random: Random, anchors: string[]): string {
  const sentences: string[] = [];
  const count = int(random, 3, 8);
  for (let n = 0; n < count; n++) {
    let sentence = capitalize(sentenceText(random, 8, 22));
    const link = anchors[n];
    if (link !== undefined) sentence += ` (see ${link})`;
    sentences.push(random() < 0.1 ? `<em>${sentence}</em>.` : random() < 0.1 ? `<strong>${sentence}</strong>.` : `${sentence}.`);
  }
  for (let n = count; n < anchors.length; n++) sentences.push(`Also read ${anchors[n]}.`);
  return sentences.join(' ');
}

function list(random: Random, anchors: string[]): string {
  const tag = random() < 0.5 ? 'ul' : 'ol';
  const count = Math.max(anchors.length, int(random, 3, 8));
  let out = `<${tag}>\n`;
  for (let n = 0; n < count; n++) out += `<li>${anchors[n] ?? capitalize(sentenceText(random, 4, 14))}</li>\n`;
  return `${out}</${tag}>\n`;
}

function table(random: Random): string {
  const columns = int(random, 3, 5);
  const rows = int(random, 3, 9);
  let out = '<table class="data">\n<thead><tr>';
  for (let c = 0; c < columns; c++) out += `<th scope="col">${capitalize(pick(random, WORDS))}</th>`;
  out += '</tr></thead>\n<tbody>\n';
  for (let r = 0; r < rows; r++) {
    out += '<tr>';
    for (let c = 0; c < columns; c++) out += c === 0 ? `<td>${sentenceText(random, 1, 3)}</td>` : `<td class="num">${int(random, 0, 99_999)}</td>`;
    out += '</tr>\n';
  }
  return `${out}</tbody>\n</table>\n`;
}

function sentenceText(random: Random, min: number, max: number): string {
  const count = int(random, min, max);
  let out = pick(random, WORDS);
  for (let n = 1; n < count; n++) out += (random() < 0.07 ? ', ' : ' ') + pick(random, WORDS);
  return out;
}

type Random = () => number;

/** mulberry32 seeded from a murmur3-style mix of (seed, index, stream): independent streams per page and purpose. */
function createRandom(seed: number, index: number, stream: number): Random {
  return mulberry32(mix32(mix32(seed ^ 0x9e3779b9) ^ mix32(index + Math.imul(stream, 0x632be5ab))));
}

/** mulberry32 (Tommy Ettinger, public domain): a tiny, fast 32-bit generator of numbers in [0, 1), for test inputs. */
export function mulberry32(seed: number): () => number {
  let state = seed | 0;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

function mix32(value: number): number {
  let a = Math.imul(value ^ (value >>> 16), 0x85ebca6b);
  a = Math.imul(a ^ (a >>> 13), 0xc2b2ae35);
  return (a ^ (a >>> 16)) >>> 0;
}

/** Integer in [min, max], inclusive. */
function int(random: Random, min: number, max: number): number {
  return min + Math.floor(random() * (max - min + 1));
}

function pick<T>(random: Random, items: readonly T[]): T {
  return items[Math.floor(random() * items.length)] as T;
}

function clamp(value: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, value));
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
