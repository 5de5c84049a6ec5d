import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Crawler } from '../crawler/crawler.js';
import { OptionsError } from '../errors.js';
import { checkResumedCommandOptions } from './crawl-state.js';
import type { Awaitable, FoundLink } from '../extractors/extractor.js';
import type { PersistOptions } from '../crawler/options.js';
import { looksLikeImageUrl } from '../extractors/image-elements.js';
import { ImageExtractor } from '../extractors/images.js';
import type { ImageExtractorOptions, ImageScope } from '../extractors/images.js';
import { LinkExtractor } from '../extractors/links.js';
import { ImageSaver } from '../savers/image-saver.js';
import type { ImageLayout, ImageSaverOptions } from '../savers/image-saver-options.js';
import { IMAGE_TYPES } from '../savers/image-type.js';
import type { ImageType } from '../savers/image-type.js';
import { CRAWL_OPTIONS_HELP, UsageError, choiceFlag, crawlCommandFrom, integerFlag, parseCommandArgs } from './args.js';
import type { CrawlCommand, FlagTable } from './args.js';
import { sitemapsOption, takeSitemapFlags } from './sitemap-flags.js';
import { formatSummary } from './progress.js';
import { EXIT, runCrawler, usageMessage } from './run-crawler.js';
import type { CliStreams } from './run-crawler.js';

/** What `sitecrawl images` was asked to do. */
export interface ImagesCommand {
  crawl: CrawlCommand;
  extractor: ImageExtractorOptions;
  saver: ImageSaverOptions;
}

const IMAGE_FLAGS = {
  'max-images': { type: 'string' },
  'min-width': { type: 'string' },
  'min-height': { type: 'string' },
  'min-bytes': { type: 'string' },
  types: { type: 'string' },
  'image-concurrency': { type: 'string' },
  'image-scope': { type: 'string' },
  'include-icons': { type: 'boolean' },
  'include-data-uris': { type: 'boolean' },
  layout: { type: 'string' },
  'skip-saved': { type: 'boolean' },
  'no-thumbs': { type: 'boolean' },
  persist: { type: 'boolean' },
  resume: { type: 'boolean' },
} as const satisfies FlagTable;

// What --skip-saved builds on: the saved files and the manifest of an earlier images run, and nothing of another command.
const IMAGES_REUSE = { keep: ['images', 'thumbs', 'images.jsonl'], sameCommand: ['images', 'thumbs', 'images.jsonl', 'index.html', 'pages.jsonl', 'pages.csv'], flag: '--skip-saved' };

/** Help text of `sitecrawl images`. */
export const IMAGES_HELP = `Usage: sitecrawl images <url...> [options]

Crawls breadth-first from the start URLs and saves the images of every page under OUT/images/ (one file per
content, named by SHA-256), with OUT/images.jsonl (one record per saved or rejected image), OUT/index.html (a
gallery) and OUT/pages.jsonl. An OUT holding an earlier run's outputs is refused unless --skip-saved (build on
an earlier images run) or --overwrite (replace it) is given.

Image options:
      --max-images N       save at most N new files, then stop the crawl
      --min-width PX       reject images narrower than PX pixels
      --min-height PX      reject images shorter than PX pixels
      --min-bytes B        reject images smaller than B bytes
      --max-bytes B        reject images larger than B bytes, cutting the download (default 33554432)
      --types LIST         keep only these types: ${IMAGE_TYPES.join(',')} (comma-separated; jpg = jpeg)
      --image-concurrency N  image downloads in flight (default 8)
      --image-scope S      any | host | domain: where images may live, relative to their page (default any)
      --include-icons      also save favicons and touch icons
      --include-data-uris  also save images inlined as data: URIs
      --layout L           sharded (images/ab/abcd….png) | flat (images/abcd….png) (default sharded)
      --skip-saved         keep the images an earlier images run saved in OUT and do not download them again
      --no-thumbs          make no thumbnails (default: a WebP of at most 256 px per image under OUT/thumbs/)
      --persist            keep the run's state in OUT/state.db, so a stopped run can be resumed
      --resume             continue the images run in OUT (its start URLs and options come from OUT/state.db)

Crawl options:
      --sitemap [URL]      also start from the URLs the sitemaps list (robots.txt Sitemap: lines, or
                           /sitemap.xml); --sitemap=URL reads that sitemap or index (repeatable)
${CRAWL_OPTIONS_HELP.split('\n').filter((line) => !line.includes('--max-bytes')).join('\n')}  -h, --help               show this help

Exit codes: 0 the crawl ran (even if some pages or images failed), 1 output failed, 2 usage error (or an unusable
or already used output directory), 130 interrupted.
`;

// The flag behind each image option, so a validation error names what the user typed.
const FLAG_OF_IMAGE_OPTION: Readonly<Record<string, string>> = {
  maxImages: '--max-images',
  minWidth: '--min-width',
  minHeight: '--min-height',
  minBytes: '--min-bytes',
  maxBytes: '--max-bytes',
  types: '--types',
  imageConcurrency: '--image-concurrency',
  layout: '--layout',
  imageScope: '--image-scope',
};

const str = (value: unknown) => (typeof value === 'string' ? value : undefined);

function typesFlag(text: string | undefined): ImageType[] | undefined {
  if (text === undefined) return undefined;
  const types = text.split(',').map((type) => type.trim().toLowerCase()).filter(Boolean);
  const unknown = types.find((type) => type !== 'jpg' && !IMAGE_TYPES.includes(type as ImageType));
  if (types.length === 0 || unknown !== undefined)
    throw new UsageError(`--types expects a comma-separated list of ${IMAGE_TYPES.join(', ')}, got ${JSON.stringify(text)}`);
  return [...new Set(types.map((type) => (type === 'jpg' ? 'jpeg' : type) as ImageType))];
}

function defined<T extends object>(object: T): T {
  return Object.fromEntries(Object.entries(object).filter(([, value]) => value !== undefined)) as T;
}

/**
 * Parses the arguments after `images`. `--max-bytes` is the image size cap here; pages keep the default cap. Pure.
 * @throws UsageError for unknown flags, missing URLs or bad values.
 */
export function parseImagesArgs(argv: readonly string[]): ImagesCommand | 'help' {
  const sitemapFlags = takeSitemapFlags(argv);
  const { values, positionals } = parseCommandArgs(sitemapFlags.rest, IMAGE_FLAGS);
  if (values['help']) return 'help';
  const resume = values['resume'] === true;
  if (resume && values['overwrite']) throw new UsageError('--resume continues the run in OUT and --overwrite replaces it: give one of them');
  const parsed = crawlCommandFrom({ values: { ...values, 'max-bytes': undefined }, positionals }, 'images', 'sitecrawl-out', resume);
  if ((resume || values['persist']) && parsed.options.format === 'csv') throw new UsageError('--persist writes JSON Lines outputs: leave out --format csv');
  const crawl: CrawlCommand = { ...parsed, persist: values['persist'] === true || resume, resume };
  const sitemaps = sitemapsOption(sitemapFlags, positionals);
  if (sitemaps !== undefined) crawl.options = { ...crawl.options, sitemaps };
  if (values['skip-saved'] && crawl.overwrite) throw new UsageError('--skip-saved keeps what --overwrite removes: give one of them');
  const saver: ImageSaverOptions = defined({
    outDir: crawl.outDir,
    maxImages: integerFlag('max-images', str(values['max-images']), 1),
    minWidth: integerFlag('min-width', str(values['min-width']), 0),
    minHeight: integerFlag('min-height', str(values['min-height']), 0),
    minBytes: integerFlag('min-bytes', str(values['min-bytes']), 0),
    maxBytes: integerFlag('max-bytes', str(values['max-bytes']), 1),
    types: typesFlag(str(values['types'])),
    imageConcurrency: integerFlag('image-concurrency', str(values['image-concurrency']), 1),
    layout: choiceFlag<ImageLayout>('layout', str(values['layout']), ['sharded', 'flat']),
    skipSaved: values['skip-saved'] === true ? true : undefined,
    thumbnails: values['no-thumbs'] === true ? false : undefined,
  });
  const extractor: ImageExtractorOptions = defined({
    imageScope: choiceFlag<ImageScope>('image-scope', str(values['image-scope']), ['any', 'host', 'domain']),
    includeIcons: values['include-icons'] === true ? true : undefined,
    includeDataUris: values['include-data-uris'] === true ? true : undefined,
  });
  return { crawl, extractor, saver };
}

/** The images command's crawler: links to image files are downloads, never pages. */
class ImageCrawler extends Crawler {
  protected override shouldEnqueue(link: FoundLink): Awaitable<boolean> {
    return !looksLikeImageUrl(link.url);
  }
}

/**
 * The image options that change what an images run finds and saves, by flag: stored with a crawl shared through
 * Redis, so a worker with other values cannot join it. Pure.
 */
export function imageFlagOptions(saver: ImageSaver, extractor: ImageExtractor): Record<string, unknown> {
  const o = saver.options;
  const maxImages = Number.isFinite(o.maxImages) ? o.maxImages : null;
  return {
    '--max-images': maxImages, '--min-width': o.minWidth, '--min-height': o.minHeight, '--min-bytes': o.minBytes, '--max-bytes': o.maxBytes,
    '--types': [...o.types], '--layout': o.layout, '--no-thumbs': !o.thumbnails, '--image-scope': extractor.options.imageScope,
    '--include-icons': extractor.options.includeIcons, '--include-data-uris': extractor.options.includeDataUris,
  };
}

/** The figures of the image saver, as the summary shows them. Pure. */
export function formatImageSummary(counters: Readonly<Record<string, number>>): string {
  const value = (name: string) => counters[`images.${name}`] ?? 0;
  const reasons = Object.entries(counters)
    .filter(([key]) => key.startsWith('images.rejected.'))
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .map(([key, count]) => `${key.slice('images.rejected.'.length)} ${count}`);
  const parts = [`${value('saved')} saved`];
  if (value('duplicate')) parts.push(`${value('duplicate')} duplicates`);
  if (value('existing')) parts.push(`${value('existing')} already saved`);
  if (value('thumbs.failed')) parts.push(`${value('thumbs.failed')} without a thumbnail`);
  parts.push(`${value('rejected')} rejected${reasons.length ? ` (${reasons.join(', ')})` : ''}`);
  parts.push(`${value('found')} found`);
  return `Images: ${parts.join(', ')}`;
}

// The image options that change what a run saves: stored with a persisted run, and taken from it by --resume.
const SAVER_RESULT_OPTIONS = ['maxImages', 'minWidth', 'minHeight', 'minBytes', 'maxBytes', 'types', 'layout', 'skipSaved', 'gallery', 'thumbnails'] as const;
const EXTRACTOR_RESULT_OPTIONS = ['imageScope', 'includeIcons', 'includeDataUris', 'includeLinked'] as const;
const FLAG_OF_PERSISTED_OPTION: Readonly<Record<string, string>> = { ...FLAG_OF_IMAGE_OPTION, skipSaved: '--skip-saved', includeIcons: '--include-icons', includeDataUris: '--include-data-uris', thumbnails: '--no-thumbs' };

/** The options of a saver and an extractor that change what an images run saves, as stored in its state. Pure. */
export function imageResultOptions(saver: ImageSaver, extractor: ImageExtractor): Record<string, unknown> {
  const options: Record<string, unknown> = {};
  for (const name of SAVER_RESULT_OPTIONS) options[name] = saver.options[name];
  if (!Number.isFinite(saver.options.maxImages)) options['maxImages'] = null;
  for (const name of EXTRACTOR_RESULT_OPTIONS) options[name] = extractor.options[name];
  return options;
}

/**
 * The saver and extractor of an images run: from the command line, or for `--resume` from the stored options, which
 * image flags on the command line must equal.
 * @throws OptionsError naming the flag that differs from the stored run, or an invalid value.
 */
function buildImageParts(command: ImagesCommand, stored: Readonly<Record<string, unknown>> | undefined): { saver: ImageSaver; extractor: ImageExtractor } {
  if (!stored) return { saver: new ImageSaver(command.saver), extractor: new ImageExtractor(command.extractor) };
  const pick = (names: readonly string[]) =>
    Object.fromEntries(names.filter((name) => stored[name] !== undefined && stored[name] !== null).map((name) => [name, stored[name]]));
  const saver = new ImageSaver({ ...pick(SAVER_RESULT_OPTIONS), outDir: command.crawl.outDir, ...(command.saver.imageConcurrency ? { imageConcurrency: command.saver.imageConcurrency } : {}) });
  const extractor = new ImageExtractor(pick(EXTRACTOR_RESULT_OPTIONS));
  // Compare what the command line set, resolved the same way as the stored values.
  const { outDir: _outDir, imageConcurrency: _concurrency, ...givenSaver } = command.saver;
  const given = imageResultOptions(new ImageSaver({ ...saver.options, types: [...saver.options.types], ...givenSaver }), new ImageExtractor({ ...extractor.options, ...command.extractor }));
  const named = Object.fromEntries(Object.keys({ ...givenSaver, ...command.extractor }).map((name) => [name, given[name]]));
  checkResumedCommandOptions(command.crawl.outDir, stored, named, FLAG_OF_PERSISTED_OPTION);
  return { saver, extractor };
}

/**
 * `sitecrawl images <url...>`: crawls with the link and image extractors and saves images into OUT/ (files, manifest,
 * gallery, pages), with images saved / found / rejected next to the page progress and a summary at the end.
 */
export async function imagesCommand(argv: readonly string[], streams: CliStreams): Promise<number> {
  let command: ImagesCommand | 'help';
  try {
    command = parseImagesArgs(argv);
    if (command === 'help') {
      streams.stdout.write(IMAGES_HELP);
      return EXIT.ok;
    }
    // Checked now, so a bad value is refused before anything is read; a --resume builds them again from its state.
    buildImageParts(command, undefined);
  } catch (error) {
    if (error instanceof UsageError) streams.stderr.write(`sitecrawl images: ${error.message}\nTry 'sitecrawl images --help'.\n`);
    else if (error instanceof OptionsError) {
      const flag = FLAG_OF_IMAGE_OPTION[error.option];
      streams.stderr.write(`sitecrawl images: ${flag ? `${flag}: ${error.message}` : usageMessage(error)}\n`);
    }
    else throw error;
    return EXIT.usage;
  }
  const images = command;
  const { outDir, quiet } = command.crawl;
  let saver: ImageSaver | undefined;
  return runCrawler(command.crawl, streams, {
    name: 'images',
    reuse: { ...IMAGES_REUSE, enabled: command.saver.skipSaved === true },
    create: (options) => {
      // The CLI gives `persist` as { path, command, commandOptions? }, never an open database.
      const persist = options.persist as PersistOptions | undefined;
      const parts = buildImageParts(images, images.crawl.resume ? (persist?.commandOptions ?? {}) : undefined);
      saver = parts.saver;
      return new ImageCrawler({
        ...options,
        ...(persist ? { persist: { ...persist, commandOptions: imageResultOptions(parts.saver, parts.extractor) } } : {}),
        // A shared crawl is an `images` one, with its image options by flag: a worker with other values cannot join.
        ...(options.redis ? { redis: { ...options.redis, command: 'images', commandOptions: imageFlagOptions(parts.saver, parts.extractor) } } : {}),
        extractors: [new LinkExtractor(), parts.extractor],
        savers: [parts.saver],
        signal: AbortSignal.any([parts.saver.limitReached, ...(options.signal ? [options.signal] : [])]),
      });
    },
    progressSuffix: (progress) => {
      const count = (name: string) => progress.savers[`images.${name}`] ?? 0;
      return `images ${count('saved')} saved / ${count('found')} found / ${count('rejected')} rejected`;
    },
    finish: (crawler, summary, interrupted) => {
      if (quiet) return EXIT.ok;
      const limited = saver?.limitReached.aborted === true && !interrupted;
      const outputs = [`pages.${crawler.options.format}`, 'images.jsonl', 'index.html'].map((name) => join(outDir, name)).filter((path) => existsSync(path));
      const text = formatSummary(summary, [], limited ? 'max-images' : summary.stopReason);
      streams.stderr.write(`${text}${formatImageSummary(summary.savers)}\n${outputs.map((path) => `Wrote ${path}\n`).join('')}`);
      return EXIT.ok;
    },
  });
}
