import { describe, expect, it } from 'vitest';
import { colourVar, drawArrows, nearestArrow, segmentOf, type Geometry } from './arrow-canvas';
import type { Arrow } from './spacetime-layout';

const g: Geometry = {
  xOf: new Map([
    ['broker:1', 100],
    ['broker:2', 300],
    ['producer:p1', 500],
  ]),
  y: (ms) => 34 + ms / 10,
  nowMs: 4000,
};

const arrow = (id: number, from: string, to: string, sentAtMs: number, deliverAtMs: number): Arrow => ({
  id,
  from,
  to,
  kind: 'Produce',
  sentAtMs,
  deliverAtMs,
  dropped: null,
  count: 1,
});

describe('a dense space-time window drawn on the canvas', () => {
  const arrows = [
    arrow(1, 'producer:p1', 'broker:1', 1000, 1010),
    arrow(2, 'broker:1', 'broker:2', 1000, 3000),
  ];

  it('finds the arrow a click lands on, by distance to its segment', () => {
    // Half-way along arrow 2: (200, 34 + 200).
    expect(nearestArrow(arrows, g, 200, 234)?.id).toBe(2);
    expect(nearestArrow(arrows, g, 300, 135)?.id).toBe(1);
    // Far from both: nothing, so the click seeks instead.
    expect(nearestArrow(arrows, g, 450, 400)).toBeUndefined();
  });

  it('ends an arrow still in flight at the playhead', () => {
    const late = arrow(3, 'broker:1', 'broker:2', 3500, 9000);
    expect(segmentOf(late, g).y2).toBe(g.y(4000));
  });

  it('colours arrows by the legend family of their kind', () => {
    expect(colourVar('ProduceResponse')).toBe('--flight-produce');
    expect(colourVar('JoinGroup')).toBe('--consumer');
    expect(colourVar('Vote')).toBe('--flight-vote');
  });
});

/** A 2D context that records the calls a draw makes (Node has no canvas). */
function recorder() {
  const calls: { op: string; args: number[]; style: string }[] = [];
  let fillStyle = '';
  const ctx = new Proxy(
    {},
    {
      get: (_, op: string) => {
        if (op === 'measureText') return (text: string) => ({ width: text.length * 5 });
        if (op === 'fillStyle') return fillStyle;
        return (...args: number[]) => calls.push({ op, args, style: fillStyle });
      },
      set: (_, prop: string, value: string) => {
        if (prop === 'fillStyle') fillStyle = value;
        return true;
      },
    },
  ) as unknown as CanvasRenderingContext2D;
  const of = (op: string) => calls.filter((c) => c.op === op);
  return { ctx, calls, of };
}

describe('a dense window drawn in few, cheap shapes', () => {
  // y: one unit per 10 ms, so a delivery 1 ms after its send climbs 0.1 units.
  const colour = (v: string) => v;

  it('draws a message that barely climbs as the bar its stroke covers, a slanted one as a stroke', () => {
    const { ctx, of } = recorder();
    drawArrows(
      ctx,
      [arrow(1, 'producer:p1', 'broker:1', 1000, 1001), arrow(2, 'broker:1', 'broker:2', 1000, 3000)],
      g,
      colour,
    );
    // The level one: from x 100 to 500, 1.3 high, centred between its ends (134.0 and 134.1).
    const [bar, ...more] = of('rect');
    expect(more).toHaveLength(0);
    expect(bar!.args[0]).toBe(100);
    expect(bar!.args[2]).toBe(400);
    expect(bar!.args[1]! + bar!.args[3]! / 2).toBeCloseTo(134.05, 6);
    expect(bar!.args[3]).toBeCloseTo(1.3, 6);
    // The slanted one is stroked from its send to its delivery.
    expect(of('moveTo').map((c) => c.args)).toEqual([[100, 134]]);
    expect(of('lineTo').map((c) => c.args)).toEqual([[300, 334]]);
  });

  it('draws deliveries stacked closer than 1.5 units on one lifeline as one capsule, lone ones as dots', () => {
    const { ctx, of } = recorder();
    // Three deliveries to broker:1 at 10 ms (1 unit) intervals, then one 5 units later.
    const arrows = [0, 10, 20, 70].map((d, i) => arrow(i + 1, 'producer:p1', 'broker:1', 1000 + d, 1000 + d));
    drawArrows(ctx, arrows, g, colour);
    const dots = of('roundRect').map((c) => c.args);
    expect(dots).toEqual([
      // x - 2.5, y1 - 2.5, 5 wide, from the first to the third delivery plus the two caps, radius 2.5
      [97.5, 131.5, 5, 7, 2.5],
      [97.5, 138.5, 5, 5, 2.5],
    ]);
    expect(of('fill')).toHaveLength(2); // the bars, then the dots: one path each
  });

  it('leaves out a count that would print over another, and keeps the one printed last', () => {
    const { ctx, of } = recorder();
    const bundleOf = (id: number, from: string, to: string, sentAtMs: number, count: number) => ({
      ...arrow(id, from, to, sentAtMs, sentAtMs + 2),
      kind: 'Fetch',
      count,
    });
    drawArrows(
      ctx,
      [
        // A Fetch bundle and its answers between the same brokers: the same midpoint.
        bundleOf(1, 'broker:1', 'broker:2', 1000, 5),
        bundleOf(2, 'broker:2', 'broker:1', 1000, 4),
        // Elsewhere: its own label.
        bundleOf(3, 'broker:1', 'broker:2', 3000, 7),
      ],
      g,
      colour,
    );
    const printed = of('fillText').map((c) => c.args[0]);
    expect(printed).toEqual(['×7', '×4']);
  });

  it('draws a dropped message dashed, with its ✕, and no delivery dot', () => {
    const { ctx, of } = recorder();
    drawArrows(
      ctx,
      [{ ...arrow(1, 'producer:p1', 'broker:1', 1000, 1001), dropped: 'loss' } as Arrow],
      g,
      colour,
    );
    expect(of('rect')).toHaveLength(0); // not drawn as a solid bar
    expect(of('setLineDash').map((c) => c.args[0])).toEqual([[3, 3], []]);
    expect(of('lineTo')).toHaveLength(1);
    expect(of('roundRect')).toHaveLength(0);
    expect(of('fillText').map((c) => c.args[0])).toEqual(['✕']);
  });
});
