import { describe, expect, it } from 'vitest';
import { recordDots, STEP_MS } from './record-flow';
import type { GraphEdge } from './topology-layout';

const edge = (move: string, step: number, x0: number): GraphEdge => ({
  from: `a${step}`,
  to: `b${step}`,
  path: '',
  move,
  step,
  curve: [x0, 0, x0 + 50, 0, x0 + 50, 0, x0 + 100, 0],
});

describe('records moving along the edges', () => {
  const edges = [edge('>SRC', 1, 0), edge('SRC>SINK', 2, 100)];

  it('places a batch on its first edge, then on the next column, then nowhere', () => {
    const moves = [{ atMs: 1000, edges: { '>SRC': 1, 'SRC>SINK': 1 } }];
    const half = recordDots(edges, moves, 1000 + STEP_MS / 2);
    expect(half).toHaveLength(1);
    expect(half[0]!.x).toBeCloseTo(50);
    const later = recordDots(edges, moves, 1000 + STEP_MS * 1.5);
    expect(later.map((d) => Math.round(d.x))).toEqual([150]);
    expect(recordDots(edges, moves, 1000 + STEP_MS * 4)).toEqual([]);
    expect(recordDots(edges, moves, 999)).toEqual([]);
  });

  it('shows one dot per record up to four, and none on an edge nothing passed', () => {
    const moves = [{ atMs: 0, edges: { '>SRC': 9 } }];
    const dots = recordDots(edges, moves, STEP_MS);
    expect(dots).toHaveLength(4);
    expect(dots.every((d) => d.x <= 100)).toBe(true);
  });
});
