import { describe, expect, test } from 'vitest';
import { resolveImageSaverOptions } from '../../src/savers/image-saver-options.js';

describe('resolveImageSaverOptions integers', () => {
  const COUNTS = ['maxImages', 'minWidth', 'minHeight', 'minBytes', 'maxBytes', 'imageConcurrency'] as const;

  // Past 2^53-1 integers are no longer exact: 1e21 is a typo, not a limit.
  test.each(COUNTS.flatMap((option) => [[option, 1e21], [option, Number.MAX_SAFE_INTEGER + 1], [option, -1], [option, 1.5]] as const))(
    '%s = %d gives invalid-option naming it',
    (option, value) => {
      expect(() => resolveImageSaverOptions({ [option]: value })).toThrow(expect.objectContaining({ code: 'invalid-option', option }));
    },
  );

  test.each(COUNTS.filter((option) => option !== 'minBytes'))('%s = 2^53-1 is accepted', (option) => {
    expect(resolveImageSaverOptions({ [option]: Number.MAX_SAFE_INTEGER })[option]).toBe(Number.MAX_SAFE_INTEGER);
  });

  test('maxImages may be Infinity', () => {
    expect(resolveImageSaverOptions({ maxImages: Number.POSITIVE_INFINITY }).maxImages).toBe(Number.POSITIVE_INFINITY);
  });
});
