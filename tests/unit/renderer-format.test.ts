/** The sizes and times the transfers panel and images list show. */
import { describe, expect, it } from 'vitest';
import { formatBytes, formatDuration } from '../../renderer/src/format';

describe('formatDuration', () => {
  it('counts seconds up to a minute, rounding up (time left never reads 0 s too early)', () => {
    expect(formatDuration(0)).toBe('0 s');
    expect(formatDuration(0.2)).toBe('1 s');
    expect(formatDuration(59.4)).toBe('60 s');
  });

  it('gives minutes and seconds, then hours and minutes, then days and hours', () => {
    expect(formatDuration(60)).toBe('1 min 0 s');
    expect(formatDuration(185.4)).toBe('3 min 5 s');
    expect(formatDuration(3599.4)).toBe('59 min 59 s');
    expect(formatDuration(3599.6)).toBe('1 h 0 min');
    expect(formatDuration(2 * 3600 + 14 * 60 + 20)).toBe('2 h 14 min');
    expect(formatDuration(24 * 3600 - 10)).toBe('1 d 0 h');
    expect(formatDuration(3 * 86400 + 4 * 3600 + 100)).toBe('3 d 4 h');
  });

  it('shows a dash for what is not a duration', () => {
    expect(formatDuration(-1)).toBe('—');
    expect(formatDuration(Number.NaN)).toBe('—');
    expect(formatDuration(Number.POSITIVE_INFINITY)).toBe('—');
  });
});

describe('formatBytes', () => {
  it('uses SI units like the docker CLI', () => {
    expect(formatBytes(999)).toBe('999 B');
    expect(formatBytes(1000)).toBe('1.00 kB');
    expect(formatBytes(12_345_678)).toBe('12.3 MB');
    expect(formatBytes(268_435_456)).toBe('268 MB');
    expect(formatBytes(-5)).toBe('—');
  });
});
