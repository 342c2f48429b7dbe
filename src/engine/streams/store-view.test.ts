/**
 * The Streams view's live data from the engine: each task's store contents in the snapshot (plain
 * key → value rows, windowed rows with their window) and the records that passed each edge of the
 * graph, reported with each processing step and each cache flush.
 */
import { describe, expect, it } from 'vitest';
import { eventsOf } from '../testing/scenario';
import { streamsCluster, SUM_PER_KEY } from './app-kit';
import type { TopologyStep } from './topology-spec';

const WINDOWED: TopologyStep[] = [
  { id: 'in', op: 'stream', topic: 'purchases' },
  { id: 'g', op: 'groupByKey', from: 'in' },
  { id: 'w', op: 'windowedBy', from: 'g', windows: { type: 'tumbling', sizeMs: 5000, graceMs: 5000 } },
  { id: 'count', op: 'aggregate', from: 'w', kind: 'count', store: 'per-user' },
];

describe('store contents and edge moves for the Streams view', () => {
  it('shows a windowed store per task, with each key in its window', () => {
    const sim = streamsCluster(7, 1);
    sim.dispatch({ type: 'streams.create', app: 'shop', topology: { steps: WINDOWED } });
    sim.runFor(500);
    sim.dispatch({ type: 'streams.start', app: 'shop', instance: 'a' });
    sim.runFor(8000);
    for (const [key, ts] of [
      ['ann', 1000],
      ['bob', 2000],
      ['ann', 3000],
      ['ann', 6000],
    ] as const) {
      sim.dispatch({
        type: 'producer.send',
        producer: 'shop',
        topic: 'purchases',
        key,
        value: 'x',
        timestamp: ts,
      });
      sim.runFor(100);
    }
    sim.runFor(1000);
    const task = sim.snapshot().streamsApps![0]!.instances[0]!.tasks[0]!;
    expect(task.stores).toEqual([
      {
        store: 'per-user',
        kind: 'windowed',
        total: 3,
        inclusiveEnd: false,
        rows: [
          { key: 'ann', startMs: 0, endMs: 5000, value: '2' },
          { key: 'bob', startMs: 0, endMs: 5000, value: '1' },
          { key: 'ann', startMs: 5000, endMs: 10000, value: '1' },
        ],
      },
    ]);
  });

  it('reports one move per record per edge; a cache flush at the commit reports the rest', () => {
    const sim = streamsCluster(8, 1);
    sim.dispatch({
      type: 'streams.create',
      app: 'shop',
      topology: { steps: SUM_PER_KEY },
      config: { 'commit.interval.ms': 1000 },
    });
    sim.runFor(500);
    sim.dispatch({ type: 'streams.start', app: 'shop', instance: 'a' });
    sim.runFor(8000);
    for (const key of ['ann', 'ann', 'bob'])
      sim.dispatch({ type: 'producer.send', producer: 'shop', topic: 'purchases', key, value: '1' });
    sim.runFor(2000);
    const moves: Record<string, number> = {};
    for (const e of eventsOf(sim, 'streams.processed'))
      for (const [k, n] of Object.entries(e.edges)) moves[k] = (moves[k] ?? 0) + n;
    // The cache holds the counts back: input reached the aggregate, nothing went further yet.
    expect(moves).toEqual({
      '>KSTREAM-SOURCE-0000000000': 3,
      'KSTREAM-SOURCE-0000000000>KSTREAM-AGGREGATE-0000000001': 3,
    });
    const flushed = eventsOf(sim, 'streams.flushed');
    expect(flushed.length).toBe(1);
    // One update per key left the cache (ann=2, bob=1), down to the sink and out to its topic.
    expect(flushed[0]!.edges).toEqual({
      'KSTREAM-AGGREGATE-0000000001>KTABLE-TOSTREAM-0000000002': 2,
      'KTABLE-TOSTREAM-0000000002>KSTREAM-SINK-0000000003': 2,
      'KSTREAM-SINK-0000000003>': 2,
    });
    const store = sim.snapshot().streamsApps![0]!.instances[0]!.tasks[0]!.stores[0]!;
    expect(store).toMatchObject({ store: 'counts', kind: 'key-value', total: 2 });
    expect(store.rows).toEqual([
      { key: 'ann', value: '2' },
      { key: 'bob', value: '1' },
    ]);
  });
});
