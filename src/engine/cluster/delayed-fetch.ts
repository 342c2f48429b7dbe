/**
 * Parked fetches: Kafka's DelayedFetch in the fetch purgatory (reference §9). A Fetch that finds
 * fewer than `minBytes` (the consumer's fetch.min.bytes, a follower's replica.fetch.min.bytes) to
 * read waits here until one of these holds, then is answered from the log as it is then:
 * - the bytes it could read, summed over its partitions up to each one's read limit (HW, LSO, or
 *   the log end for followers) and each capped at the partition's max bytes, reach minBytes;
 * - maxWaitMs (fetch.max.wait.ms / replica.fetch.wait.max.ms) passes;
 * - a partition's leadership changed (this broker no longer leads it, or leads a newer epoch) or
 *   its fetch offset is past the log end (the leader truncated).
 * `completeParkedFetches` is the purgatory's check for `fetch` waits (purgatory.ts), run whenever
 * something a waiting fetch depends on moves (an append, a high watermark, a role change).
 */
import { brokerSetting } from '../config';
import type { NodeContext, RpcMessage } from '../kernel/kernel';
import type {
  FetchPartitionRequest,
  FetchPartitionResponse,
  ReplicaFetchRequest,
  ReplicaFetchResponse,
} from '../protocol/produce';
import type { BrokerNode, LeaderRole, ParkedFetch } from './broker-state';
import {
  hasNothingNew,
  sessionAnswer,
  sessionOf,
  type CachedPartition,
  type FetchContext,
} from './fetch-session';
import { readBatches, tpKey, type PartitionLog } from './partition-log';
import { fetchData, fetchLimit, leaderRole } from './replica-read';

/** Hold a fetch that found too little to read (DelayedFetch in the purgatory). */
export function parkFetch(
  ctx: NodeContext,
  self: BrokerNode,
  msg: RpcMessage<ReplicaFetchRequest>,
  fc: FetchContext = { kind: 'sessionless' },
): void {
  const req = msg.body;
  const timerId = ctx.setTimer('fetchWait', req.maxWaitMs, { requestId: msg.id });
  const parked: ParkedFetch = { from: msg.from, requestId: msg.id, timerId, body: req };
  if (fc.kind !== 'incremental') {
    parked.leaderEpochs = req.partitions.map(
      (p) => leaderRole(self, tpKey(p.topic, p.partition))?.leaderEpoch ?? -1,
    );
  }
  if (req.sessionId !== undefined) parked.fetchContext = fc;
  self.volatile.parkedFetches.push(parked);
}

/** The partitions a parked fetch reads, with their keys: its session's (incremental) or its own. */
function partitionsOf(
  self: BrokerNode,
  p: ParkedFetch,
): { keys: string[]; parts: FetchPartitionRequest[] } | undefined {
  if (p.fetchContext?.kind !== 'incremental') {
    const parts = p.body.partitions;
    return { keys: parts.map((q) => tpKey(q.topic, q.partition)), parts };
  }
  const session = sessionOf(self, p.fetchContext);
  if (!session) return undefined;
  return { keys: Object.keys(session.partitions), parts: Object.values(session.partitions) };
}

/** maxWaitMs passed: answer with whatever there is. */
export function onFetchWait(ctx: NodeContext, self: BrokerNode, requestId: number): void {
  const i = self.volatile.parkedFetches.findIndex((p) => p.requestId === requestId);
  if (i < 0) return;
  const [p] = self.volatile.parkedFetches.splice(i, 1);
  answerFetch(ctx, self, p!);
}

/** DelayedFetch.tryComplete for every parked fetch: answer those that may go now. */
export function completeParkedFetches(ctx: NodeContext, self: BrokerNode): void {
  const parked = self.volatile.parkedFetches;
  if (parked.length === 0) return;
  const still: ParkedFetch[] = [];
  for (const p of parked) {
    if (!canComplete(ctx, self, p)) {
      still.push(p);
      continue;
    }
    ctx.cancelTimer(p.timerId);
    answerFetch(ctx, self, p);
  }
  self.volatile.parkedFetches = still;
}

function canComplete(ctx: NodeContext, self: BrokerNode, p: ParkedFetch): boolean {
  const req = p.body;
  const read = partitionsOf(self, p);
  if (!read) return true; // its session was evicted: answer now (with the session error)
  const { keys, parts } = read;
  // A session's partitions were read at their fetcher's leader epoch (a mismatch answers at
  // once), so that epoch is the one a change is measured against.
  const atEpoch = p.fetchContext?.kind === 'incremental';
  let bytes = 0;
  for (let i = 0; i < parts.length; i++) {
    const q = parts[i]!;
    const key = keys[i]!;
    const role = leaderRole(self, key);
    const log = self.durable.logs[key];
    if (!role || !log) return true; // no longer the leader, or the partition is gone
    const parkedEpoch = atEpoch
      ? q.currentLeaderEpoch >= 0
        ? q.currentLeaderEpoch
        : undefined
      : p.leaderEpochs?.[i];
    if (parkedEpoch !== undefined && parkedEpoch !== role.leaderEpoch) return true; // a new epoch
    if (q.fetchOffset > log.logEndOffset) return true; // the leader truncated below the fetch
    const limit = fetchLimit(log, req);
    if (limit <= q.fetchOffset) continue;
    // fetch.min.bytes=1 (the default): any readable byte will do, without counting.
    if (req.minBytes <= 1) return true;
    const maxBytes = q.partitionMaxBytes ?? brokerSetting(ctx.config, 'replica.fetch.max.bytes');
    const readable = readBatches(log, q.fetchOffset, limit, maxBytes).reduce((n, b) => n + b.sizeBytes, 0);
    bytes += Math.min(readable, maxBytes);
    if (bytes >= req.minBytes) return true;
  }
  return false;
}

/** Answer a parked fetch from the log as it is now (the follower's position was recorded on arrival). */
function answerFetch(ctx: NodeContext, self: BrokerNode, parked: ParkedFetch): void {
  const body = parked.body;
  const fc = parked.fetchContext ?? { kind: 'sessionless' };
  const incremental = fc.kind === 'incremental';
  const partitions: FetchPartitionResponse[] = [];
  const { keys, parts } = partitionsOf(self, parked) ?? { keys: [], parts: [] };
  for (let i = 0; i < parts.length; i++) {
    const p = parts[i]!;
    const key = keys[i]!;
    const role = leaderRole(self, key);
    const log = self.durable.logs[key];
    // An idle partition of a session: the answer would leave it out anyway (fetch-session.ts).
    const idle =
      incremental &&
      role !== undefined &&
      log !== undefined &&
      (p.currentLeaderEpoch < 0 || p.currentLeaderEpoch === role.leaderEpoch) &&
      hasNothingNew(log, body, p as CachedPartition);
    if (!idle) partitions.push(answerPartition(ctx, p, role, log, body));
  }
  const answer = sessionAnswer(ctx, self, fc, body, partitions);
  ctx.send(parked.from, 'FetchResponse', answer satisfies ReplicaFetchResponse, parked.requestId);
}

/** One partition of a parked fetch's answer, read from the log as it is now. */
function answerPartition(
  ctx: NodeContext,
  p: FetchPartitionRequest,
  role: LeaderRole | undefined,
  log: PartitionLog | undefined,
  body: ReplicaFetchRequest,
): FetchPartitionResponse {
  const failed = (error: 'NOT_LEADER_OR_FOLLOWER' | 'FENCED_LEADER_EPOCH') => ({
    topic: p.topic,
    partition: p.partition,
    error,
    batches: [],
    highWatermark: -1,
    lastStableOffset: -1,
    logStartOffset: -1,
  });
  if (!role || !log) return failed('NOT_LEADER_OR_FOLLOWER');
  if (p.currentLeaderEpoch >= 0 && p.currentLeaderEpoch < role.leaderEpoch)
    return failed('FENCED_LEADER_EPOCH');
  return {
    topic: p.topic,
    partition: p.partition,
    error: null,
    ...fetchData(ctx, log, body, p.fetchOffset, p.partitionMaxBytes),
    logStartOffset: log.logStartOffset,
  };
}
