import { describe, expect, it } from 'vitest';
import { createLog, appendAsLeader, deleteSegmentsBefore } from './partition-log';
import { retentionToApply } from './log-retention';
import { batchOf, produce, replyTo, sendRaw, simulationWithRawClient } from '../testing/raw-client';
import type { ReplicaFetchRequest, ReplicaFetchResponse } from '../protocol/produce';
import { cluster, eventsOf, untilReady } from '../testing/scenario';

/** 15 single-record appends with segment.bytes = 5 record batches (UnifiedLogTest vectors, §8.2/§8.3). */
function fifteen(timestamp = 0) {
  const one = batchOf(['x']);
  const log = createLog('t', 0, { segmentBytes: 5 * one.sizeBytes, segmentMs: 604800000 });
  for (let i = 0; i < 15; i++) {
    const b = batchOf(['x']);
    b.records[0]!.timestamp = timestamp;
    appendAsLeader(log, b, 0);
  }
  log.highWatermark = log.logEndOffset;
  return { log, size: one.sizeBytes };
}

describe('segments and retention (reference §8.2, §8.3)', () => {
  it('rolls segments by segment.bytes: 15 appends make 3 segments of 5', () => {
    const { log } = fifteen();
    expect(log.segments.map((s) => s.baseOffset)).toEqual([0, 5, 10]);
  });

  it('retention.bytes of 10 records keeps 2 segments; of 15 keeps all 3', () => {
    const a = fifteen();
    const r = retentionToApply(a.log, 0, {
      cleanupPolicy: 'delete',
      retentionMs: -1,
      retentionBytes: 10 * a.size,
    })!;
    expect(r).toMatchObject({ segments: 1, newLogStartOffset: 5, reason: 'retention.bytes' });
    deleteSegmentsBefore(a.log, r.newLogStartOffset);
    expect(a.log.segments).toHaveLength(2);
    expect(a.log.logStartOffset).toBe(5);
    const b = fifteen();
    expect(
      retentionToApply(b.log, 0, { cleanupPolicy: 'delete', retentionMs: -1, retentionBytes: 15 * b.size }),
    ).toBeNull();
  });

  it('all timestamps old: every segment goes, leaving one empty active segment', () => {
    const { log } = fifteen(0);
    const r = retentionToApply(log, 10_000, {
      cleanupPolicy: 'delete',
      retentionMs: 1000,
      retentionBytes: -1,
    })!;
    expect(r).toMatchObject({ segments: 3, newLogStartOffset: 15, reason: 'retention.ms' });
    deleteSegmentsBefore(log, r.newLogStartOffset);
    expect(log.segments).toEqual([
      {
        baseOffset: 15,
        sizeBytes: expect.any(Number),
        firstTimestamp: expect.any(Number),
        maxTimestamp: expect.any(Number),
      },
    ]);
    expect(log.logStartOffset).toBe(15);
    expect(log.batches).toEqual([]);
  });

  it('never deletes past the high watermark', () => {
    const { log } = fifteen(0);
    log.highWatermark = 7;
    const r = retentionToApply(log, 10_000, {
      cleanupPolicy: 'delete',
      retentionMs: 1000,
      retentionBytes: -1,
    })!;
    expect(r.newLogStartOffset).toBe(5); // the segment [5,10) still holds offsets above the HW
  });

  it('does nothing for cleanup.policy=compact', () => {
    const { log } = fifteen(0);
    expect(
      retentionToApply(log, 10_000, { cleanupPolicy: 'compact', retentionMs: 1, retentionBytes: 1 }),
    ).toBeNull();
  });

  it('in a cluster, every replica deletes expired segments and the log start offset moves up', () => {
    const sim = untilReady(cluster(71, { brokerConfig: { 'log.retention.check.interval.ms': 1000 } }));
    sim.dispatch({
      type: 'topic.create',
      topic: 'clicks',
      partitions: 1,
      replicationFactor: 3,
      config: { 'retention.ms': 5000, 'segment.bytes': 200 },
    });
    sim.dispatch({ type: 'producer.create', producer: 'p', config: { acks: 'all' } });
    sim.runFor(1000);
    for (let i = 0; i < 10; i++) {
      sim.dispatch({ type: 'producer.send', producer: 'p', topic: 'clicks', key: null, value: `click-${i}` });
      sim.runFor(300);
    }
    sim.runFor(10_000);
    const p = sim.snapshot().topics.find((t) => t.name === 'clicks')!.partitions[0]!;
    for (const r of p.replicaStates) {
      expect(r.logStartOffset).toBe(10);
      expect(r.logEndOffset).toBe(10);
    }
    expect(eventsOf(sim, 'log.segmentsDeleted').length).toBeGreaterThanOrEqual(3);
    expect(sim.readLog(p.leader, 'clicks', 0)).toEqual([]);
  });

  it('a fetch below the log start offset gets OFFSET_OUT_OF_RANGE', () => {
    const sim = untilReady(
      simulationWithRawClient({
        seed: 72,
        brokers: 3,
        brokerConfig: { 'log.retention.check.interval.ms': 1000 },
      }),
    );
    sim.dispatch({
      type: 'topic.create',
      topic: 'clicks',
      partitions: 1,
      replicationFactor: 3,
      config: { 'retention.ms': 2000, 'segment.bytes': 100 },
    });
    sim.runFor(1000);
    const leader = `broker-${sim.snapshot().topics[0]!.partitions[0]!.leader}`;
    for (let i = 0; i < 4; i++) {
      sendRaw(sim, leader, 'Produce', produce('clicks', 0, batchOf([`c${i}`]), 1));
      sim.runFor(200);
    }
    sim.runFor(6000);
    const fetch: ReplicaFetchRequest = {
      replicaId: -1,
      maxWaitMs: 0,
      minBytes: 1,
      isolationLevel: 'read_uncommitted',
      partitions: [
        { topic: 'clicks', partition: 0, fetchOffset: 0, currentLeaderEpoch: -1, lastFetchedEpoch: -1 },
      ],
    };
    const id = sendRaw(sim, leader, 'Fetch', fetch);
    sim.runFor(50);
    const res = replyTo(sim, id)!.body as ReplicaFetchResponse;
    expect(res.partitions[0]).toMatchObject({ error: 'OFFSET_OUT_OF_RANGE', logStartOffset: 4 });
  });
});
