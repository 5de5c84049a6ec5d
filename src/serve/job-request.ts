import { Type } from '@sinclair/typebox';
import type { TSchema } from '@sinclair/typebox';
import { AUDIT_DEFAULTS, resolveAuditOptions, splitAuditOptions } from '../audit/options.js';
import type { AuditOptions } from '../audit/options.js';
import { DEFAULTS, resolveOptions } from '../crawler/options.js';
import type { CrawlerOptions } from '../crawler/options.js';
import { ImageExtractor } from '../extractors/images.js';
import type { ImageExtractorOptions } from '../extractors/images.js';
import { IMAGE_SAVER_DEFAULTS, resolveImageSaverOptions } from '../savers/image-saver-options.js';
import type { ImageSaverOptions } from '../savers/image-saver-options.js';
import type { JobMode } from './job-types.js';

// Options the server sets itself for every job: where it writes, how it logs and reports, and the address guard.
const SERVER_OWNED = new Set(['denyPrivateAddresses', 'format', 'progressIntervalMs', 'outDir', 'skipSaved']);
const STRING_LISTS = ['include', 'exclude', 'stripParams', 'contentTypes'];
const IMAGE_EXTRACTOR_KEYS = { includeIcons: false, includeDataUris: false, includeLinked: true, imageScope: 'any' } as const;

/**
 * The JSON type of one option, from its default: the schema checks the shape (a number, a string, a flag) and the
 * library's resolvers check the value, so ranges and messages are the library's. A number is `number`, not
 * `integer`, so `1.5` reaches the library and gets its message ("an integer >= 0").
 */
function schemaOf(value: unknown): TSchema {
  if (typeof value === 'boolean') return Type.Boolean();
  if (typeof value === 'number') return Type.Number();
  return Type.String();
}

function optionSchemas(defaults: Record<string, unknown>): Record<string, TSchema> {
  return Object.fromEntries(Object.entries(defaults).filter(([name]) => !SERVER_OWNED.has(name)).map(([name, value]) => [name, schemaOf(value)]));
}

const crawlOptionSchemas: Record<string, TSchema> = {
  ...optionSchemas(DEFAULTS),
  ...Object.fromEntries(STRING_LISTS.map((name) => [name, Type.Array(Type.String(), { maxItems: 1000 })])),
  autoThrottle: Type.Union([
    Type.Boolean(),
    Type.Object({ targetConcurrency: Type.Optional(Type.Number()), startDelayMs: Type.Optional(Type.Number()), maxDelayMs: Type.Optional(Type.Number()) }, { additionalProperties: false }),
  ]),
};

/** The option names each mode takes (its library options under the library's names), with their JSON schema. */
const OPTION_SCHEMAS: Record<JobMode, Record<string, TSchema>> = {
  crawl: crawlOptionSchemas,
  images: {
    ...crawlOptionSchemas,
    ...optionSchemas(IMAGE_SAVER_DEFAULTS),
    ...optionSchemas(IMAGE_EXTRACTOR_KEYS),
    types: Type.Array(Type.String(), { maxItems: 20 }),
  },
  audit: { ...crawlOptionSchemas, ...optionSchemas(AUDIT_DEFAULTS), sitemapUrls: Type.Array(Type.String(), { maxItems: 1000 }) },
};

const optionsObject = (mode: JobMode) => Type.Object(
  Object.fromEntries(Object.entries(OPTION_SCHEMAS[mode]).map(([name, schema]) => [name, Type.Optional(schema)])),
  { additionalProperties: false },
);

const HTTP_URL = '^https?://';
const common = {
  urls: Type.Array(Type.String({ pattern: HTTP_URL, maxLength: 2048 }), { minItems: 1, maxItems: 1000 }),
  webhook: Type.Optional(Type.String({ pattern: HTTP_URL, maxLength: 2048 })),
};

/** The modes, in the order messages list them. */
export const MODES: readonly JobMode[] = ['crawl', 'images', 'audit'];

/**
 * The body of `POST /api/crawls`: one shape per mode, picked by `mode` (ajv's `discriminator`, so errors speak of
 * the chosen mode's shape only), so an option of another mode is an unknown field. Unknown fields anywhere are refused.
 */
export const JobRequestSchema = Type.Unsafe<JobRequest>({
  type: 'object',
  required: ['mode'],
  discriminator: { propertyName: 'mode' },
  oneOf: MODES.map((mode) =>
    Type.Object({ mode: Type.Literal(mode), ...common, options: Type.Optional(optionsObject(mode)) }, { additionalProperties: false }),
  ),
});

/** A request body that passed the schema. */
export interface JobRequest {
  mode: JobMode;
  urls: string[];
  options?: Record<string, unknown>;
  webhook?: string;
}

/** The option names of a mode, for messages and docs. */
export function optionNames(mode: JobMode): string[] {
  return Object.keys(OPTION_SCHEMAS[mode]);
}

/** A job's options split the way its mode's library objects take them. */
export interface ModeOptions {
  crawl: CrawlerOptions;
  saver: ImageSaverOptions;
  extractor: ImageExtractorOptions;
  audit: AuditOptions;
}

const pick = (options: Record<string, unknown>, keys: ReadonlySet<string>, wanted: boolean) =>
  Object.fromEntries(Object.entries(options).filter(([key]) => keys.has(key) === wanted));

const SAVER_KEYS = new Set(['types', ...Object.keys(IMAGE_SAVER_DEFAULTS)]);
const EXTRACTOR_KEYS = new Set(Object.keys(IMAGE_EXTRACTOR_KEYS));

/**
 * Splits a job's options between the library objects of its mode. In images mode `maxBytes` is the image size cap
 * (as `sitecrawl images --max-bytes`), and pages keep the crawl's default cap.
 */
export function splitModeOptions(mode: JobMode, urls: readonly string[], options: Record<string, unknown>): ModeOptions {
  if (mode === 'audit') {
    const { crawl, audit } = splitAuditOptions(options as unknown as CrawlerOptions);
    return { crawl: { ...crawl, startUrls: urls }, audit, saver: {}, extractor: {} };
  }
  if (mode === 'crawl') return { crawl: { ...(options as object), startUrls: urls }, saver: {}, extractor: {}, audit: {} };
  const rest = pick(pick(options, SAVER_KEYS, false), EXTRACTOR_KEYS, false);
  return {
    crawl: { ...rest, startUrls: urls },
    saver: pick(options, SAVER_KEYS, true) as ImageSaverOptions,
    extractor: pick(options, EXTRACTOR_KEYS, true) as ImageExtractorOptions,
    audit: {},
  };
}

/**
 * Checks a job's options with the library's own resolvers (`resolveOptions`, `resolveImageSaverOptions`, the
 * `ImageExtractor`'s check, `resolveAuditOptions`), so defaults and messages are the library's.
 * @throws OptionsError naming the option.
 */
export function validateJobOptions(mode: JobMode, urls: readonly string[], options: Record<string, unknown>): void {
  const split = splitModeOptions(mode, urls, options);
  resolveOptions(split.crawl);
  if (mode === 'images') {
    resolveImageSaverOptions({ ...split.saver, outDir: '.' });
    new ImageExtractor(split.extractor);
  }
  if (mode === 'audit') resolveAuditOptions(split.audit);
}
