/**
 * The follower side of replication (ReplicaFetcherThread): one fetcher per leader broker fetches
 * every partition this broker follows there, appends what it gets, and truncates when the leader
 * says its log diverged (leader epochs, KIP-101/279, reference §4.6).
 */
import { brokerSetting } from '../config';
import type { NodeContext, RpcMessage } from '../kernel/kernel';
import { lastOffsetOf, type ReplicaFetchRequest, type ReplicaFetchResponse } from '../protocol/produce';
import { brokerNodeId } from '../core-module';
import type { BrokerNode, FetcherState } from './broker-state';
import {
  appendAsFollower,
  deleteSegmentsBefore,
  endOffsetForEpoch,
  latestEpoch,
  tpKey,
  truncateFullyAndStartAt,
  truncateTo,
} from './partition-log';

/** A fetcher that got only errors waits this long before asking again (replica.fetch.backoff.ms). */
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
  const partitions: ReplicaFetchRequest['partitions'] = [];
  for (const [key, role] of Object.entries(self.volatile.roles)) {
    if (role.role !== 'follower' || role.leader !== leader) continue;
    const log = self.durable.logs[key]!;
    partitions.push({
      topic: log.topic,
      partition: log.partition,
      fetchOffset: log.logEndOffset,
      currentLeaderEpoch: role.leaderEpoch,
      lastFetchedEpoch: latestEpoch(log),
    });
  }
  if (partitions.length === 0) return;
  const req: ReplicaFetchRequest = {
    replicaId: self.durable.brokerId,
    maxWaitMs: brokerSetting(ctx.config, 'replica.fetch.wait.max.ms'),
    minBytes: brokerSetting(ctx.config, 'replica.fetch.min.bytes'),
    isolationLevel: 'read_uncommitted',
    partitions,
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
  sendReplicaFetch(ctx, self, leader);
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
  let errors = 0;
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
      errors++;
      continue;
    }
    if (p.divergingEpoch) {
      // Truncate to where both logs agree, then fetch again from there (reference §4.6).
      const mine = endOffsetForEpoch(log, p.divergingEpoch.epoch);
      const to = Math.min(
        p.divergingEpoch.endOffset,
        mine.endOffset < 0 ? 0 : mine.endOffset,
        log.logEndOffset,
      );
      const removed = truncateTo(log, Math.max(0, to));
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
    log.highWatermark = Math.min(p.highWatermark, log.logEndOffset);
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
  if (errors > 0 && errors === msg.body.partitions.length) {
    ctx.setTimer('replicaFetchBackoff', ERROR_BACKOFF_MS, { leader });
  } else {
    sendReplicaFetch(ctx, self, leader);
  }
}
