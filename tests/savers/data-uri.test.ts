import { describe, expect, test } from 'vitest';
import { decodeDataUri, describeDataUri } from '../../src/savers/data-uri.js';

describe('decodeDataUri (RFC 2397)', () => {
  test.each([
    ['data:image/png;base64,aGk=', 'image/png', 'hi'],
    ['data:image/svg+xml;charset=utf-8,%3Csvg%2F%3E', 'image/svg+xml', '<svg/>'],
    ['data:,plain', 'text/plain', 'plain'],
    ['data:IMAGE/GIF;BASE64,aG%20k=', 'image/gif', 'hi'],
    ['data:image/svg+xml,<svg>é</svg>', 'image/svg+xml', '<svg>é</svg>'],
  ])('%s', (uri, mediaType, text) => {
    expect(decodeDataUri(uri)).toEqual({ mediaType, body: Buffer.from(text) });
  });

  test.each(['data:image/png;base64', 'data:image/png;base64,***', 'http://x/'])('%s is not well formed', (uri) => {
    expect(decodeDataUri(uri)).toBeNull();
  });

  test('describeDataUri keeps the metadata and the size, not the payload', () => {
    expect(describeDataUri('data:image/png;base64,AAAABBBB')).toBe('data:image/png;base64,…(8 chars)');
  });
});
