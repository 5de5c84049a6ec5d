// Preloaded with `node --import <this file>` by tests/cli/startup-modules.test.ts: records every module the process
// loads into the file named by RECORD_MODULES_FILE, one URL or path a line. ES modules (of every thread) are recorded
// by a load hook, which runs on Node's hooks thread and appends synchronously; CommonJS modules, including those
// loaded with `createRequire` (which no ESM hook sees), are read from the require cache when the main thread exits,
// and so are the Node built-ins the main thread loaded (`node:NAME` lines, from process.moduleLoadList). When the main
// thread opens its first socket (a crawl's first request), the built-ins loaded until then are written on one line:
// `# first connect: node:a node:b ...`.
import { appendFileSync } from 'node:fs';
import { createRequire, isBuiltin, register } from 'node:module';
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { isMainThread } from 'node:worker_threads';

const file = process.env.RECORD_MODULES_FILE;
if (file) {
  const hooks = `
    import { appendFileSync } from 'node:fs';
    export async function load(url, context, next) {
      appendFileSync(${JSON.stringify(file)}, url + '\\n');
      return next(url, context);
    }`;
  register(`data:text/javascript,${encodeURIComponent(hooks)}`);
  if (isMainThread) {
    const cache = createRequire(import.meta.url).cache;
    const builtins = () => process.moduleLoadList.filter((entry) => entry.startsWith('NativeModule ')).map((entry) => `node:${entry.slice('NativeModule '.length)}`);
    // Node publishes each client socket it creates (net.connect) here. Every HTTP client (node:http, undici) loads
    // node:diagnostics_channel itself, so subscribing adds nothing to what is recorded.
    const onSocket = () => {
      unsubscribe('net.client.socket', onSocket);
      appendFileSync(file, `# first connect: ${builtins().join(' ')}\n`);
    };
    subscribe('net.client.socket', onSocket);
    process.on('exit', () => appendFileSync(file, [...Object.keys(cache).filter((name) => !isBuiltin(name)), ...builtins()].join('\n') + '\n'));
  }
}
