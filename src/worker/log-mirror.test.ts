import 'fake-indexeddb/auto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  appendAsLeader,
  createLog,
  deleteSegmentsBefore,
  truncateFullyAndStartAt,
  truncateTo,
} from '../engine/testing/log-kit';
import {
  logId,
  MemoryLogStore,
  recordOffset,
  type LogStore,
  type PartitionLog,
  type ReplicaLog,
} from '../engine';
import { batchOf } from '../engine/testing/raw-client';
import { cluster, eventsOf, untilReady } from '../engine/testing/scenario';
import { openStreamLabDb } from './db';
import { LogMirror, sharedPrefix } from './log-mirror';
import { IdbLogStore } from './segment-store';
import { WriteQueue } from './write-queue';

let dbCount = 0;
const stores: [string, () => Promise<LogStore>, number][] = [
  ['memory', async () => new MemoryLogStore(), 150],
  [
    'IndexedDB',
    async () => {
      const db = await openStreamLabDb(`mirror-${++dbCount}`);
      return IdbLogStore.open(db, new WriteQueue(db), 's');
    },
    25,
  ],
];

/** Replica logs as the engine's `replicaLogs()` lists them, by broker and `topic-partition`. */
function stateWith(logs: Record<string, Record<string, PartitionLog>>): ReplicaLog[] {
  return Object.entries(logs).flatMap(([node, byKey]) =>
    Object.entries(byKey).map(([key, log]) => ({ id: logId(node, key), node, key, log })),
  );
}

const values = (log: PartitionLog) => log.batches.flatMap((b) => b.records.map((r) => r.value));

async function storedValues(store: LogStore, id: string) {
  return (await store.read(id, 0, Infinity)).flatMap((b) => b.records.map((r) => r.value));
}

type Step =
  | { kind: 'append'; size: number }
  | { kind: 'truncate'; back: number }
  | { kind: 'retain'; keep: number }
  | { kind: 'restart'; ahead: number }
  | { kind: 'sync' };

describe('the log mirror', () => {
  it('shares a prefix by identity, looking back only as far as the logs differ', () => {
    const [a, b, c, d] = [1, 2, 3, 4].map((n) => batchOf([`v${n}`]));
    expect(sharedPrefix([a!, b!, c!], [a!, b!, c!, d!])).toBe(3);
    expect(sharedPrefix([a!, b!, c!], [a!, b!, d!])).toBe(2);
    expect(sharedPrefix([a!, b!], [c!])).toBe(0);
    expect(sharedPrefix([], [a!])).toBe(0);
  });

  it.each(stores)(
    'keeps the %s store equal to the live log through any appends, truncations, retention and syncs',
    async (_name, open, numRuns) => {
      const step = fc.oneof(
        fc.record({ kind: fc.constant('append' as const), size: fc.integer({ min: 1, max: 5 }) }),
        fc.record({ kind: fc.constant('truncate' as const), back: fc.integer({ min: 0, max: 8 }) }),
        fc.record({ kind: fc.constant('retain' as const), keep: fc.integer({ min: 0, max: 6 }) }),
        fc.record({ kind: fc.constant('restart' as const), ahead: fc.integer({ min: 0, max: 6 }) }),
        fc.record({ kind: fc.constant('sync' as const) }),
      );
      await fc.assert(
        fc.asyncProperty(fc.array(step, { maxLength: 60 }), async (steps: Step[]) => {
          const log = createLog('t', 0);
          const state = stateWith({ 'broker-1': { 't-0': log } });
          const store = await open();
          const mirror = LogMirror.fresh(store);
          let epoch = 0;
          let n = 0;
          for (const s of steps) {
            if (s.kind === 'append') {
              const batch = batchOf(Array.from({ length: s.size }, () => `r${n++}`));
              appendAsLeader(log, batch, epoch);
            } else if (s.kind === 'truncate') {
              truncateTo(log, Math.max(log.logStartOffset, log.logEndOffset - s.back));
              epoch++; // a truncation comes with a new leader
            } else if (s.kind === 'retain') {
              // Retention: the log start moves up to a batch boundary near the end.
              const keepFrom = log.batches.at(-1 - s.keep)?.baseOffset;
              if (keepFrom !== undefined) deleteSegmentsBefore(log, keepFrom);
            } else if (s.kind === 'restart') {
              truncateFullyAndStartAt(log, log.logEndOffset + s.ahead);
              n += s.ahead;
            } else {
              await mirror.sync(state);
            }
          }
          await mirror.sync(state);
          expect(await storedValues(store, 'broker-1/t-0')).toEqual(values(log));
          expect(await store.bounds('broker-1/t-0')).toEqual({
            startOffset: log.logStartOffset,
            endOffset: log.logEndOffset,
          });
        }),
        { numRuns },
      );
    },
  );

  it.each(stores)('follows the log cleaner, which rewrites batches in place (%s)', async (_name, open) => {
    const sim = untilReady(cluster(23, { brokerConfig: { 'log.cleaner.backoff.ms': 500 } }));
    sim.dispatch({
      type: 'topic.create',
      topic: 'kv',
      partitions: 1,
      replicationFactor: 3,
      config: { 'cleanup.policy': 'compact', 'segment.bytes': 150, 'min.cleanable.dirty.ratio': '0.01' },
    });
    sim.runFor(500);
    sim.dispatch({ type: 'producer.create', producer: 'p' });
    const store = await open();
    const mirror = LogMirror.fresh(store);
    // Two records per batch: the cleaner drops the older 'k' from each and keeps every batch (fewer
    // records, same count), so only the batches' identity tells the mirror they changed.
    for (let i = 0; i < 30; i++) {
      sim.dispatch({ type: 'producer.send', producer: 'p', topic: 'kv', key: `u${i}`, value: `u${i}` });
      sim.dispatch({ type: 'producer.send', producer: 'p', topic: 'kv', key: 'k', value: `k${i}` });
      sim.runFor(200);
      await mirror.sync(sim.replicaLogs());
    }
    sim.runFor(3000);
    await mirror.sync(sim.replicaLogs());
    expect(eventsOf(sim, 'log.compacted').length).toBeGreaterThan(0);
    for (const broker of [1, 2, 3]) {
      const live = sim.readLog(broker, 'kv', 0);
      expect(live.length).toBeLessThan(60); // compacted: offsets have gaps
      const stored = (await store.read(`broker-${broker}/kv-0`, 0, Infinity)).flatMap((b) =>
        b.records.map((r, i) => ({ offset: recordOffset(b, i), value: r.value })),
      );
      expect(stored).toEqual(live.map((r) => ({ offset: r.offset, value: r.value })));
    }
  });

  it('removes the logs of a deleted topic and saves the checkpoint when the high watermark moves', async () => {
    const log = createLog('t', 0);
    const logs: Record<string, PartitionLog> = { 't-0': log };
    const state = stateWith({ 'broker-1': logs });
    const store = new MemoryLogStore();
    const mirror = LogMirror.fresh(store);
    appendAsLeader(log, batchOf(['a', 'b']), 0);
    log.highWatermark = 2;
    await mirror.sync(state);
    expect(await store.loadCheckpoint('broker-1/t-0')).toEqual({ highWatermark: 2, epochs: [] });
    delete logs['t-0'];
    await mirror.sync(stateWith({ 'broker-1': logs }));
    expect(await store.logs()).toEqual([]);
  });

  it('attaches to a store holding an older or diverged copy and keeps only what matches', async () => {
    const log = createLog('t', 0);
    const state = stateWith({ 'broker-1': { 't-0': log } });
    const store = new MemoryLogStore();
    // What a previous visit left: two batches that match, and one that the replay does not have.
    await store.append('broker-1/t-0', [
      { ...batchOf(['a', 'b']), baseOffset: 0, partitionLeaderEpoch: 0 },
      { ...batchOf(['c']), baseOffset: 2, partitionLeaderEpoch: 0 },
      { ...batchOf(['stale']), baseOffset: 3, partitionLeaderEpoch: 0 },
    ]);
    appendAsLeader(log, batchOf(['a', 'b']), 0);
    appendAsLeader(log, batchOf(['c']), 0);
    appendAsLeader(log, batchOf(['d', 'e']), 1);
    const mirror = await LogMirror.attach(store, state);
    await mirror.sync(state);
    expect(await storedValues(store, 'broker-1/t-0')).toEqual(['a', 'b', 'c', 'd', 'e']);
    expect(mirror.recordsWritten).toBe(2); // only the new batch was written
  });
});
