/**
 * The leader side of replication on a broker (ReplicaManager / Partition.scala): appending produced
 * batches, answering fetches from followers and consumers, the high-watermark rule, the acks=all
 * waits (DelayedProduce, kept in the purgatory: purgatory.ts), and ISR shrink/expand through
 * AlterPartition (reference §4.2–§4.4).
 */
import { brokerSetting, topicSetting } from '../config';
import type { ErrorCode } from '../errors';
import type { NodeContext, RpcMessage } from '../kernel/kernel';
import type { AlterPartitionRequest } from '../protocol/kraft';
import type { RpcMessageOf } from '../protocol/rpc-kinds';
import {
  lastOffsetOf,
  type FetchPartitionResponse,
  type ProducePartitionResponse,
  type ProduceRequest,
  type ProduceResponse,
  type ReplicaFetchRequest,
  type ReplicaFetchResponse,
} from '../protocol/produce';
import type { BrokerNode, LeaderRole } from './broker-state';
import { parkFetch } from './delayed-fetch';
import {
  hasNothingNew,
  newFetchContext,
  sessionAnswer,
  sessionOf,
  type CachedPartition,
} from './fetch-session';
import { isAcceptable } from './metadata';
import {
  appendAsLeader,
  checkSequence,
  endOffsetForEpoch,
  lastStableOffset,
  tpKey,
  type PartitionLog,
} from './partition-log';
import { checkPurgatory } from './purgatory';
import { fetchData, leaderRole, maximalIsr } from './replica-read';

// These moved to replica-read.ts (and delayed-fetch.ts); they stay importable from here.
export { fetchData, fetchLimit, leaderRole, maximalIsr } from './replica-read';
export { completeParkedFetches, onFetchWait } from './delayed-fetch';
export type { AlterPartitionRequest, AlterPartitionResponse } from '../protocol/kraft';

const minIsrOf = (ctx: NodeContext, self: BrokerNode, topic: string) =>
  topicSetting(ctx.config, self.volatile.image.topics[topic]?.config ?? {}, 'min.insync.replicas');

function isCaughtUp(
  ctx: NodeContext,
  leaderLeo: number,
  f: { leo: number; lastCaughtUpMs: number },
): boolean {
  const lagMs = brokerSetting(ctx.config, 'replica.lag.time.max.ms');
  return f.leo === leaderLeo || ctx.now() - f.lastCaughtUpMs <= lagMs;
}

// ----- produce -----

export function handleProduce(ctx: NodeContext, self: BrokerNode, msg: RpcMessage<ProduceRequest>): void {
  const req = msg.body;
  const results: ProducePartitionResponse[] = [];
  const waiting: { topic: string; partition: number; requiredOffset: number; index: number }[] = [];
  for (const { topic, partition, batch } of req.partitions) {
    const fail = (error: ErrorCode, errorMessage?: string) =>
      results.push({ topic, partition, error, baseOffset: -1, ...(errorMessage ? { errorMessage } : {}) });
    const key = tpKey(topic, partition);
    const role = leaderRole(self, key);
    const log = self.durable.logs[key];
    if (!self.volatile.image.topics[topic]?.partitions[partition]) {
      fail('UNKNOWN_TOPIC_OR_PARTITION');
      continue;
    }
    if (!role || !log) {
      fail('NOT_LEADER_OR_FOLLOWER', `Broker ${self.durable.brokerId} is not the leader of ${key}.`);
      continue;
    }
    // UnifiedLog.analyzeAndValidateRecords: a batch over the topic's max.message.bytes is refused
    // (RecordTooLargeException → MESSAGE_TOO_LARGE, sent without a custom message).
    const maxMessageBytes = topicSetting(
      ctx.config,
      self.volatile.image.topics[topic]?.config ?? {},
      'max.message.bytes',
    );
    if (batch.sizeBytes > maxMessageBytes) {
      fail('MESSAGE_TOO_LARGE');
      continue;
    }
    const minIsr = Math.min(minIsrOf(ctx, self, topic), role.replicas.length);
    if (req.acks === -1 && role.isr.length < minIsr) {
      fail(
        'NOT_ENOUGH_REPLICAS',
        `The size of the current ISR [${role.isr.join(',')}] is insufficient to satisfy the min.isr requirement of ${minIsr} for partition ${key}.`,
      );
      continue;
    }
    const topicConfig = self.volatile.image.topics[topic]?.config ?? {};
    const compacted = topicSetting(ctx.config, topicConfig, 'cleanup.policy').includes('compact');
    if (compacted && batch.records.some((r) => r.key === null)) {
      fail('INVALID_RECORD', 'Compacted topic cannot accept message without key.'); // LogValidator
      continue;
    }
    const seq = checkSequence(log, batch);
    if (seq.kind === 'error') {
      fail(seq.error, seq.message);
      continue;
    }
    if (seq.kind === 'duplicate') {
      ctx.emit('partition.duplicateBatchDetected', {
        broker: self.durable.brokerId,
        topic,
        partition,
        producerId: batch.producerId,
        baseSequence: batch.baseSequence,
      });
      results.push({ topic, partition, error: null, baseOffset: seq.baseOffset });
      // A duplicate is answered with the original offsets, but acks=all still waits until the
      // original batch is replicated (Kafka sends it through the same DelayedProduce).
      if (req.acks === -1) {
        waiting.push({ topic, partition, requiredOffset: seq.lastOffset + 1, index: results.length - 1 });
      }
      continue;
    }
    const stamped = appendAsLeader(log, batch, role.leaderEpoch);
    ctx.emit('partition.appended', {
      broker: self.durable.brokerId,
      topic,
      partition,
      baseOffset: stamped.baseOffset,
      lastOffset: lastOffsetOf(stamped),
      leaderEpoch: role.leaderEpoch,
      producerId: stamped.producerId,
      requestId: msg.id,
    });
    results.push({ topic, partition, error: null, baseOffset: stamped.baseOffset });
    maybeIncrementHighWatermark(ctx, self, key);
    if (req.acks === -1) {
      waiting.push({
        topic,
        partition,
        requiredOffset: lastOffsetOf(stamped) + 1,
        index: results.length - 1,
      });
    }
  }
  checkPurgatory(ctx, self, 'logEnd');
  if (req.acks === 0) return; // acks=0: no response at all
  if (waiting.length === 0) {
    ctx.send(msg.from, 'ProduceResponse', { partitions: results } satisfies ProduceResponse, msg.id);
    return;
  }
  const timerId = ctx.setTimer('produceTimeout', req.timeoutMs, { requestId: msg.id });
  self.volatile.delayedProduces.push({
    from: msg.from,
    requestId: msg.id,
    timerId,
    results,
    waiting,
    acks: req.acks,
  });
  checkPurgatory(ctx, self, 'highWatermark');
}

/**
 * The purgatory's check for `produce` waits: answer acks=all requests (and WriteTxnMarkers) whose
 * batches are below the HW, or whose partition this broker no longer leads (DelayedProduce).
 */
export function completeDelayedProduces(ctx: NodeContext, self: BrokerNode): void {
  const still = [];
  for (const d of self.volatile.delayedProduces) {
    d.waiting = d.waiting.filter((w) => {
      const key = tpKey(w.topic, w.partition);
      const role = leaderRole(self, key);
      const log = self.durable.logs[key];
      const result = d.results[w.index]!;
      if (!role || !log) {
        result.error = 'NOT_LEADER_OR_FOLLOWER';
        result.baseOffset = -1;
        return false;
      }
      if (log.highWatermark < w.requiredOffset) return true;
      const minIsr = minIsrOf(ctx, self, w.topic);
      if (maximalIsr(role).length < minIsr) {
        result.error = 'NOT_ENOUGH_REPLICAS_AFTER_APPEND';
        result.errorMessage = `The ISR of ${key} shrank below min.insync.replicas=${minIsr} after the append: the records are in the log, but the request failed.`;
      }
      return false;
    });
    if (d.waiting.length > 0) {
      still.push(d);
      continue;
    }
    ctx.cancelTimer(d.timerId);
    const kind = d.responseKind ?? 'ProduceResponse';
    ctx.send(d.from, kind, { partitions: d.results } satisfies ProduceResponse, d.requestId);
  }
  self.volatile.delayedProduces = still;
}

export function onProduceTimeout(ctx: NodeContext, self: BrokerNode, requestId: number): void {
  const i = self.volatile.delayedProduces.findIndex((d) => d.requestId === requestId);
  if (i < 0) return;
  const [d] = self.volatile.delayedProduces.splice(i, 1);
  for (const w of d!.waiting) {
    const result = d!.results[w.index]!;
    result.error = 'REQUEST_TIMED_OUT';
    result.errorMessage = `Not enough in-sync replicas acknowledged ${tpKey(w.topic, w.partition)} within the request timeout.`;
  }
  const kind = d!.responseKind ?? 'ProduceResponse';
  ctx.send(d!.from, kind, { partitions: d!.results } satisfies ProduceResponse, d!.requestId);
}

// ----- high watermark -----

/** Partition.maybeIncrementLeaderHW (reference §4.2). Returns true when the HW moved. */
export function maybeIncrementHighWatermark(ctx: NodeContext, self: BrokerNode, key: string): boolean {
  const role = leaderRole(self, key);
  const log = self.durable.logs[key];
  if (!role || !log) return false;
  // The HW never passes the log end: a caught-up partition (most of them, at rest) cannot move.
  if (log.highWatermark >= log.logEndOffset) return false;
  const minIsr = Math.min(minIsrOf(ctx, self, log.topic), role.replicas.length);
  if (role.isr.length < minIsr) return false; // under min ISR the HW does not move (3.7+)
  const maximal = maximalIsr(role);
  let hw = log.logEndOffset;
  for (const [id, f] of Object.entries(role.followers)) {
    const b = Number(id);
    const counts =
      maximal.includes(b) || (isAcceptable(self.volatile.image, b) && isCaughtUp(ctx, log.logEndOffset, f));
    if (counts) hw = Math.min(hw, Math.max(0, f.leo));
  }
  if (hw <= log.highWatermark) return false;
  log.highWatermark = hw;
  ctx.emit('partition.highWatermarkMoved', {
    broker: self.durable.brokerId,
    topic: log.topic,
    partition: log.partition,
    highWatermark: hw,
  });
  return true;
}

// ----- fetch (leader side) -----

export function handleFetch(ctx: NodeContext, self: BrokerNode, msg: RpcMessage<ReplicaFetchRequest>): void {
  const req = msg.body;
  // Incremental fetch sessions (fetch-session.ts): an incremental fetch reads every partition of
  // its session, and its answer leaves out the ones with nothing new.
  const fc = newFetchContext(ctx, self, req);
  const session = sessionOf(self, fc);
  let hwMoved = false;
  const partitions: FetchPartitionResponse[] = [];
  if (fc.kind !== 'error') {
    if (session) {
      for (const key in session.partitions) {
        const r = readPartition(ctx, self, req, session.partitions[key]!, key, true);
        hwMoved ||= r.hwMoved;
        if (r.response) partitions.push(r.response);
      }
    } else {
      for (const p of req.partitions) {
        const r = readPartition(ctx, self, req, p);
        hwMoved ||= r.hwMoved;
        partitions.push(r.response!);
      }
    }
  }
  if (hwMoved) checkPurgatory(ctx, self, 'highWatermark');
  const bytes = partitions.reduce((n, p) => n + p.batches.reduce((m, b) => m + b.sizeBytes, 0), 0);
  const anyError = fc.kind === 'error' || partitions.some((p) => p.error || p.divergingEpoch);
  if (bytes >= req.minBytes || anyError || req.maxWaitMs <= 0 || hwMoved) {
    const answer = sessionAnswer(ctx, self, fc, req, partitions);
    ctx.send(msg.from, 'FetchResponse', answer satisfies ReplicaFetchResponse, msg.id);
    if (hwMoved) checkPurgatory(ctx, self, 'logEnd');
    return;
  }
  // Long poll: hold the fetch until minBytes can be read or maxWaitMs passes (DelayedFetch).
  parkFetch(ctx, self, msg, fc);
}

/**
 * One partition of a fetch, as the leader reads it on arrival. `skipIdle` (a session's cached
 * partition): nothing to read and nothing moved since the session last told the fetcher gives no
 * answer at all (the follower's progress is still recorded), which is what keeps an idle
 * partition cheap.
 */
function readPartition(
  ctx: NodeContext,
  self: BrokerNode,
  req: ReplicaFetchRequest,
  p: ReplicaFetchRequest['partitions'][number],
  key = tpKey(p.topic, p.partition),
  skipIdle = false,
): { response: FetchPartitionResponse | null; hwMoved: boolean } {
  const role = leaderRole(self, key);
  const log = self.durable.logs[key];
  if (!role || !log) return failed(p, 'NOT_LEADER_OR_FOLLOWER');
  if (p.currentLeaderEpoch >= 0 && p.currentLeaderEpoch < role.leaderEpoch)
    return failed(p, 'FENCED_LEADER_EPOCH');
  if (p.currentLeaderEpoch > role.leaderEpoch) return failed(p, 'UNKNOWN_LEADER_EPOCH');
  if (req.replicaId >= 0 && p.lastFetchedEpoch >= 0) {
    const end = endOffsetForEpoch(log, p.lastFetchedEpoch);
    if (end.epoch !== p.lastFetchedEpoch || end.endOffset < p.fetchOffset) {
      const response = failed(p, null).response;
      response.logStartOffset = log.logStartOffset;
      response.highWatermark = log.highWatermark;
      response.lastStableOffset = lastStableOffset(log);
      response.divergingEpoch = end;
      return { response, hwMoved: false };
    }
  }
  if (p.fetchOffset > log.logEndOffset || p.fetchOffset < log.logStartOffset) {
    const out = failed(p, 'OFFSET_OUT_OF_RANGE');
    out.response.logStartOffset = log.logStartOffset;
    out.response.highWatermark = log.highWatermark;
    return out;
  }
  let hwMoved = false;
  if (req.replicaId >= 0) {
    hwMoved = updateFollower(ctx, self, key, role, log, req.replicaId, p.fetchOffset);
  }
  if (skipIdle && hasNothingNew(log, req, p as CachedPartition)) return { response: null, hwMoved };
  // Followers read up to the log end; consumers up to the HW or the LSO (reference §4.2, §7.4).
  const data = fetchData(ctx, log, req, p.fetchOffset, p.partitionMaxBytes);
  // Same key order as every other partition answer (traces and goldens print bodies).
  const response: FetchPartitionResponse = {
    topic: p.topic,
    partition: p.partition,
    batches: data.batches,
    highWatermark: data.highWatermark,
    lastStableOffset: data.lastStableOffset,
    logStartOffset: log.logStartOffset,
    error: null,
  };
  if (data.abortedTransactions) response.abortedTransactions = data.abortedTransactions;
  return { response, hwMoved };
}

/** A partition's answer with no data: an error (or, with null, the base of a diverging-epoch answer). */
function failed(
  p: { topic: string; partition: number },
  error: ErrorCode | null,
): { response: FetchPartitionResponse; hwMoved: false } {
  const response: FetchPartitionResponse = {
    topic: p.topic,
    partition: p.partition,
    batches: [],
    highWatermark: -1,
    lastStableOffset: -1,
    logStartOffset: -1,
    error,
  };
  return { response, hwMoved: false };
}

/** Replica.updateFetchStateOrThrow, then maybe expand the ISR and move the HW. */
function updateFollower(
  ctx: NodeContext,
  self: BrokerNode,
  key: string,
  role: LeaderRole,
  log: PartitionLog,
  follower: number,
  fetchOffset: number,
): boolean {
  const f = role.followers[follower];
  if (!f) return false;
  const now = ctx.now();
  if (fetchOffset >= log.logEndOffset) f.lastCaughtUpMs = now;
  else if (fetchOffset >= f.lastFetchLeaderLeo) f.lastCaughtUpMs = f.lastFetchMs;
  f.lastFetchLeaderLeo = log.logEndOffset;
  f.lastFetchMs = now;
  f.leo = fetchOffset;
  maybeExpandIsr(ctx, self, key, role, log, follower);
  return maybeIncrementHighWatermark(ctx, self, key);
}

// ----- ISR -----

function proposeIsr(
  ctx: NodeContext,
  self: BrokerNode,
  role: LeaderRole,
  log: PartitionLog,
  newIsr: number[],
  reason: 'isr-shrink' | 'isr-expand',
  detail: string,
): void {
  if (role.pendingIsr || self.volatile.brokerEpoch === null) return; // one AlterPartition at a time
  role.pendingIsr = newIsr;
  const req: AlterPartitionRequest = {
    brokerId: self.durable.brokerId,
    brokerEpoch: self.volatile.brokerEpoch,
    topic: log.topic,
    partition: log.partition,
    leaderEpoch: role.leaderEpoch,
    partitionEpoch: role.partitionEpoch,
    newIsr,
    reason,
  };
  ctx.emit('partition.isrProposed', {
    broker: self.durable.brokerId,
    topic: log.topic,
    partition: log.partition,
    isr: newIsr,
    reason,
    detail,
  });
  const target =
    self.volatile.controllerHint ??
    self.durable.voters[self.volatile.voterCursor % self.durable.voters.length]!;
  const id = ctx.send(target, 'AlterPartition', req);
  self.volatile.alterInFlight[id] = tpKey(log.topic, log.partition);
  ctx.setTimer('alterPartitionTimeout', brokerSetting(ctx.config, 'controller.quorum.request.timeout.ms'), {
    requestId: id,
  });
}

function maybeExpandIsr(
  ctx: NodeContext,
  self: BrokerNode,
  _key: string,
  role: LeaderRole,
  log: PartitionLog,
  follower: number,
): void {
  if (role.isr.includes(follower) || role.pendingIsr) return;
  const f = role.followers[follower]!;
  const epochStart = log.epochs.find((e) => e.epoch === role.leaderEpoch)?.startOffset ?? 0;
  if (f.leo < log.highWatermark || f.leo < epochStart) return;
  if (!isAcceptable(self.volatile.image, follower)) return; // a fenced broker cannot join the ISR
  proposeIsr(
    ctx,
    self,
    role,
    log,
    [...role.isr, follower],
    'isr-expand',
    `broker ${follower} caught up to offset ${f.leo}`,
  );
}

/** The leader's periodic ISR check (isr-expiration, every replica.lag.time.max.ms / 2). */
export function checkIsr(ctx: NodeContext, self: BrokerNode): void {
  const lagMs = brokerSetting(ctx.config, 'replica.lag.time.max.ms');
  for (const [key, role] of Object.entries(self.volatile.roles)) {
    if (role.role !== 'leader' || role.pendingIsr) continue;
    const log = self.durable.logs[key];
    if (!log) continue;
    const out = role.isr.filter((b) => {
      if (b === self.durable.brokerId) return false;
      const f = role.followers[b];
      return !f || !isCaughtUp(ctx, log.logEndOffset, f);
    });
    if (out.length === 0) continue;
    const detail = out
      .map(
        (b) =>
          `broker ${b} has not caught up for ${ctx.now() - (role.followers[b]?.lastCaughtUpMs ?? 0)} ms (replica.lag.time.max.ms=${lagMs})`,
      )
      .join('; ');
    proposeIsr(
      ctx,
      self,
      role,
      log,
      role.isr.filter((b) => !out.includes(b)),
      'isr-shrink',
      detail,
    );
  }
}

export function onAlterPartitionResponse(
  ctx: NodeContext,
  self: BrokerNode,
  msg: RpcMessageOf<'AlterPartitionResponse'>,
) {
  const key = msg.inReplyTo !== undefined ? self.volatile.alterInFlight[msg.inReplyTo] : undefined;
  if (key === undefined) return;
  delete self.volatile.alterInFlight[msg.inReplyTo!];
  const role = leaderRole(self, key);
  if (!role) return;
  const res = msg.body;
  if (res.error === 'NOT_CONTROLLER') {
    self.volatile.controllerHint = res.leaderId;
    if (!res.leaderId) self.volatile.voterCursor++;
  }
  role.pendingIsr = null;
  if (res.error) return; // retried at the next check, once metadata has caught up
  if (res.leaderEpoch === role.leaderEpoch && res.partitionEpoch > role.partitionEpoch) {
    role.isr = [...res.isr];
    role.partitionEpoch = res.partitionEpoch;
  }
  if (maybeIncrementHighWatermark(ctx, self, key)) checkPurgatory(ctx, self, 'logEnd');
  checkPurgatory(ctx, self, 'highWatermark');
}

export function onAlterPartitionTimeout(self: BrokerNode, requestId: number): void {
  const key = self.volatile.alterInFlight[requestId];
  if (key === undefined) return;
  delete self.volatile.alterInFlight[requestId];
  const role = leaderRole(self, key);
  if (role) role.pendingIsr = null;
  self.volatile.controllerHint = null;
  self.volatile.voterCursor++;
}
