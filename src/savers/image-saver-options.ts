import { OptionsError } from '../errors.js';
import { IMAGE_TYPES } from './image-type.js';
import type { ImageType } from './image-type.js';

/** How saved files are laid out under `images/`: `sharded` (`images/ab/ab12….png`) or `flat` (`images/ab12….png`). */
export type ImageLayout = 'sharded' | 'flat';

/** Options of {@link ImageSaver}. Every field is optional; counts and sizes are safe integers (at most 2^53-1). */
export interface ImageSaverOptions {
  /** Directory for `images/`, `images.jsonl` and `index.html`. @default the crawl's `outDir` (one of the two is required) */
  outDir?: string;
  /** Save at most this many new files in this run, exactly, however many downloads are in flight. @default Infinity */
  maxImages?: number;
  /** Reject images narrower than this many pixels (`too-small`). An SVG without a declared size passes. @default 0 */
  minWidth?: number;
  /** Reject images shorter than this many pixels (`too-small`). @default 0 */
  minHeight?: number;
  /** Reject images smaller than this many bytes (`too-small`). @default 0 */
  minBytes?: number;
  /** Reject images larger than this many bytes (`too-large`); the download is cut at the cap, not read to the end. @default 33554432 (32 MiB) */
  maxBytes?: number;
  /** Keep only these sniffed types (`filtered-type` otherwise); `jpg` is read as `jpeg`. @default every type */
  types?: readonly (ImageType | 'jpg')[];
  /** Image downloads in flight at once (each also waits for the crawl's global and per-host limits). @default 8 */
  imageConcurrency?: number;
  /** File layout under `images/`. @default 'sharded' */
  layout?: ImageLayout;
  /**
   * Keep what an earlier images run saved in the output directory: read its `images.jsonl` back, skip URLs whose files
   * are still there and carry their records into this run's manifest. Off, the manifest lists this run's images only.
   * @default false
   */
  skipSaved?: boolean;
  /** Write `index.html`, a gallery of the saved images, at the end. @default true */
  gallery?: boolean;
  /**
   * Make a WebP thumbnail (at most 256 px on the long side) of each saved image under `thumbs/`, listed as `thumb`
   * in its record (`thumbError` when none could be made; the image stays saved). Loads sharp on the first image.
   * @default true
   */
  thumbnails?: boolean;
}

/** {@link ImageSaverOptions} after validation, defaults filled in. */
export interface ResolvedImageSaverOptions extends Required<Omit<ImageSaverOptions, 'outDir' | 'types'>> {
  readonly outDir: string | undefined;
  readonly types: readonly ImageType[];
}

/** Defaults of the image saver's options. */
export const IMAGE_SAVER_DEFAULTS = Object.freeze({
  maxImages: Number.POSITIVE_INFINITY,
  minWidth: 0,
  minHeight: 0,
  minBytes: 0,
  maxBytes: 32 * 1024 * 1024,
  imageConcurrency: 8,
  layout: 'sharded' as ImageLayout,
  skipSaved: false,
  gallery: true,
  thumbnails: true,
});

const KEYS = new Set(['outDir', 'types', ...Object.keys(IMAGE_SAVER_DEFAULTS)]);

function fail(name: string, rule: string, value: unknown): never {
  throw new OptionsError(name, `Expected \`${name}\` to be ${rule}, got ${typeof value === 'string' ? JSON.stringify(value) : String(value)}`);
}

/**
 * Validates image saver options: unknown keys and bad values fail loudly, defaults are filled in. Pure.
 * @throws OptionsError naming the option, the rule and the value received.
 */
export function resolveImageSaverOptions(options: ImageSaverOptions): ResolvedImageSaverOptions {
  if (typeof options !== 'object' || options === null) throw new OptionsError('options', 'Expected ImageSaver options to be an object');
  const input = options as Record<string, unknown>;
  for (const key of Object.keys(input)) if (!KEYS.has(key)) throw new OptionsError(key, `Unknown option \`${key}\``);
  const integer = (name: keyof typeof IMAGE_SAVER_DEFAULTS, min: number, allowInfinity = false): number => {
    const value = input[name] ?? IMAGE_SAVER_DEFAULTS[name];
    if (allowInfinity && value === Number.POSITIVE_INFINITY) return value;
    // Past 2^53-1 integers are no longer exact, so a count there is a typo, not a limit.
    if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > Number.MAX_SAFE_INTEGER)
      fail(name, value as number > Number.MAX_SAFE_INTEGER ? `an integer between ${min} and ${Number.MAX_SAFE_INTEGER}` : `an integer >= ${min}`, value);
    return value;
  };
  const boolean = (name: 'skipSaved' | 'gallery' | 'thumbnails'): boolean => {
    const value = input[name] ?? IMAGE_SAVER_DEFAULTS[name];
    if (typeof value !== 'boolean') fail(name, 'true or false', value);
    return value;
  };
  const outDir = input['outDir'];
  if (outDir !== undefined && (typeof outDir !== 'string' || outDir === '')) fail('outDir', 'a directory path', outDir);
  const layout = input['layout'] ?? IMAGE_SAVER_DEFAULTS.layout;
  if (layout !== 'sharded' && layout !== 'flat') fail('layout', 'one of sharded, flat', layout);
  const rawTypes = input['types'] ?? IMAGE_TYPES;
  if (!Array.isArray(rawTypes) || rawTypes.length === 0) fail('types', `a non-empty array of ${IMAGE_TYPES.join(', ')}`, rawTypes);
  const types = rawTypes.map((type: unknown) => {
    const name = type === 'jpg' ? 'jpeg' : type;
    if (!IMAGE_TYPES.includes(name as ImageType)) fail('types', `an array of ${IMAGE_TYPES.join(', ')}`, type);
    return name as ImageType;
  });
  const resolved = {
    outDir: outDir as string | undefined,
    maxImages: integer('maxImages', 1, true),
    minWidth: integer('minWidth', 0),
    minHeight: integer('minHeight', 0),
    minBytes: integer('minBytes', 0),
    maxBytes: integer('maxBytes', 1),
    types: [...new Set(types)],
    imageConcurrency: integer('imageConcurrency', 1),
    layout: layout as ImageLayout,
    skipSaved: boolean('skipSaved'),
    gallery: boolean('gallery'),
    thumbnails: boolean('thumbnails'),
  };
  if (resolved.minBytes > resolved.maxBytes) fail('minBytes', `at most maxBytes (${resolved.maxBytes})`, resolved.minBytes);
  return Object.freeze(resolved);
}
