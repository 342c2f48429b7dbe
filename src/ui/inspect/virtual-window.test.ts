import { describe, expect, it } from 'vitest';
import { pagesFor, rowWindow } from './virtual-window';

describe('virtual window', () => {
  it('renders the rows in view and a few either side, whatever the length', () => {
    expect(rowWindow(0, 260, 26, 100_000, 5)).toEqual({ start: 0, end: 16 });
    expect(rowWindow(26 * 50_000, 260, 26, 100_000, 5)).toEqual({ start: 49_995, end: 50_016 });
    // At the very end the window stops at the last row.
    expect(rowWindow(26 * 99_990, 260, 26, 100_000, 5)).toEqual({ start: 99_985, end: 100_000 });
    expect(rowWindow(0, 260, 26, 0)).toEqual({ start: 0, end: 0 });
  });

  it('asks for the pages a window covers', () => {
    expect(pagesFor({ start: 190, end: 230 }, 200)).toEqual([0, 1]);
    expect(pagesFor({ start: 0, end: 0 }, 200)).toEqual([]);
  });
});
