import { describe, expect, it } from 'vitest';
import { windowPlot } from './window-plot';

const pts = (ts: number[]) => ts.map((eventMs, i) => ({ eventMs, atMs: i * 10, dropped: false }));

describe('window plot bands', () => {
  it("session windows: the store's sessions, both ends included; a merge leaves one band", () => {
    const spec = { type: 'session' as const, gapMs: 5, graceMs: 0 };
    const before = windowPlot(spec, pts([10, 12, 20]), [], 560, 260, [
      { key: 'k', startMs: 10, endMs: 12 },
      { key: 'k', startMs: 20, endMs: 20 },
    ]);
    expect(before.bands.map((b) => b.label)).toEqual(['k: [0.0 s, 0.0 s]', 'k: [0.0 s, 0.0 s]']);
    expect(before.bands.every((b) => b.inclusive)).toBe(true);
    const merged = windowPlot(spec, pts([10, 12, 20, 16]), [], 560, 260, [
      { key: 'k', startMs: 10, endMs: 20 },
    ]);
    expect(merged.bands).toHaveLength(1);
    // A session closes at end + gap + grace.
    const b = merged.bands[0]!;
    expect(b.closeX).toBeGreaterThan(b.x + b.w);
  });

  it("sliding windows: Kafka's javadoc example, five windows for 8000, 9200, 12400 with 5000 ms", () => {
    const spec = { type: 'sliding' as const, differenceMs: 5000, graceMs: 0 };
    const stored = [
      [3000, 8000],
      [4200, 9200],
      [7400, 12400],
      [8001, 13001],
      [9201, 14201],
    ].map(([startMs, endMs]) => ({ key: 'k', startMs: startMs!, endMs: endMs! }));
    const plot = windowPlot(spec, pts([8000, 9200, 12400]), [], 560, 260, stored);
    expect(plot.bands.map((b) => b.label)).toEqual([
      'k: [3.0 s, 8.0 s]',
      'k: [4.2 s, 9.2 s]',
      'k: [7.4 s, 12 s]',
      'k: [8.0 s, 13 s]',
      'k: [9.2 s, 14 s]',
    ]);
  });

  it('time windows stay half-open and computed from the records; times past an hour read hh:mm', () => {
    const spec = { type: 'tumbling' as const, sizeMs: 3_600_000, graceMs: 600_000 };
    const plot = windowPlot(spec, pts([9 * 3_600_000 + 60_000]), []);
    expect(plot.bands.map((b) => b.label)).toEqual(['[09:00, 10:00)']);
    expect(plot.bands[0]!.inclusive).toBe(false);
  });
});
