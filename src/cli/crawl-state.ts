import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { resolveOptions } from '../crawler/options.js';
import type { CrawlerOptions } from '../crawler/options.js';
import { CRAWL_COMMAND, RESULT_OPTIONS, resultOptions } from '../crawler/run-state.js';
import { OptionsError, StateError } from '../errors.js';
import { CrawlStateDb } from '../storage/sqlite/crawl-state-db.js';
import { FLAG_OF_OPTION } from './args.js';
import type { CrawlCommand } from './args.js';
import { OutDirRefused } from './out-dir.js';

/** The state file of a persisted run in its output directory. */
export const STATE_FILE = 'state.db';

/** The path of the state file in `outDir`. */
export const statePath = (outDir: string) => join(outDir, STATE_FILE);

/**
 * The options a `--resume` runs with: the stored run's result options, with the command line's other options
 * (concurrency, logging, ...) on top. A result option given on the command line must equal the stored one.
 * @throws OutDirRefused when OUT holds no state to resume (nothing is created); StateError when the state is locked,
 *   damaged or of another version; OptionsError naming the option the command line would change.
 */
export function resumeOptions(command: CrawlCommand): CrawlerOptions {
  const path = statePath(command.outDir);
  const noState = `--resume: ${command.outDir} holds no crawl state (${STATE_FILE}) to resume: start the run with --persist`;
  if (!existsSync(path)) throw new OutDirRefused(noState);
  const db = CrawlStateDb.open(path);
  let stored: Record<string, unknown>;
  try {
    const run = db.run.get();
    if (!run) throw new OutDirRefused(noState);
    if (run.command !== CRAWL_COMMAND) throw new OutDirRefused(`--resume: ${path} holds a ${run.command} run, not a crawl: use --overwrite to start fresh`);
    stored = (run.options ?? {}) as Record<string, unknown>;
  } finally {
    db.close();
  }
  const fromState = Object.fromEntries(Object.entries(stored).filter(([, value]) => value !== null)) as unknown as CrawlerOptions;
  const given = command.options as unknown as Record<string, unknown>;
  const current = resultOptions(resolveOptions({ ...fromState, ...command.options }));
  for (const name of RESULT_OPTIONS) {
    if (!(name in given) || !(name in stored)) continue;
    if (JSON.stringify(current[name]) === JSON.stringify(stored[name])) continue;
    const flag = FLAG_OF_OPTION[name] ?? name;
    throw new OptionsError(name, `${command.outDir} was crawled with ${flag === '<url>' ? 'start URLs' : flag} ${JSON.stringify(stored[name])}, and --resume continues with them: use --overwrite to start fresh`);
  }
  return { ...fromState, ...command.options, persist: { path } };
}

/**
 * Refuses to replace (`--overwrite`) an output directory whose state file another process holds: removing it under
 * a running crawl would lose that run. A damaged state file is not in use, and may go.
 * @throws StateError `state-locked`
 */
export function assertStateFree(outDir: string): void {
  const path = statePath(outDir);
  if (!existsSync(path)) return;
  try {
    CrawlStateDb.open(path).close();
  } catch (error) {
    if (error instanceof StateError && error.code === 'state-locked') throw error;
  }
}
