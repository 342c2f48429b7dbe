import { describe, expect, it } from 'vitest';
import { cellState, layoutCluster, logWindow } from './cluster-layout';

const input = {
  width: 860,
  top: [
    {
      key: 'producers',
      kind: 'clients' as const,
      titles: ['Producers'],
      boxes: [{ id: 'producer:p1', name: 'p1' }],
    },
    {
      key: 'quorum',
      kind: 'controllers' as const,
      titles: ['Controller quorum · epoch 1'],
      boxes: ['controller-1', 'controller-2', 'controller-3'].map((id) => ({ id, name: id })),
    },
  ],
  brokers: [1, 2, 3],
  partitions: [
    { topic: 'orders', partition: 0 },
    { topic: 'orders', partition: 1 },
  ],
};

describe('cluster layout', () => {
  it('gives every node an anchor and keeps boxes inside the width, without overlaps', () => {
    const layout = layoutCluster(input);
    for (const id of [
      'controller-1',
      'controller-2',
      'controller-3',
      'broker-1',
      'broker-2',
      'broker-3',
      'producer:p1',
    ])
      expect(layout.anchors.has(id)).toBe(true);
    const top = [...layout.clients, ...layout.controllers].sort((a, b) => a.x - b.x);
    for (let i = 1; i < top.length; i++)
      expect(top[i]!.x).toBeGreaterThanOrEqual(top[i - 1]!.x + top[i - 1]!.w);
    for (const b of [...top, ...layout.brokers]) expect(b.x + b.w).toBeLessThanOrEqual(860);
    // Producers on the left, the quorum on the right.
    expect(layout.clients[0]!.x).toBeLessThan(layout.controllers[0]!.x);
  });

  it('puts one row per partition under the brokers, and the lane between the bands', () => {
    const layout = layoutCluster(input);
    expect(layout.rows.map((r) => r.key)).toEqual(['orders-0', 'orders-1']);
    const broker = layout.brokers[0]!;
    expect(layout.rows[0]!.y).toBeGreaterThan(broker.y + broker.h);
    expect(layout.laneY).toBeGreaterThan(layout.controllers[0]!.y + layout.controllers[0]!.h);
    expect(layout.laneY).toBeLessThan(broker.y);
  });

  it('is a function of its input: the same cluster at the same width is the same picture', () => {
    expect(layoutCluster(input)).toEqual(layoutCluster(input));
  });
});

describe('replica logs as cells', () => {
  it('aligns every replica of a partition on the same offsets, ending one past the furthest LEO', () => {
    expect(logWindow([{ logEndOffset: 12 }, { logEndOffset: 9 }], 10)).toEqual({ start: 3, cells: 10 });
    expect(logWindow([{ logEndOffset: 2 }], 10)).toEqual({ start: 0, cells: 10 });
  });

  it('tells committed, uncommitted, missing and empty cells apart', () => {
    const replica = { logStartOffset: 2, logEndOffset: 10, highWatermark: 7 };
    expect([1, 2, 6, 7, 9, 10].map((o) => cellState(o, replica))).toEqual([
      'missing',
      'committed',
      'committed',
      'uncommitted',
      'uncommitted',
      'empty',
    ]);
  });
});
