/**
 * The top items of a V8 `.cpuprofile` (from `node --cpu-prof`), for docs/BENCHMARKS.md:
 *
 *   node --import tsx bench/profile-top.ts FILE.cpuprofile [--top 25] [--until-ms N] [--by function|file|package]
 *
 * Self time per function (or summed per file, or per package: `node_modules/<name>`, `node:internal`, `sitecrawl`),
 * and the total sampled time. `--until-ms` keeps only the samples of the first N ms (start-up).
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { top: { type: 'string', default: '25' }, 'until-ms': { type: 'string' }, by: { type: 'string', default: 'function' } },
});
const file = positionals[0];
if (file === undefined) throw new Error('Expected a .cpuprofile file');
const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
const byId = new Map(profile.nodes.map((node) => [node.id, node]));
const untilUs = values['until-ms'] === undefined ? Infinity : Number(values['until-ms']) * 1_000;

function keyOf(node: ProfileNode): string {
  const { functionName, url, lineNumber } = node.callFrame;
  const where = url.replace(/^file:\/\/.*?\/(node_modules|dist|src|bench)\//, '$1/');
  if (values.by === 'file') return where || `(${functionName || 'anonymous'})`;
  if (values.by === 'package') {
    const match = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
    if (match) return match[1] as string;
    if (url.startsWith('node:')) return 'node:internal';
    if (url.includes('/dist/') || url.includes('/src/')) return 'sitecrawl';
    return url === '' ? `(${functionName})` : 'other';
  }
  return `${functionName || '(anonymous)'} ${where}${where ? `:${lineNumber + 1}` : ''}`;
}

const self = new Map<string, number>();
let elapsedUs = 0;
let totalUs = 0;
profile.samples.forEach((id, index) => {
  elapsedUs += profile.timeDeltas[index] ?? 0;
  if (elapsedUs > untilUs) return;
  const node = byId.get(id);
  if (!node) return;
  const delta = profile.timeDeltas[index + 1] ?? 0;
  totalUs += delta;
  const key = keyOf(node);
  self.set(key, (self.get(key) ?? 0) + delta);
});
const top = [...self.entries()].sort((a, b) => b[1] - a[1]).slice(0, Number(values.top));
console.log(`${file}: ${(totalUs / 1_000).toFixed(1)} ms sampled${untilUs < Infinity ? ` (first ${values['until-ms']} ms)` : ''}`);
for (const [key, us] of top) console.log(`${(us / 1_000).toFixed(1).padStart(8)} ms ${((us / totalUs) * 100).toFixed(1).padStart(5)}%  ${key}`);
