import { createRequire } from 'node:module';
import { describe, expect, test } from '../helpers/fixtures.js';
import { Agent, buildConnector } from '../../src/crawler/undici-core.js';

// undici-core.ts reaches into undici's files to skip loading its index (issue 15); a release that moves them fails here.
describe('undici-core', () => {
  test('gives the very classes undici exports, with the request API on them', async ({ site }) => {
    const undici = createRequire(import.meta.url)('undici') as typeof import('undici');
    expect(Agent).toBe(undici.Agent);
    expect(buildConnector).toBe(undici.buildConnector);
    site.html('/', '<p>ok</p>');
    const agent = new Agent();
    try {
      const response = await agent.request({ origin: site.origin, path: '/', method: 'GET' });
      expect(response.statusCode).toBe(200);
      expect(await response.body.text()).toContain('ok');
    } finally {
      await agent.close();
    }
  });
});
