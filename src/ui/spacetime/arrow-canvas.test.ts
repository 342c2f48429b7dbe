import { describe, expect, it } from 'vitest';
import { colourVar, nearestArrow, segmentOf, type Geometry } from './arrow-canvas';
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
