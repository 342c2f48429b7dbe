/**
 * The follower side of replication (ReplicaFetcherThread): one fetcher per leader broker fetches
 * every partition this broker follows there, appends what it gets, and truncates when the leader
 * says its log diverged (leader epochs, KIP-101/279, reference §4.6).
 */
import { brokerSetting } from '../config';
import type { NodeContext, RpcMessage } from '../kernel/kernel';
import {
  lastOffsetOf,
  type FetchPartitionRequest,
  type ReplicaFetchRequest,
  type ReplicaFetchResponse,
} from '../protocol/produce';
import { brokerNodeId } from '../core-module';
import {
  buildSessionFetch,
  handleSessionError,
  handleSessionResponse,
  newFetchSessionClient,
} from '../client/fetch-session-handler';
import type { BrokerNode, FetcherState } from './broker-state';
import {
  appendAsFollower,
  deleteSegmentsBefore,
  endOffsetForEpoch,
  latestEpoch,
  tpKey,
  truncateFullyAndStartAt,
  truncateTo,
  type PartitionLog,
} from './partition-log';

/** A partition whose fetch failed is not asked for again before this (replica.fetch.backoff.ms). */
const ERROR_BACKOFF_MS = 1000;
const TIMEOUT_CAP_MS = 30_000;

function fetcher(self: BrokerNode, leader: number): FetcherState {
  let f = self.volatile.fetchers[leader];
  if (!f) {
    f = { inFlight: null, sentAtMs: 0, timer: null, consecutiveTimeouts: 0, lastRttMs: 0 };
    self.volatile.fetchers[leader] = f;
  }
  return f;
}

/**
 * How long to wait for an answer before asking again. It stands in for TCP's retransmission: it
 * starts near the long-poll wait plus the measured round trip and doubles after each timeout, so a
 * lost fetch is retried quickly while a very slow link is still waited for.
 */
function timeoutMs(ctx: NodeContext, f: FetcherState): number {
  const base = brokerSetting(ctx.config, 'replica.fetch.wait.max.ms') + Math.max(1000, 3 * f.lastRttMs);
  return Math.min(TIMEOUT_CAP_MS, base * 2 ** f.consecutiveTimeouts);
}

/** Send a fetch to `leader` for every partition this broker follows there (if none is in flight). */
export function sendReplicaFetch(ctx: NodeContext, self: BrokerNode, leader: number): void {
  const f = fetcher(self, leader);
  if (f.inFlight !== null) return;
  const session = (f.session ??= newFetchSessionClient());
  // Every partition followed there, by key; an unchanged one is the very object the fetch session
  // already holds, so building an incremental fetch over idle partitions allocates nothing.
  const wanted: Record<string, FetchPartitionRequest> = {};
  let count = 0;
  let wakeAtMs = Infinity;
  const roles = self.volatile.roles;
  for (const key in roles) {
    const role = roles[key]!;
    if (role.role !== 'follower' || role.leader !== leader) continue;
    const delay = f.delayed?.[key];
    if (delay && delay.leaderEpoch === role.leaderEpoch && delay.untilMs > ctx.now()) {
      wakeAtMs = Math.min(wakeAtMs, delay.untilMs);
      continue;
    }
    const log = self.durable.logs[key]!;
    const lastFetchedEpoch = latestEpoch(log);
    const had = session.partitions[key];
    count++;
    wanted[key] =
      had &&
      had.fetchOffset === log.logEndOffset &&
      had.currentLeaderEpoch === role.leaderEpoch &&
      had.lastFetchedEpoch === lastFetchedEpoch
        ? had
        : {
            topic: log.topic,
            partition: log.partition,
            fetchOffset: log.logEndOffset,
            currentLeaderEpoch: role.leaderEpoch,
            lastFetchedEpoch,
          };
  }
  if (count === 0) {
    // Every partition here is backing off after an error: look again when the first wait ends.
    if (wakeAtMs !== Infinity && (f.backoffAtMs ?? -1) !== wakeAtMs) {
      f.backoffAtMs = wakeAtMs;
      ctx.setTimer('replicaFetchBackoff', wakeAtMs - ctx.now(), { leader });
    }
    return;
  }
  // An incremental fetch session with the leader (KIP-227): after the first, full fetch, only
  // partitions whose fetch offset or epochs changed are listed.
  const req: ReplicaFetchRequest = {
    replicaId: self.durable.brokerId,
    maxWaitMs: brokerSetting(ctx.config, 'replica.fetch.wait.max.ms'),
    minBytes: brokerSetting(ctx.config, 'replica.fetch.min.bytes'),
    isolationLevel: 'read_uncommitted',
    ...buildSessionFetch(session, wanted),
  };
  f.inFlight = ctx.send(brokerNodeId(leader), 'Fetch', req);
  f.sentAtMs = ctx.now();
  f.timer = ctx.setTimer('replicaFetchTimeout', timeoutMs(ctx, f), { leader, requestId: f.inFlight });
}

export function onReplicaFetchTimeout(
  ctx: NodeContext,
  self: BrokerNode,
  leader: number,
  requestId: number,
): void {
  const f = self.volatile.fetchers[leader];
  if (!f || f.inFlight !== requestId) return;
  f.inFlight = null;
  f.timer = null;
  f.consecutiveTimeouts++;
  if (f.session) handleSessionError(f.session);
  sendReplicaFetch(ctx, self, leader);
}

/**
 * Where a follower truncates when the leader reports a diverging epoch (reference §4.6,
 * AbstractFetcherThread.getOffsetTruncationState). The leader answered (epoch, endOffset): the
 * largest epoch it has at or below the follower's last one, and where that epoch ends.
 * - The follower knows that epoch: both logs agree up to the smaller of the two end offsets.
 * - It does not: it truncates to the end of its own largest epoch below that one and asks again
 *   (the next Fetch carries the older epoch, so each round moves back one epoch at most).
 * - The leader knows no epoch at all: truncate to the high watermark, which both logs share.
 */
export function truncationOffset(log: PartitionLog, diverging: { epoch: number; endOffset: number }): number {
  const leo = log.logEndOffset;
  if (diverging.epoch < 0 || diverging.endOffset < 0) return Math.min(log.highWatermark, leo);
  const mine = endOffsetForEpoch(log, diverging.epoch);
  if (mine.epoch < 0) return Math.min(diverging.endOffset, leo);
  if (mine.epoch !== diverging.epoch) return Math.min(mine.endOffset, leo);
  return Math.min(mine.endOffset, diverging.endOffset, leo);
}

export function onReplicaFetchResponse(
  ctx: NodeContext,
  self: BrokerNode,
  msg: RpcMessage<ReplicaFetchResponse>,
) {
  const leader = Number(msg.from.slice('broker-'.length));
  const f = self.volatile.fetchers[leader];
  if (!f || f.inFlight !== msg.inReplyTo) return; // a stale answer to an abandoned fetch
  if (f.timer !== null) ctx.cancelTimer(f.timer);
  f.inFlight = null;
  f.timer = null;
  f.consecutiveTimeouts = 0;
  f.lastRttMs = ctx.now() - f.sentAtMs;
  // A session error (the leader restarted, or lost track): the next fetch is a full one.
  if (f.session && !handleSessionResponse(f.session, msg.body)) return sendReplicaFetch(ctx, self, leader);
  for (const p of msg.body.partitions) {
    const key = tpKey(p.topic, p.partition);
    const role = self.volatile.roles[key];
    const log = self.durable.logs[key];
    if (!role || role.role !== 'follower' || role.leader !== leader || !log) continue;
    if (p.error === 'OFFSET_OUT_OF_RANGE' && p.logStartOffset > log.logEndOffset) {
      // The leader deleted what this follower still needs: start over at the leader's log start.
      truncateFullyAndStartAt(log, p.logStartOffset);
      continue;
    }
    if (p.error) {
      f.delayed ??= {};
      f.delayed[key] = { untilMs: ctx.now() + ERROR_BACKOFF_MS, leaderEpoch: role.leaderEpoch };
      continue;
    }
    if (p.divergingEpoch) {
      const removed = truncateTo(log, truncationOffset(log, p.divergingEpoch));
      if (removed > 0) {
        ctx.emit('replica.truncated', {
          broker: self.durable.brokerId,
          topic: p.topic,
          partition: p.partition,
          toOffset: log.logEndOffset,
          removed,
        });
      }
      continue;
    }
    const first = log.logEndOffset;
    for (const b of p.batches) appendAsFollower(log, b);
    if (log.logEndOffset > first) {
      ctx.emit('replica.appended', {
        broker: self.durable.brokerId,
        topic: p.topic,
        partition: p.partition,
        baseOffset: first,
        lastOffset: lastOffsetOf(p.batches.at(-1)!),
      });
    }
    const hw = Math.min(p.highWatermark, log.logEndOffset);
    if (hw !== log.highWatermark) {
      log.highWatermark = hw;
      // The follower learns the leader's HW from each fetch answer (bounded by its own log end).
      ctx.emit('replica.highWatermarkMoved', {
        broker: self.durable.brokerId,
        leader,
        topic: p.topic,
        partition: p.partition,
        highWatermark: hw,
      });
    }
    // The leader deleted segments: a follower's log starts no earlier than the leader's.
    if (p.logStartOffset > log.logStartOffset && p.logStartOffset <= log.logEndOffset) {
      const segments = deleteSegmentsBefore(log, p.logStartOffset);
      ctx.emit('log.segmentsDeleted', {
        broker: self.durable.brokerId,
        topic: p.topic,
        partition: p.partition,
        segments,
        logStartOffset: log.logStartOffset,
        reason: 'leader-log-start',
      });
    }
  }
  sendReplicaFetch(ctx, self, leader);
}
