import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { resolveOptions } from '../crawler/options.js';
import type { CrawlerOptions } from '../crawler/options.js';
import { COMMAND_OPTIONS, RESULT_OPTIONS, resultOptions } from '../crawler/result-options.js';
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
 * (concurrency, logging, ...) on top, and `persist` naming the state, the command and the command's own stored
 * options (which the command checks against its flags). A result option given on the command line must equal the
 * stored one.
 * @throws OutDirRefused when OUT holds no state to resume (nothing is created) or a run of another command;
 *   StateError when the state is locked, damaged or of another version; OptionsError naming the option the command
 *   line would change.
 */
export function resumeOptions(command: CrawlCommand, name = 'crawl'): CrawlerOptions {
  const path = statePath(command.outDir);
  const noState = `--resume: ${command.outDir} holds no crawl state (${STATE_FILE}) to resume: start the run with --persist`;
  if (!existsSync(path)) throw new OutDirRefused(noState);
  const db = CrawlStateDb.open(path);
  let stored: Record<string, unknown>;
  try {
    const run = db.run.get();
    if (!run) throw new OutDirRefused(noState);
    if (run.command !== name) throw new OutDirRefused(`--resume: ${path} holds a ${run.command} run, not a ${name} run: resume it with 'sitecrawl ${run.command} --resume', or use --overwrite to start fresh`);
    stored = (run.options ?? {}) as Record<string, unknown>;
  } finally {
    db.close();
  }
  const { [COMMAND_OPTIONS]: commandOptions, ...crawlOptions } = stored;
  const fromState = Object.fromEntries(Object.entries(crawlOptions).filter(([, value]) => value !== null)) as unknown as CrawlerOptions;
  const given = command.options as unknown as Record<string, unknown>;
  const current = resultOptions(resolveOptions({ ...fromState, ...command.options }));
  for (const option of RESULT_OPTIONS) {
    if (!(option in given) || !(option in stored)) continue;
    if (JSON.stringify(current[option]) === JSON.stringify(stored[option])) continue;
    const flag = FLAG_OF_OPTION[option] ?? option;
    throw new OptionsError(option, `${command.outDir} was crawled with ${flag === '<url>' ? 'start URLs' : flag} ${JSON.stringify(stored[option])}, and --resume continues with them: use --overwrite to start fresh`);
  }
  const persist = { path, command: name, ...(commandOptions ? { commandOptions: commandOptions as Record<string, unknown> } : {}) };
  return { ...fromState, ...command.options, persist };
}

/**
 * Checks a command's own options given on a `--resume` command line against the stored ones: `given` holds the
 * values the command line set (by option name), `stored` the state's. Returns the stored values with nothing changed.
 * @throws OptionsError naming the flag (from `flags`) whose value differs, with how to start fresh.
 */
export function checkResumedCommandOptions(
  outDir: string,
  stored: Readonly<Record<string, unknown>>,
  given: Readonly<Record<string, unknown>>,
  flags: Readonly<Record<string, string>>,
): void {
  for (const [option, value] of Object.entries(given)) {
    if (!(option in stored) || JSON.stringify(stored[option]) === JSON.stringify(value)) continue;
    const flag = flags[option] ?? option;
    throw new OptionsError(flag, `${flag}: ${outDir} was crawled with ${flag} ${JSON.stringify(stored[option])}, and --resume continues with it: use --overwrite to start fresh`);
  }
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
