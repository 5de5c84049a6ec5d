/**
 * What thumbnails cost an images run: `--images` (100) distinct JPEG photos of `--width` x 2/3 (1600 x 1067) pixels,
 * served from 127.0.0.1 by one page, harvested by `ImageSaver` with thumbnails on and off, alternating, `--runs` (3)
 * times each. Reports the median wall time and process CPU time (sharp's threads included) of each, their ratio,
 * and the median time of `makeThumbnail` alone per image.
 *
 *   node --import tsx bench/thumbnails.ts [--images N] [--width PX] [--runs N]
 *
 * Prints one JSON line, then a readable summary. Output folders are temporary and removed at the end.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import sharp from 'sharp';
import { Crawler } from '../src/crawler/crawler.js';
import { ImageExtractor } from '../src/extractors/images.js';
import { ImageSaver } from '../src/savers/image-saver.js';
import { makeThumbnail } from '../src/savers/thumbnail.js';

const { values } = parseArgs({ options: { images: { type: 'string', default: '100' }, width: { type: 'string', default: '1600' }, runs: { type: 'string', default: '3' } } });
const count = Number(values.images);
const width = Number(values.width);
const height = Math.round((width * 2) / 3);
const runs = Number(values.runs);

const median = (numbers: number[]) => {
  const sorted = [...numbers].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[middle] as number) : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
};

// A photo-like scene (gradient sky, sun, hills, noise-free) whose colours depend on n, so every file differs.
function scene(n: number): Buffer {
  const hue = (n * 37) % 360;
  return Buffer.from(`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">
<defs><linearGradient id="s" x1="0" y1="0" x2="0" y2="1"><stop offset="0" stop-color="hsl(${hue},70%,30%)"/><stop offset="1" stop-color="hsl(${(hue + 40) % 360},80%,75%)"/></linearGradient></defs>
<rect width="100%" height="100%" fill="url(#s)"/><circle cx="${(n * 53) % width}" cy="${height / 3}" r="${height / 8}" fill="hsl(${(hue + 180) % 360},90%,70%)"/>
<path d="M0 ${height * 0.75} Q ${width * 0.3} ${height * 0.45} ${width * 0.6} ${height * 0.72} T ${width} ${height * 0.6} V ${height} H 0 Z" fill="hsl(${(hue + 90) % 360},50%,25%)"/></svg>`);
}

const photos = await Promise.all(Array.from({ length: count }, (_, n) => sharp(scene(n)).jpeg({ quality: 85 }).toBuffer()));
const page = `<!doctype html><title>photos</title>${photos.map((_, n) => `<img src="/p/${n}.jpg" alt="photo ${n}">`).join('')}`;
const server = createServer((req, res) => {
  const match = /^\/p\/(\d+)\.jpg$/.exec(req.url ?? '');
  const photo = match ? photos[Number(match[1])] : undefined;
  if (photo) res.writeHead(200, { 'content-type': 'image/jpeg', 'content-length': photo.length }).end(photo);
  else if (req.url === '/') res.writeHead(200, { 'content-type': 'text/html' }).end(page);
  else res.writeHead(404).end();
});
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

async function harvest(thumbnails: boolean): Promise<{ wallMs: number; cpuMs: number; saved: number }> {
  const outDir = mkdtempSync(join(tmpdir(), 'sitecrawl-thumbs-bench-'));
  try {
    const saver = new ImageSaver({ outDir, thumbnails });
    const cpu = process.cpuUsage();
    const started = performance.now();
    await new Crawler({ startUrls: [`${origin}/`], maxDepth: 0, extractors: [new ImageExtractor()], savers: [saver], logLevel: 'silent', workers: 0, outDir }).run();
    const wallMs = performance.now() - started;
    const used = process.cpuUsage(cpu);
    return { wallMs, cpuMs: (used.user + used.system) / 1000, saved: saver.saved };
  } finally {
    rmSync(outDir, { recursive: true, force: true });
  }
}

await harvest(true); // warm-up: loads sharp, fills caches
const on: Array<{ wallMs: number; cpuMs: number }> = [];
const off: Array<{ wallMs: number; cpuMs: number }> = [];
for (let run = 0; run < runs; run++) {
  off.push(await harvest(false));
  on.push(await harvest(true));
}
const perThumb: number[] = [];
for (const photo of photos.slice(0, 30)) {
  const started = performance.now();
  await makeThumbnail(photo, 'jpeg', width, height);
  perThumb.push(performance.now() - started);
}
server.close();

const result = {
  images: count, width, height, runs, cpus: availableParallelism(), node: process.version, sharp: sharp.versions.sharp,
  offWallMs: Math.round(median(off.map((r) => r.wallMs))), onWallMs: Math.round(median(on.map((r) => r.wallMs))),
  offCpuMs: Math.round(median(off.map((r) => r.cpuMs))), onCpuMs: Math.round(median(on.map((r) => r.cpuMs))),
  makeThumbnailMs: Math.round(median(perThumb) * 10) / 10,
};
console.log(JSON.stringify(result));
console.log(
  `${count} JPEGs of ${width}x${height}: thumbnails off ${result.offWallMs} ms (CPU ${result.offCpuMs} ms), on ${result.onWallMs} ms (CPU ${result.onCpuMs} ms); ` +
    `wall ratio ${(result.onWallMs / result.offWallMs).toFixed(2)}, CPU ratio ${(result.onCpuMs / result.offCpuMs).toFixed(2)}; makeThumbnail alone ${result.makeThumbnailMs} ms per image (median)`,
);
