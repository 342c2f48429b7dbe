import { describe, expect, it } from 'vitest';
import { buildTopology, type StreamsAppSnapshot } from '../../engine/index';
import { topologyLayout } from './topology-layout';

const graph = buildTopology({
  steps: [
    { id: 'p', op: 'stream', topic: 'purchases-from-the-european-web-shop' },
    { id: 'f', op: 'filter', from: 'p', predicate: 'value.amount > 10' },
    { id: 'k', op: 'selectKey', from: 'f', key: 'value.user' },
    { id: 'g', op: 'groupByKey', from: 'k' },
    { id: 'c', op: 'aggregate', from: 'g', kind: 'count', store: 'counts' },
    { id: 'ts', op: 'toStream', from: 'c' },
    { id: 'o', op: 'to', from: 'ts', topic: 'big' },
  ],
} as never);
const app = { instances: [] } as unknown as StreamsAppSnapshot;

describe('the topology graph’s layout', () => {
  const layout = topologyLayout(graph, app, (t) => t);

  it('sizes each column to its own longest name, so one long topic does not widen every box', () => {
    const topicIn = layout.boxes.find((b) => b.name === 'purchases-from-the-european-web-shop')!;
    const filter = layout.boxes.find((b) => b.label === 'filter')!;
    expect(topicIn.w).toBeGreaterThan(filter.w + 60); // the long name is kept whole
    expect(filter.w).toBeLessThan(160);
  });

  it('keeps columns apart and the graph as wide as its last column', () => {
    const boxes = [...layout.boxes].sort((a, b) => a.x - b.x);
    for (const a of boxes)
      for (const b of boxes) if (a !== b && a.x < b.x) expect(b.x).toBeGreaterThanOrEqual(a.x + a.w + 20);
    expect(layout.width).toBeGreaterThanOrEqual(Math.max(...boxes.map((b) => b.x + b.w)));
    for (const e of layout.edges) expect(e.curve[2 * 3]).toBeGreaterThan(e.curve[0]); // left to right
  });
});
