import { createRequire } from 'node:module';
import type { Agent as UndiciAgent, buildConnector as undiciBuildConnector } from 'undici';

// undici's index loads every part of it (fetch, WebSocket, cookies, caches, mocks, proxies): about 100 ms on a
// 2-core machine, a fifth of a small crawl's start-up (issue 15). The crawler needs the Agent, the request API and
// the connector; these are the files undici's own index.js takes them from, so they are the same classes (`instanceof`
// holds, and a module that imports the whole of undici later shares them). undici 7 has no "exports" map, so these
// paths are reachable; tests/crawler/undici-core.test.ts fails if a release moves them.
const require = createRequire(import.meta.url);
const Dispatcher = require('undici/lib/dispatcher/dispatcher.js') as { prototype: object };
// What undici's index.js does: the request API (`request`, `stream`, ...) lives on every dispatcher.
Object.assign(Dispatcher.prototype, require('undici/lib/api/index.js') as object);

/** undici's `Agent` (keep-alive pools per origin), loaded without the rest of undici. */
export const Agent = require('undici/lib/dispatcher/agent.js') as typeof UndiciAgent;
/** undici's `buildConnector`, loaded without the rest of undici. */
export const buildConnector = require('undici/lib/core/connect.js') as typeof undiciBuildConnector;
/** The type of an {@link Agent}. */
export type Agent = UndiciAgent;
