import { describe, expect, test } from 'vitest';
import { formatBytes } from '../src/format-bytes.js';

describe('formatBytes', () => {
  test('bytes below 1000 as they are, larger counts in powers of 1000 with one decimal', () => {
    expect([0, 999, 1000, 12_400_000, 3_500_000_000, 2_000_000_000_000].map(formatBytes)).toEqual(['0 B', '999 B', '1.0 kB', '12.4 MB', '3.5 GB', '2.0 TB']);
  });
});
