import { setFlagsFromString } from 'node:v8';

/** How long the CLI holds V8's optimizing compiler back at start. */
const WARM_UP_MS = 3_000;
/** V8 11's (Node 20's) own interrupt budget (`node --v8-options`), put back after the warm-up. */
const V8_DEFAULT_INTERRUPT_BUDGET = 67_584;
/** The budget during the warm-up, from sweeps on the PostgreSQL docs (docs/BENCHMARKS.md, "Fifth session"). */
const WARM_UP_INTERRUPT_BUDGET = 300_000;

/** Whether the user gave the V8 flag `name` (`--max-semi-space-size`) on node's command line, in either spelling. */
function givenOnCommandLine(name: string): boolean {
  const spellings = [name, `--${name.slice(2).replaceAll('-', '_')}`];
  return process.execArgv.some((arg) => spellings.some((spelling) => arg === spelling || arg.startsWith(`${spelling}=`)));
}

/**
 * Tunes V8 for a crawl, in a process that runs one (the CLI, and the bench's runner so that it measures what the CLI
 * does). Call it first, before the parse workers start: V8's flags are process-wide, so the workers take them too.
 * Flags given on node's command line win. The library never calls it; its users own their process.
 */
export function tuneProcessForCrawl(): void {
  // A crawl makes garbage at a steady rate with a small live set. V8's defaults let each thread's heap grow about 4x
  // past what is live before a full GC, and let the young generation of each thread (the main one and every parse
  // worker) grow to 16 MB semi-spaces. Halving the growth and capping semi-spaces at 4 MB keeps peak memory about a
  // third lower at the same speed (docs/BENCHMARKS.md).
  if (!givenOnCommandLine('--heap-growing-percent')) setFlagsFromString('--heap-growing-percent=50');
  if (!givenOnCommandLine('--max-semi-space-size')) setFlagsFromString('--max-semi-space-size=4');
  // Most crawls are short (a few hundred to a few thousand pages, seconds), and V8 tiers code up as if the process
  // will run long: on a 3-second crawl of the PostgreSQL docs its background compilers took over a third of the
  // process's CPU, optimizing functions that then ran a few hundred times. A higher interrupt budget for the first
  // seconds optimizes only what stays hot (0.89x the CPU, 0.93x the wall time there); the default comes back after
  // WARM_UP_MS, so a long crawl's steady state is what it was. Measured on V8 11 (Node 20) only, so set there only.
  if (process.versions.v8.startsWith('11.') && !givenOnCommandLine('--interrupt-budget')) {
    setFlagsFromString(`--interrupt-budget=${WARM_UP_INTERRUPT_BUDGET}`);
    setTimeout(() => setFlagsFromString(`--interrupt-budget=${V8_DEFAULT_INTERRUPT_BUDGET}`), WARM_UP_MS).unref();
  }
}
