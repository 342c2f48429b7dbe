import { describe, expect, it } from 'vitest';
import { TopologyDriver } from './driver';
import { StreamTask } from './task';
import type { TopologyStep } from './topology-spec';

const sumPerKey: TopologyStep[] = [
  { id: 'in', op: 'stream', topic: 'numbers' },
  { id: 'g', op: 'groupByKey', from: 'in' },
  { id: 'sum', op: 'aggregate', from: 'g', kind: 'sum', store: 'sums' },
  { id: 'out', op: 'toStream', from: 'sum' },
  { id: 'to', op: 'to', from: 'out', topic: 'sums-out' },
];
const pipeExample = (d: TopologyDriver) =>
  (
    [
      ['A', '1'],
      ['D', '5'],
      ['A', '20'],
      ['A', '300'],
    ] as const
  ).forEach(([k, v], i) => d.pipeInput('numbers', k, v, i));

describe('a topology run by the driver', () => {
  it('TopologyTestDriver semantics (commit per record): every update reaches the output', () => {
    const d = new TopologyDriver({ steps: sumPerKey });
    pipeExample(d);
    expect(d.output('sums-out').map((r) => `${r.key}=${r.value}`)).toEqual(['A=1', 'D=5', 'A=21', 'A=321']);
  });

  it('with the record cache and one commit, A is forwarded once, as 321', () => {
    const d = new TopologyDriver(
      { steps: sumPerKey },
      { cacheMaxBytes: 10_485_760, commitEveryRecord: false },
    );
    pipeExample(d);
    expect(d.output('sums-out')).toEqual([]);
    d.commit();
    expect(d.output('sums-out').map((r) => `${r.key}=${r.value}`)).toEqual(['D=5', 'A=321']);
    expect(d.changelog.filter((c) => c.key === 'A').length).toBe(1);
  });

  it('a key change goes through the application’s repartition topic to the right partition', () => {
    const d = new TopologyDriver(
      {
        steps: [
          { id: 'p', op: 'stream', topic: 'purchases' },
          { id: 'byUser', op: 'selectKey', from: 'p', key: 'value.user' },
          { id: 'g', op: 'groupByKey', from: 'byUser' },
          { id: 'c', op: 'aggregate', from: 'g', kind: 'count', store: 'counts' },
          { id: 's', op: 'toStream', from: 'c' },
          { id: 'o', op: 'to', from: 's', topic: 'counts-out' },
        ],
      },
      { applicationId: 'shop', partitions: 3 },
    );
    ['alice', 'bob', 'alice'].forEach((u, i) => d.pipeInput('purchases', `order-${i}`, `{"user":"${u}"}`, i));
    expect(d.output('shop-counts-repartition').map((r) => r.key)).toEqual(['alice', 'bob', 'alice']);
    expect(d.output('counts-out').map((r) => `${r.key}=${r.value}`)).toEqual(['alice=1', 'bob=1', 'alice=2']);
  });

  it('counts purchases per hour, alerts above 10 once the window closes, and drops a late record', () => {
    const hour = 3_600_000;
    const d = new TopologyDriver({
      steps: [
        { id: 'p', op: 'stream', topic: 'purchases' },
        { id: 'g', op: 'groupByKey', from: 'p' },
        {
          id: 'w',
          op: 'windowedBy',
          from: 'g',
          windows: { type: 'tumbling', sizeMs: hour, graceMs: 60_000 },
        },
        { id: 'c', op: 'aggregate', from: 'w', kind: 'count', store: 'hourly' },
        { id: 's', op: 'suppress', from: 'c' },
        { id: 'ts', op: 'toStream', from: 's' },
        { id: 'big', op: 'filter', from: 'ts', predicate: 'value > 10' },
        { id: 'o', op: 'to', from: 'big', topic: 'alerts' },
      ],
    });
    for (let i = 0; i < 11; i++) d.pipeInput('purchases', 'alice', 'book', i * 60_000);
    d.pipeInput('purchases', 'bob', 'pen', hour + 30_000);
    expect(d.output('alerts')).toEqual([]); // the hour is over, its grace is not: silent
    d.pipeInput('purchases', 'alice', 'late', hour - 1); // inside grace: still counts
    d.pipeInput('purchases', 'bob', 'pen', hour + 60_000); // stream time reaches end + grace
    expect(d.output('alerts').map((r) => `${r.key}=${r.value}`)).toEqual([`[alice@0/${hour}]=12`]);
    d.pipeInput('purchases', 'alice', 'too late', hour - 2);
    expect(d.drops.map((x) => x.message)).toEqual([
      `Skipping record for expired window. topic=[purchases] partition=[0] offset=[14] timestamp=[${hour - 2}] window=[0,${hour}) expiration=[${hour}] streamTime=[${hour + 60_000}]`,
    ]);
    const task = d.tasks[0]!;
    expect(task.streamTimeMs).toBe(hour + 60_000);
    expect(task.stats[task.graph.outputOf.c!]!.dropped).toBe(1);
  });

  it('a task restored from its changelog continues where the old one stopped', () => {
    const d = new TopologyDriver({ steps: sumPerKey });
    pipeExample(d);
    const fresh = new StreamTask(d.graph, 0, 0, { cacheMaxBytes: 0, internalTopic: (t) => t });
    for (const c of d.changelog) fresh.restore(c.store, c.key, c.value);
    fresh.process('numbers', 'A', '1000', 10);
    expect(fresh.take().records.map((r) => `${r.key}=${r.value}`)).toEqual(['A=1321']);
    expect(fresh.storeNames()).toEqual(['sums']);
  });
});

describe('task state is plain data', () => {
  it('a structured clone of a task’s data, adopted by a new task, continues exactly like the original', () => {
    const graph = new TopologyDriver({
      steps: [
        { id: 'l', op: 'stream', topic: 'left' },
        { id: 'r', op: 'stream', topic: 'right' },
        {
          id: 'j',
          op: 'join',
          from: 'l',
          other: 'r',
          kind: 'outer',
          windows: { beforeMs: 10, afterMs: 10, graceMs: 5 },
        },
        { id: 'g', op: 'groupByKey', from: 'j' },
        { id: 'w', op: 'windowedBy', from: 'g', windows: { type: 'session', gapMs: 20, graceMs: 5 } },
        { id: 'c', op: 'aggregate', from: 'w', kind: 'count' },
        { id: 's', op: 'suppress', from: 'c' },
        { id: 'ts', op: 'toStream', from: 's' },
        { id: 'o', op: 'to', from: 'ts', topic: 'out' },
      ],
    }).graph;
    const config = { cacheMaxBytes: 200, internalTopic: (t: string) => t };
    const input = Array.from(
      { length: 60 },
      (_, i) => [i % 3 === 0 ? 'right' : 'left', `k${i % 4}`, `v${i}`, i * 7 - (i % 5) * 9] as const,
    );
    const a = new StreamTask(graph, 0, 0, config);
    const feed = (t: StreamTask, from: number, to: number) => {
      for (const [topic, k, v, ts] of input.slice(from, to)) t.process(topic, k, v, ts);
      if (to % 20 === 0) t.commit();
      return t.take();
    };
    feed(a, 0, 30);
    const b = new StreamTask(graph, 0, 0, config, structuredClone(a.data));
    const outA = feed(a, 30, 60);
    const outB = feed(b, 30, 60);
    expect(outA.records.length).toBeGreaterThan(0);
    expect(outB).toEqual(outA);
    expect(b.data).toEqual(a.data);
  });
});
