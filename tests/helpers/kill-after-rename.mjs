// Preloaded into a child process (`node --import`): SIGKILLs the process right after the first rename whose target
// path contains KILL_AFTER_RENAME_TO, so a test can stop a run in the exact window after a file took its final name.
// node:fs/promises is patched and its ESM named exports synced, so modules that imported `rename` see the wrapper.
import fs from 'node:fs/promises';
import { syncBuiltinESMExports } from 'node:module';

const needle = process.env.KILL_AFTER_RENAME_TO;
const rename = fs.rename;
fs.rename = async (from, to) => {
  await rename(from, to);
  if (needle && String(to).includes(needle)) process.kill(process.pid, 'SIGKILL');
};
syncBuiltinESMExports();
