import { getDomain } from 'tldts';
import { OptionsError } from '../errors.js';
import { cssBackgroundUrls } from './css-urls.js';
import { walkElements } from './dom.js';
import type { Element } from './dom.js';
import { Extractor } from './extractor.js';
import type { DownloadRequest, Extracted, WorkerSpec } from './extractor.js';
import { attributeImage, iconImage, linkedImage, metaImage, pictureImage } from './image-elements.js';
import type { Page } from './page.js';

/** Which image URLs, relative to the page they were found on, are kept. */
export type ImageScope = 'any' | 'host' | 'domain';

/** Options of {@link ImageExtractor}: plain data, so a worker thread can rebuild the extractor from them. */
export interface ImageExtractorOptions {
  /** Keep `link[rel~=icon]`, `apple-touch-icon` and `mask-icon` images. @default false */
  includeIcons?: boolean;
  /** Keep images given inline as `data:` URIs (the saver decodes them). @default false */
  includeDataUris?: boolean;
  /** Take `a[href]` links whose path ends in an image extension (`.jpg`, `.png`, ...) as images: the full size behind a thumbnail. @default true */
  includeLinked?: boolean;
  /** `host`: only images on the page's hostname; `domain`: on its registrable domain (subdomains and CDN hosts of the site); `any`. @default 'any' */
  imageScope?: ImageScope;
}

/** Where an image was found on a page, and what the page says about it. */
export interface FoundImage {
  /** Absolute URL (fragment dropped), resolved against the final URL and `<base href>`; or a `data:` URI. */
  url: string;
  /** The element it came from (`img`, `picture`, `meta`, `link`, `input`, `video`, `a`, or the tag of a styled element). */
  element: string;
  /** The attribute it came from (`src`, `srcset`, `data-src`, `content`, `href`, `style`, `poster`, ...). */
  attribute: string;
  /** `alt` text (or `title`, or the link text), white space collapsed; `''` when none. */
  alt: string;
  /** The element's `width` attribute, when it is a whole number. */
  declaredWidth?: number;
  /** The element's `height` attribute, when it is a whole number. */
  declaredHeight?: number;
  /** The other candidates of a `srcset` or `<picture>` (smaller sizes, other formats), absolute. */
  alternates?: string[];
  /** An icon (`link rel=icon`, `apple-touch-icon`); kept only with `includeIcons`. */
  isIcon?: boolean;
}

const KEYS = new Set(['includeIcons', 'includeDataUris', 'includeLinked', 'imageScope']);

/**
 * Finds the images of a page and asks for each as a download of kind `image` (for {@link ImageSaver}): `img`
 * (`src`, `srcset`, lazy `data-src`/`data-srcset`/`data-original`/`data-lazy-src`), `picture` sources (the largest
 * candidate by width descriptor or density is downloaded, the others listed as `alternates`), `og:image` and
 * `twitter:image`, `input[type=image]`, `video[poster]`, inline `style` backgrounds, links to image files, and, when
 * asked, icons and `data:` URIs. Emits no records and no links.
 *
 * Steps you can override, each with a working default: `selectImages(page)` finds the images, `shouldKeep(image,
 * page)` applies icons, data URIs and `imageScope`, `toDownload(image)` builds the request. A URL found twice on a
 * page is asked for once: the first sighting, with the first non-empty alt text.
 */
export class ImageExtractor extends Extractor {
  readonly name = 'images';
  /** The options it was built with, defaults filled in. */
  readonly options: Readonly<Required<ImageExtractorOptions>>;

  /** @throws OptionsError for an unknown option or a bad value. */
  constructor(options: ImageExtractorOptions = {}) {
    super();
    this.options = Object.freeze(validate(options));
  }

  override workerSpec(): WorkerSpec {
    return { module: import.meta.url, exportName: 'ImageExtractor', args: [this.options] };
  }

  extract(page: Page): Extracted {
    const byUrl = new Map<string, FoundImage>();
    for (const image of this.selectImages(page)) {
      if (!this.shouldKeep(image, page)) continue;
      const seen = byUrl.get(image.url);
      if (!seen) byUrl.set(image.url, { ...image });
      else if (!seen.alt && image.alt) seen.alt = image.alt;
    }
    return { downloads: [...byUrl.values()].map((image) => this.toDownload(image)) };
  }

  /**
   * Every image reference of the page, in document order, then inline `style` backgrounds (icons and `data:` URIs
   * included: `shouldKeep` filters them). Called once per page by `extract`.
   */
  protected selectImages(page: Page): FoundImage[] {
    const found: FoundImage[] = [];
    const add = (image: FoundImage | undefined) => {
      if (image) found.push(image);
    };
    for (const element of page.elements('img', 'picture', 'meta', 'link', 'input', 'video', 'a')) {
      switch (element.tagName) {
        case 'img':
          if (!isInPicture(element)) add(pictureImage(page, element, []));
          break;
        case 'picture':
          add(pictureImage(page, childrenNamed(element, 'img')[0], childrenNamed(element, 'source')));
          break;
        case 'meta':
          add(metaImage(page, element));
          break;
        case 'link':
          add(iconImage(page, element));
          break;
        case 'input':
          if (page.attr(element, 'type')?.trim().toLowerCase() === 'image') add(attributeImage(page, element, 'src'));
          break;
        case 'video':
          add(attributeImage(page, element, 'poster'));
          break;
        case 'a':
          if (this.options.includeLinked) add(linkedImage(page, element));
          break;
      }
    }
    walkElements(page.document, (element) => {
      const style = page.attr(element, 'style');
      if (style !== undefined) for (const url of cssBackgroundUrls(style)) add(attributeImage(page, element, 'style', url));
    });
    return found;
  }

  /** Whether a found image is asked for: icons with `includeIcons`, `data:` URIs with `includeDataUris`, and `imageScope`. */
  protected shouldKeep(image: FoundImage, page: Page): boolean {
    if (image.isIcon && !this.options.includeIcons) return false;
    if (image.url.startsWith('data:')) return this.options.includeDataUris;
    return inImageScope(image.url, page.finalUrl, this.options.imageScope);
  }

  /** The download request for a kept image: kind `image`, with what the page said about it in `data`. */
  protected toDownload(image: FoundImage): DownloadRequest {
    const { url, ...data } = image;
    return { url, kind: 'image', data: { ...data } };
  }
}

function validate(options: ImageExtractorOptions): Required<ImageExtractorOptions> {
  if (typeof options !== 'object' || options === null) throw new OptionsError('options', 'Expected ImageExtractor options to be an object');
  for (const key of Object.keys(options)) if (!KEYS.has(key)) throw new OptionsError(key, `Unknown option \`${key}\``);
  const flag = (name: 'includeIcons' | 'includeDataUris' | 'includeLinked', fallback: boolean) => {
    const value = options[name] ?? fallback;
    if (typeof value !== 'boolean') throw new OptionsError(name, `Expected \`${name}\` to be true or false, got ${String(value)}`);
    return value;
  };
  const imageScope = options.imageScope ?? 'any';
  if (!['any', 'host', 'domain'].includes(imageScope))
    throw new OptionsError('imageScope', `Expected \`imageScope\` to be one of any, host, domain, got ${JSON.stringify(imageScope)}`);
  return { includeIcons: flag('includeIcons', false), includeDataUris: flag('includeDataUris', false), includeLinked: flag('includeLinked', true), imageScope };
}

/** Whether `url` is within `scope` of the page it was found on. Pure. */
export function inImageScope(url: string, pageUrl: string, scope: ImageScope): boolean {
  if (scope === 'any') return true;
  const image = new URL(url).hostname;
  const page = new URL(pageUrl).hostname;
  if (scope === 'host' || image === page) return image === page;
  const domain = getDomain(page, { allowPrivateDomains: true }) ?? page;
  return image === domain || image.endsWith(`.${domain}`);
}

function childrenNamed(element: Element, tagName: string): Element[] {
  return element.childNodes.filter((child): child is Element => 'tagName' in child && child.tagName === tagName);
}

function isInPicture(img: Element): boolean {
  const parent = img.parentNode;
  return parent !== null && 'tagName' in parent && parent.tagName === 'picture';
}
