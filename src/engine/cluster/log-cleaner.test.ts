/**
 * Compaction (reference §8.4): the latest value per key survives with its offset, tombstones go
 * after delete.retention.ms, aborted transactional records are dropped, the active segment and
 * anything at or above the LSO stay, and consumers and followers read across the gaps.
 */
import { describe, expect, it } from 'vitest';
import type { RecordBatch } from '../protocol/produce';
import { cluster, eventsOf, tail, untilReady } from '../testing/scenario';
import { cleanLog } from './log-cleaner';
import {
  appendAsLeader,
  createLog,
  markerBatch,
  readBatches,
  toLogRecords,
  type PartitionLog,
} from './partition-log';

const SETTINGS = { deleteRetentionMs: 1000, minCompactionLagMs: 0, minCleanableRatio: 0.5 };

function batch(keys: (string | null)[], pid = -1, values?: (string | null)[]): RecordBatch {
  return {
    baseOffset: -1,
    partitionLeaderEpoch: -1,
    producerId: pid,
    producerEpoch: pid < 0 ? -1 : 0,
    baseSequence: pid < 0 ? -1 : 0,
    isTransactional: pid >= 0,
    isControl: false,
    records: keys.map((key, i) => ({ key, value: values ? values[i]! : `v-${key}`, timestamp: 0 })),
    sizeBytes: 100,
  };
}

/** Roll a new empty active segment (Kafka's log.roll()) and mark everything replicated. */
function rollAndCommit(log: PartitionLog): void {
  log.segments.push({ baseOffset: log.logEndOffset, sizeBytes: 0, firstTimestamp: -1, maxTimestamp: -1 });
  log.highWatermark = log.logEndOffset;
}

describe('log cleaner', () => {
  it('LogCleanerTest#testBasicTransactionAwareCleaning: keys [k3, k2] at offsets [3, 6, 7, 8, 9]', () => {
    const log = createLog('t', 0);
    const append = (b: RecordBatch) => appendAsLeader(log, b, 0);
    append(batch(['k1', 'k2'], 1)); // 0, 1
    append(batch(['k2', 'k3'], 2)); // 2, 3
    append(batch(['k3', 'k4'], 1)); // 4, 5
    append(markerBatch(1, 0, 'ABORT', 0)); // 6
    append(markerBatch(2, 0, 'COMMIT', 0)); // 7
    append(batch(['k2'], 1)); // 8
    append(markerBatch(1, 0, 'COMMIT', 0)); // 9
    rollAndCommit(log);
    expect(cleanLog(log, 0, SETTINGS)).not.toBeNull();
    const after = toLogRecords(log);
    expect(after.map((r) => r.offset)).toEqual([3, 6, 7, 8, 9]);
    expect(after.filter((r) => !r.control).map((r) => r.key)).toEqual(['k3', 'k2']);
    expect(log.logEndOffset).toBe(10);
  });

  it('keeps the latest value per key with its offset; reads start after a gap', () => {
    const log = createLog('t', 0);
    for (const k of ['a', 'b', 'a', 'c', 'a', 'b']) appendAsLeader(log, batch([k]), 0);
    rollAndCommit(log);
    cleanLog(log, 0, SETTINGS);
    expect(toLogRecords(log).map((r) => `${r.offset}:${r.key}`)).toEqual(['3:c', '4:a', '5:b']);
    // A fetch from offset 0 (now a gap) starts at the next batch.
    expect(readBatches(log, 0, 6, 1 << 20).map((b) => b.baseOffset)).toEqual([3, 4, 5]);
    expect(log.logStartOffset).toBe(0); // cleaning never moves the log start offset
  });

  it('never cleans the active segment nor at or above the LSO', () => {
    const log = createLog('t', 0);
    appendAsLeader(log, batch(['a']), 0);
    appendAsLeader(log, batch(['a']), 0);
    log.highWatermark = log.logEndOffset;
    expect(cleanLog(log, 0, SETTINGS)).toBeNull(); // everything is in the active segment
    rollAndCommit(log);
    appendAsLeader(log, batch(['a'], 7), 0); // an open transaction at offset 2
    appendAsLeader(log, batch(['a']), 0);
    rollAndCommit(log);
    cleanLog(log, 0, SETTINGS);
    // Offset 0 is superseded by 1; 2 and 3 are above the LSO (2), so nothing there is touched.
    expect(toLogRecords(log).map((r) => r.offset)).toEqual([1, 2, 3]);
  });

  it('removes a tombstone only after delete.retention.ms has passed since it was first cleaned', () => {
    const log = createLog('t', 0);
    appendAsLeader(log, batch(['a', 'b']), 0);
    appendAsLeader(log, batch(['a'], -1, [null]), 0); // tombstone for a
    rollAndCommit(log);
    cleanLog(log, 10_000, SETTINGS);
    expect(toLogRecords(log).map((r) => `${r.key}=${r.value}`)).toEqual(['b=v-b', 'a=null']);
    appendAsLeader(log, batch(['c', 'd', 'e']), 0); // more dirty data so the cleaner runs again
    rollAndCommit(log);
    cleanLog(log, 10_500, SETTINGS);
    expect(toLogRecords(log).some((r) => r.key === 'a')).toBe(true); // horizon not passed yet
    appendAsLeader(log, batch(['f', 'g', 'h', 'i']), 0);
    rollAndCommit(log);
    const r = cleanLog(log, 11_001, SETTINGS)!;
    expect(r.tombstonesRemoved).toBe(1);
    expect(toLogRecords(log).some((x) => x.key === 'a')).toBe(false);
  });

  it('waits for min.cleanable.dirty.ratio', () => {
    const log = createLog('t', 0);
    for (const k of ['a', 'b', 'c', 'd']) appendAsLeader(log, batch([k]), 0);
    rollAndCommit(log);
    cleanLog(log, 0, SETTINGS);
    appendAsLeader(log, batch(['a']), 0); // 1 dirty batch against 4 clean ones: ratio 0.2
    rollAndCommit(log);
    expect(cleanLog(log, 0, SETTINGS)).toBeNull();
  });
});

describe('compaction in a cluster', () => {
  it('compacts every replica, removes tombstones after delete.retention.ms, and consumers read across gaps', () => {
    const sim = untilReady(cluster(21, { brokerConfig: { 'log.cleaner.backoff.ms': 1000 } }));
    sim.dispatch({
      type: 'topic.create',
      topic: 'accounts',
      partitions: 1,
      replicationFactor: 3,
      config: {
        'cleanup.policy': 'compact',
        'segment.bytes': 200,
        'delete.retention.ms': 5000,
        'min.cleanable.dirty.ratio': '0.01',
      },
    });
    sim.runFor(500);
    sim.dispatch({ type: 'producer.create', producer: 'p' });
    const send = (key: string, value: string) => {
      sim.dispatch({ type: 'producer.send', producer: 'p', topic: 'accounts', key, value });
      sim.runFor(100);
    };
    send('alice', '10');
    send('bob', '20');
    send('alice', '15');
    send('carol', '5');
    send('alice', '30');
    send('bob', 'closed');
    // Delete carol: a tombstone (null value).
    sim.dispatch({
      type: 'producer.send',
      producer: 'p',
      topic: 'accounts',
      key: 'carol',
      value: '',
      tombstone: true,
    });
    sim.runFor(100);
    for (let i = 0; i < 6; i++) send(`filler-${i}`, 'x'.repeat(40)); // roll segments past the data above
    const accounts = (b: number) =>
      sim
        .readLog(b, 'accounts', 0)
        .filter((r) => ['alice', 'bob', 'carol'].includes(r.key ?? ''))
        .map((r) => `${r.offset}:${r.key}=${r.value}`);
    const cleaned = (b: number) => accounts(b).length === 3;
    const ok = sim.runUntil(() => [1, 2, 3].every(cleaned), 10_000);
    expect(ok, tail(sim)).toBe(true);
    // Every replica cleans its own log: the latest value per key, offsets kept; the tombstone stays for now.
    for (const b of [1, 2, 3]) expect(accounts(b)).toEqual(['4:alice=30', '5:bob=closed', '6:carol=null']);
    // After delete.retention.ms, the next cleaning drops the tombstone (filler keeps the log dirty).
    sim.runFor(5000);
    for (let i = 0; i < 6; i++) send(`filler-${i}`, 'y'.repeat(40));
    sim.runFor(3000);
    for (const b of [1, 2, 3]) expect(accounts(b)).toEqual(['4:alice=30', '5:bob=closed']);
    expect(eventsOf(sim, 'log.compacted').some((e) => e.tombstonesRemoved > 0)).toBe(true);
    const leader = sim.snapshot().topics.find((t) => t.name === 'accounts')!.partitions[0]!.leader;
    sim.dispatch({ type: 'consumer.create', consumer: 'c', config: { 'auto.offset.reset': 'earliest' } });
    sim.dispatch({
      type: 'consumer.assign',
      consumer: 'c',
      partitions: [{ topic: 'accounts', partition: 0 }],
    });
    sim.runFor(3000);
    const got = eventsOf(sim, 'consumer.received').flatMap((e) => e.records);
    expect(got.slice(0, 2).map((r) => `${r.offset}:${r.key}=${r.value}`)).toEqual([
      '4:alice=30',
      '5:bob=closed',
    ]);
    // Offsets only go up, with gaps where compaction removed records.
    expect(got.every((r, i) => i === 0 || r.offset > got[i - 1]!.offset)).toBe(true);
    const c = sim.snapshot().consumers[0]!.assignment[0]!;
    expect(c.position).toBe(
      sim
        .snapshot()
        .topics.find((t) => t.name === 'accounts')!
        .partitions[0]!.replicaStates.find((r) => r.broker === leader)!.highWatermark,
    );
  });

  it('a follower that was down catches up from a compacted leader across the gaps', () => {
    const sim = untilReady(
      cluster(22, { brokerConfig: { 'log.cleaner.backoff.ms': 500, 'replica.lag.time.max.ms': 2000 } }),
    );
    sim.dispatch({
      type: 'topic.create',
      topic: 'kv',
      partitions: 1,
      replicationFactor: 3,
      config: { 'cleanup.policy': 'compact', 'segment.bytes': 150, 'min.cleanable.dirty.ratio': '0.01' },
    });
    sim.runFor(500);
    const leader = sim.snapshot().topics.find((t) => t.name === 'kv')!.partitions[0]!.leader;
    const follower = [1, 2, 3].find((b) => b !== leader)!;
    sim.dispatch({ type: 'broker.crash', broker: follower });
    sim.dispatch({
      type: 'producer.create',
      producer: 'p',
      config: { acks: 1, 'enable.idempotence': false },
    });
    for (let i = 0; i < 20; i++) {
      sim.dispatch({ type: 'producer.send', producer: 'p', topic: 'kv', key: `k${i % 3}`, value: `v${i}` });
      sim.runFor(100);
    }
    sim.runFor(6000); // the ISR drops the dead follower, the HW moves, the cleaner runs
    const leaderLog = sim.readLog(leader, 'kv', 0);
    expect(leaderLog.length).toBeLessThan(20); // compacted, with gaps
    sim.dispatch({ type: 'broker.restart', broker: follower });
    const ok = sim.runUntil(() => {
      const p = sim.snapshot().topics.find((t) => t.name === 'kv')!.partitions[0]!;
      return p.isr.includes(follower);
    }, 30_000);
    expect(ok, tail(sim)).toBe(true);
    const theirs = sim.readLog(follower, 'kv', 0).filter((r) => r.offset < 20);
    const mine = sim.readLog(leader, 'kv', 0).filter((r) => r.offset < 20);
    // The follower copied the leader's batches, gaps and all; each cleaner may clean further later.
    expect(theirs.at(-1)).toEqual(mine.at(-1));
    expect(new Set(theirs.map((r) => r.key))).toEqual(new Set(['k0', 'k1', 'k2']));
  });
});
