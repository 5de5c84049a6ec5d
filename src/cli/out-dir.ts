import { OutputDirError } from '../errors.js';
import { findOutputs, outputOf, prepareOutputDir, removeOutputs } from '../storage/output-dir.js';

/** What a command may do with the outputs an earlier run left in its output directory. */
export interface OutDirPolicy {
  /** `--overwrite`: remove every earlier output of any sitecrawl command before the run. */
  overwrite: boolean;
  /**
   * For a command that can build on its earlier run (`images --skip-saved`): the outputs it reads back (`keep`), the
   * outputs of that command (`sameCommand`: every earlier output must be one, so a run never joins another command's
   * files), its flag, and whether the flag was given.
   */
  reuse?: { keep: readonly string[]; sameCommand: readonly string[]; flag: string; enabled: boolean };
  /** The command takes `--resume`: a refusal of a directory holding a persisted run (`state.db`) names it. */
  resumable?: boolean;
}

/** The output directory cannot be used for this run; the message is the one line the CLI prints. */
export class OutDirRefused extends Error {
  override name = 'OutDirRefused';
}

const listed = (names: readonly string[]) => names.map((name) => (name === 'images' || name === 'thumbs' ? `${name}/` : name)).join(', ');

/**
 * Makes the output directory ready before a command's first request: creates it and proves it writable, then deals
 * with an earlier run's outputs (see {@link OutDirPolicy}). Without `--overwrite` (or the command's reuse flag) a
 * directory holding them is refused, so a second run never overwrites or mixes data silently. Files that are not
 * sitecrawl outputs are left alone.
 * @throws OutDirRefused saying what is wrong and what to do.
 */
export async function claimOutDir(outDir: string, policy: OutDirPolicy): Promise<void> {
  try {
    await prepareOutputDir(outDir);
  } catch (error) {
    if (!(error instanceof OutputDirError) && !(error as NodeJS.ErrnoException).code) throw error;
    throw new OutDirRefused(`--out: Cannot write to output directory ${outDir}: ${(error as Error).message}`);
  }
  try {
    await settleOutputs(outDir, policy);
  } catch (error) {
    if (error instanceof OutDirRefused || !(error as NodeJS.ErrnoException).code) throw error;
    throw new OutDirRefused(`--out: Cannot replace the earlier outputs in ${outDir}: ${(error as Error).message}`);
  }
}

async function settleOutputs(outDir: string, policy: OutDirPolicy): Promise<void> {
  const found = await findOutputs(outDir);
  if (found.length === 0) return;
  if (policy.overwrite) return removeOutputs(outDir, found);
  const reuse = policy.reuse;
  const reusable = reuse !== undefined && found.some((name) => reuse.keep.includes(name));
  if (reuse?.enabled && reusable) {
    const foreign = found.filter((name) => !reuse.sameCommand.includes(outputOf(name) ?? name));
    if (foreign.length > 0)
      throw new OutDirRefused(`${outDir} holds outputs of another command (${listed(foreign)}), not only an earlier images run's: use --overwrite to replace them, or another -o`);
    return removeOutputs(outDir, found.filter((name) => !reuse.keep.includes(name)));
  }
  const hint = reusable
    ? `, ${reuse.flag} to keep the images it saved`
    : policy.resumable && found.includes('state.db')
      ? ', --resume to continue it'
      : '';
  throw new OutDirRefused(`${outDir} holds the outputs of an earlier run (${listed(found)}): use --overwrite to replace them${hint}, or another -o`);
}
