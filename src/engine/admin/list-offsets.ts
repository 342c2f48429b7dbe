/**
 * Kafka's ListOffsets answer, read from the partition leader's replica without moving any
 * consumer (what `Admin.listOffsets` returns; reference §8.5). The leader answers it in Kafka, so
 * an offline partition answers LEADER_NOT_AVAILABLE rather than a stale follower's offsets.
 */
import { EngineError } from '../errors';
import type { FacadeSimulation as Simulation } from '../simulation';

export type OffsetSpec = 'earliest' | 'latest' | { timestampMs: number };

export interface ListOffsetsRequest {
  topic: string;
  partition: number;
  spec: OffsetSpec;
  /** read_committed answers `latest` with the last stable offset (reference §7.4). */
  isolationLevel?: 'read_uncommitted' | 'read_committed';
}

/** `offset` -1 (and `timestamp` -1) when no record has a timestamp at or after the one asked for. */
export interface ListOffsetsResult {
  offset: number;
  timestamp: number;
  leaderEpoch: number;
}

export function listOffsets(sim: Simulation, req: ListOffsetsRequest): ListOffsetsResult {
  const topic = sim.snapshot().topics.find((t) => t.name === req.topic);
  const p = topic?.partitions.find((x) => x.partition === req.partition);
  if (!topic || !p) {
    throw new EngineError(
      'UNKNOWN_TOPIC_OR_PARTITION',
      `This server does not host this topic-partition: ${req.topic}-${req.partition}.`,
    );
  }
  const leader = p.replicaStates.find((r) => r.broker === p.leader && r.alive);
  if (p.leader < 0 || !leader) {
    throw new EngineError('LEADER_NOT_AVAILABLE', `${req.topic}-${req.partition} has no leader.`);
  }
  const { spec } = req;
  if (spec === 'earliest')
    return { offset: leader.logStartOffset, timestamp: -1, leaderEpoch: p.leaderEpoch };
  if (spec === 'latest') {
    const committed = req.isolationLevel === 'read_committed';
    const offset = committed ? (leader.lastStableOffset ?? leader.highWatermark) : leader.highWatermark;
    return { offset, timestamp: -1, leaderEpoch: p.leaderEpoch };
  }
  // By timestamp: the first record at or after it, below the high watermark (Kafka's
  // fetchOffsetByTimestamp searches the time index, then the segment; control records don't count).
  const records = sim.readLog(p.leader, req.topic, req.partition);
  for (const r of records) {
    if (r.offset >= leader.highWatermark) break;
    if (r.control) continue;
    if (r.timestamp >= spec.timestampMs)
      return { offset: r.offset, timestamp: r.timestamp, leaderEpoch: r.leaderEpoch };
  }
  return { offset: -1, timestamp: -1, leaderEpoch: -1 };
}
