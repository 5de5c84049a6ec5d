// Spills a frontier level to disk under the directory given as the first argument, says so on stdout, and waits to be
// killed: the test that runs it checks what a killed process leaves behind.
import { SpillingFrontierStore } from '../../src/storage/spilling-frontier-store.js';

const store = new SpillingFrontierStore({ dir: process.argv[2] as string, maxInMemory: 10 });
await store.push(Array.from({ length: 1_000 }, (_, index) => ({ url: `http://e.com/${index}`, depth: 1, parent: null })));
console.log(JSON.stringify({ spilled: (await store.directory()) !== undefined }));
setInterval(() => undefined, 60_000);
