// SPDX-License-Identifier: MIT
import { describe, expect, it } from 'vitest';
import { median, summarize } from '../../bench/stats.js';

describe('bench stats', () => {
  it('takes the middle of an odd count, whatever the order', () => {
    expect(median([5])).toBe(5);
    expect(median([3, 1, 2])).toBe(2);
    expect(median([900, 1200, 1000, 4000, 950])).toBe(1000);
  });

  it('averages the two middle values of an even count', () => {
    expect(median([1, 2])).toBe(1.5);
    expect(median([4, 1, 3, 2])).toBe(2.5);
  });

  it('does not reorder its input', () => {
    const values = [3, 1, 2];
    median(values);
    expect(values).toEqual([3, 1, 2]);
  });

  it('refuses no values and non-finite values', () => {
    expect(() => median([])).toThrow(/no values/);
    expect(() => median([1, Number.NaN])).toThrow(/non-finite/);
  });

  it('summarizes runs with median, min and max', () => {
    expect(summarize([1200, 800, 1000])).toEqual({ runs: 3, median: 1000, min: 800, max: 1200 });
  });
});
