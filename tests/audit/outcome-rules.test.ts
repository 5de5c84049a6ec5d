import { linkVerdict, redirectShape, shouldRetryWithGet } from '../../src/index.js';
import { contradictsExpectation, expectedContent, refusesHead } from '../../src/audit/outcome-rules.js';
import { describe, expect, test } from '../helpers/fixtures.js';

const error = (code: string) => ({ code, message: code });

describe('linkVerdict', () => {
  test.each([
    [200, null, false, 'ok'],
    [301, null, false, 'ok'],
    [404, error('http-404'), false, 'broken'],
    [410, error('http-410'), false, 'broken'],
    [500, error('http-500'), false, 'broken'],
    [null, error('timeout'), false, 'broken'],
    [null, error('dns'), false, 'broken'],
    [null, error('connect'), false, 'broken'],
    [null, error('tls'), false, 'broken'],
    [301, error('redirect-loop'), false, 'broken'],
    [401, error('http-401'), false, 'unverifiable'],
    [403, error('http-403'), false, 'unverifiable'],
    [429, error('http-429'), false, 'unverifiable'],
    [999, error('http-999'), false, 'unverifiable'],
    [403, error('http-403'), true, 'broken'],
    [999, error('http-999'), true, 'broken'],
    [null, error('robots-disallowed'), false, 'unverifiable'],
    [null, error('robots-disallowed'), true, 'unverifiable'],
    [null, error('aborted'), false, 'unchecked'],
  ] as const)('status %s, error %j, strict %s: %s', (status, failure, strict, expected) => {
    expect(linkVerdict({ status, error: failure }, strict)).toBe(expected);
  });
});

describe('HEAD fallback', () => {
  test.each([
    [405, null, true, true],
    [501, null, true, true],
    [404, null, true, false],
    [403, null, true, false],
    [500, null, true, false],
    [429, null, false, false],
    [200, null, false, false],
    [null, 'reset', true, false],
    [null, 'timeout', false, false],
    [null, 'dns', false, false],
    [null, 'connect', false, false],
  ] as const)('HEAD answering %s / %s: retry with GET %s, refused %s', (status, code, retry, refused) => {
    const answer = { status, error: code ? error(code) : status !== null && status >= 400 ? error(`http-${status}`) : null };
    expect([shouldRetryWithGet(answer), refusesHead(answer)]).toEqual([retry, refused]);
  });
});

describe('redirectShape', () => {
  test.each([
    ['one permanent hop', [['http://a.test/1', 301]], 'http://a.test/2', { permanent: true, chain: false, downgrade: false }],
    ['one temporary hop', [['http://a.test/1', 302]], 'http://a.test/2', { permanent: false, chain: false, downgrade: false }],
    ['a chain', [['http://a.test/1', 308], ['http://a.test/2', 301]], 'http://a.test/3', { permanent: true, chain: true, downgrade: false }],
    ['a mixed chain', [['http://a.test/1', 301], ['http://a.test/2', 307]], 'http://a.test/3', { permanent: false, chain: true, downgrade: false }],
    ['https to http', [['https://a.test/1', 301]], 'http://a.test/1', { permanent: true, chain: false, downgrade: true }],
    ['http to https', [['http://a.test/1', 301]], 'https://a.test/1', { permanent: true, chain: false, downgrade: false }],
    ['a downgrade mid-chain', [['https://a.test/1', 301], ['http://b.test/1', 301]], 'https://b.test/1', { permanent: true, chain: true, downgrade: true }],
  ] as const)('%s', (_name, hops, finalUrl, expected) => {
    expect(redirectShape(hops.map(([url, status]) => ({ url, status })), finalUrl)).toEqual(expected);
  });
});

describe('content expectations', () => {
  test.each([
    ['a', undefined, 'http://a.test/page.html', 'html'],
    ['a', undefined, 'http://a.test/dir/', 'html'],
    ['a', undefined, 'http://a.test/index.php?x=1', 'html'],
    ['a', undefined, 'http://a.test/download', undefined],
    ['a', undefined, 'http://a.test/file.pdf', undefined],
    ['iframe', undefined, 'http://a.test/embed.html', 'html'],
    ['img', undefined, 'http://a.test/x', 'image'],
    ['script', undefined, 'http://a.test/x.js', 'script'],
    ['link', 'stylesheet', 'http://a.test/x.css', 'stylesheet'],
    ['link', 'icon', 'http://a.test/x.ico', undefined],
  ] as const)('<%s rel=%s> to %s expects %s', (element, rel, url, expected) => {
    expect(expectedContent(element, rel, url)).toBe(expected);
  });

  test.each([
    ['html', 'text/html', false],
    ['html', 'application/xhtml+xml', false],
    ['html', 'text/plain', true],
    ['image', 'image/png', false],
    ['image', 'text/html', true],
    ['script', 'text/html', true],
    ['stylesheet', 'text/css', false],
    ['html', null, false],
  ] as const)('%s answered %s contradicts: %s', (expected, type, contradicts) => {
    expect(contradictsExpectation(expected, type)).toBe(contradicts);
  });
});
