/**
 * What one robots.txt check costs on a huge file, with sitecrawl's matcher (robots-rules.ts) and with robots-parser
 * (which the crawler used before; a dev dependency now, kept for this comparison): a seeded 5 MB robots.txt of 150,000 rules (prefix rules, Allow
 * exceptions, `*` and `$` patterns, a few starting with `/*`), parsed whole and as the crawl reads it (the first
 * 500 KiB, whole lines only), then `isAllowed` timed over 20,000 URLs (half under the path of a rule, half not; a run
 * stops after 2 s, so a slow matcher checks fewer).
 *
 *   node --import tsx bench/robots-check.ts
 *
 * Prints one JSON line, then a readable summary. Timings are process CPU time (user + system, so other
 * processes on a busy machine count less than in wall time), medians of 5 runs after a warm-up run.
 */
import robotsParserModule from 'robots-parser';
import { ROBOTS_MAX_BYTES, rulesFrom, wholeLines } from '../src/crawler/robots.js';

interface Checker {
  isAllowed(url: string): boolean;
}
type Matcher = (body: string) => Checker;

const robotsParser = robotsParserModule as unknown as (url: string, body: string) => { isAllowed(url: string, ua: string): boolean | undefined };
const MATCHERS: Record<string, Matcher> = {
  sitecrawl: (body) => rulesFrom('https://shop.test/robots.txt', { status: 200, body }, ['sitecrawl']),
  'robots-parser': (body) => {
    const robot = robotsParser('https://shop.test/robots.txt', body);
    return { isAllowed: (url) => robot.isAllowed(url, 'sitecrawl') !== false };
  },
};

function cpuMs(): number {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1000;
}

function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

function robotsTxt(rules: number, next: () => number, bases: string[]): string {
  const lines = ['User-agent: *'];
  const int = (n: number) => Math.floor(next() * n);
  for (let i = 0; i < rules; i++) {
    const kind = next();
    const base = `/catalog-${int(5000)}/item-${int(100000)}`;
    // URLs are drawn from the first rules, which both the whole file and its first 500 KiB hold.
    if (i < 10_000 && i % 5 === 0) bases.push(base);
    if (kind < 0.7) lines.push(`Disallow: ${base}/`);
    else if (kind < 0.85) lines.push(`Allow: ${base}/open-${int(100)}.html`);
    else if (kind < 0.94) lines.push(`Disallow: ${base}/*.pdf$`);
    else if (kind < 0.99) lines.push(`Disallow: /catalog-${int(5000)}/*?session=`);
    else lines.push(`Disallow: /*/print-${int(100000)}`);
  }
  return `${lines.join('\n')}\n`;
}

function urls(count: number, next: () => number, bases: readonly string[]): string[] {
  const int = (n: number) => Math.floor(next() * n);
  const endings = ['/', '/page-1.html', '/manual.pdf', '/open-7.html', '/list?session=9', '/print-5'];
  return Array.from({ length: count }, (_, i) =>
    i % 2 === 0
      ? `https://shop.test${bases[int(bases.length)]}${endings[int(endings.length)]}`
      : `https://shop.test/blog/${int(1000)}/post-${int(1000)}?ref=${int(10)}`,
  );
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] as number;
}

function measure(matcher: Matcher, body: string, checkUrls: readonly string[]) {
  const parseRuns: number[] = [];
  let rules = matcher(body);
  for (let run = 0; run < 3; run++) {
    const started = cpuMs();
    rules = matcher(body);
    parseRuns.push(cpuMs() - started);
  }
  // A slow matcher gets fewer URLs: each run stops after 2 s.
  const checkOnce = () => {
    let allowed = 0;
    let checked = 0;
    const started = cpuMs();
    for (const url of checkUrls) {
      if (rules.isAllowed(url)) allowed++;
      checked++;
      if ((checked & 63) === 0 && cpuMs() - started > 2000) break;
    }
    return { usPerCheck: ((cpuMs() - started) * 1000) / checked, allowed, checked };
  };
  checkOnce();
  const checkRuns: number[] = [];
  let last = checkOnce();
  for (let run = 0; run < 5; run++) {
    last = checkOnce();
    checkRuns.push(last.usPerCheck);
  }
  const { allowed, checked } = last;
  return {
    bytes: Buffer.byteLength(body),
    lines: body.split('\n').length - 1,
    parseMs: Number(median(parseRuns).toFixed(1)),
    checkUs: Number(median(checkRuns).toFixed(2)),
    urlsPerRun: checked,
    allowedShare: Number((allowed / checked).toFixed(3)),
  };
}

const next = random(42);
const bases: string[] = [];
const full = robotsTxt(150_000, next, bases);
const checkUrls = urls(20_000, next, bases);
const capped = wholeLines(Buffer.from(full).subarray(0, ROBOTS_MAX_BYTES), true);
const results = Object.entries(MATCHERS).flatMap(([matcher, build]) => [
  { matcher, file: 'whole', ...measure(build, full, checkUrls) },
  { matcher, file: 'first 500 KiB', ...measure(build, capped, checkUrls) },
]);
console.log(JSON.stringify({ bench: 'robots-check', node: process.version, results }));
for (const result of results)
  console.log(
    `${result.matcher.padEnd(14)} ${result.file.padEnd(14)} ${result.bytes} bytes, ${result.lines} lines: parse ${result.parseMs} ms, ${result.checkUs} us per check`,
  );
