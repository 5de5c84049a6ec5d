// Per-thread CPU of a Node process, printed to stderr at exit (Linux): where a crawl's CPU goes between the main
// thread, the parse workers and V8's background threads (optimizing compilers, GC helpers), which a --cpu-prof of one
// thread does not show. Load it into the process to measure:
//
//   node --import ./bench/thread-cpu.mjs dist/cli/main.js crawl URL -o OUT -q -c 32 --per-host 32
//
// Threads that exit before the process (parse workers) are sampled every 50 ms, so their last 50 ms may be missing.
// Node names none of its threads, so they print as the main thread, then the others by CPU, largest first.
import { readFileSync, readdirSync } from 'node:fs';
import { isMainThread } from 'node:worker_threads';

/** CPU ms per thread id, as last seen. */
const seen = new Map();

function sample() {
  for (const tid of readdirSync('/proc/self/task')) {
    try {
      const [onCpuNs] = readFileSync(`/proc/self/task/${tid}/schedstat`, 'utf8').split(' ');
      seen.set(tid, Number(onCpuNs) / 1e6);
    } catch {
      // The thread exited between the listing and the read; its last sample stands.
    }
  }
}

if (isMainThread) {
  setInterval(sample, 50).unref();
  process.on('exit', () => {
    sample();
    const main = seen.get(String(process.pid)) ?? 0;
    const others = [...seen].filter(([tid, ms]) => tid !== String(process.pid) && ms >= 1).map(([, ms]) => ms).sort((a, b) => b - a);
    const total = others.reduce((sum, ms) => sum + ms, main);
    process.stderr.write(`thread CPU: main ${main.toFixed(0)} ms; others ${others.map((ms) => ms.toFixed(0)).join(', ')} ms; total ${total.toFixed(0)} ms\n`);
  });
}
