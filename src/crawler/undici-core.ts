import type { Agent as UndiciAgent, buildConnector as undiciBuildConnector } from 'undici';
import dispatcher from 'undici/lib/dispatcher/dispatcher.js';
import requestApi from 'undici/lib/api/index.js';
import agent from 'undici/lib/dispatcher/agent.js';
import connect from 'undici/lib/core/connect.js';

// undici's index loads every part of it (fetch, WebSocket, cookies, caches, mocks, proxies): about 100 ms on a
// 2-core machine, a fifth of a small crawl's start-up (issue 15). The crawler needs the Agent, the request API and
// the connector; these are the files undici's own index.js takes them from, so they are the same classes (`instanceof`
// holds, and a module that imports the whole of undici later shares them). undici 7 has no "exports" map, so these
// paths are reachable; tests/crawler/undici-core.test.ts fails if a release moves them. They are static imports (not a
// `createRequire`) so that the CLI's bundle (scripts/bundle-cli.mjs) takes them in; undici-parts.d.ts types them.

// What undici's index.js does: the request API (`request`, `stream`, ...) lives on every dispatcher.
Object.assign(dispatcher.prototype, requestApi);

/** undici's `Agent` (keep-alive pools per origin), loaded without the rest of undici. */
export const Agent = agent as typeof UndiciAgent;
/** undici's `buildConnector`, loaded without the rest of undici. */
export const buildConnector = connect as typeof undiciBuildConnector;
/** The type of an {@link Agent}. */
export type Agent = UndiciAgent;
