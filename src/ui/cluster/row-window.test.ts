import { describe, expect, it } from 'vitest';
import { ROW_OVERSCAN_PX, rowRange } from './row-window';

describe('the rows drawn', () => {
  it('are all of them until the band on screen is known', () => {
    expect(rowRange(1000, 100, 48, undefined)).toEqual({ from: 0, to: 1000 });
  });

  it('are the ones on screen and a margin around them, however many there are', () => {
    const band = { top: 2000, bottom: 2400 };
    const { from, to } = rowRange(1000, 100, 48, band);
    expect(from * 48 + 100).toBeLessThanOrEqual(band.top - ROW_OVERSCAN_PX);
    expect(to * 48 + 100).toBeGreaterThanOrEqual(band.bottom + ROW_OVERSCAN_PX);
    expect(to - from).toBeLessThan(30);
  });

  it('clamp to the rows there are', () => {
    expect(rowRange(12, 100, 48, { top: 0, bottom: 5000 })).toEqual({ from: 0, to: 12 });
    expect(rowRange(12, 100, 48, { top: 9000, bottom: 9400 })).toEqual({ from: 12, to: 12 });
  });
});
