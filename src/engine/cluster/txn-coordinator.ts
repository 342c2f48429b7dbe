/**
 * The transaction coordinator (TransactionCoordinator.scala, reference §7.2–§7.3). It runs on the
 * broker that leads the transactional id's `__transaction_state` partition
 * (`abs(hashCode(id)) % transaction.state.log.num.partitions`). It hands out producer ids and
 * epochs (an epoch bump fences zombies), records the partitions of each transaction, and on EndTxn
 * or timeout writes the decision (Prepare*), sends WriteTxnMarkers to every partition's leader, and
 * writes Complete* once every marker is in.
 */
import { brokerSetting } from '../config';
import { brokerNodeId } from '../core-module';
import type { ErrorCode } from '../errors';
import { coordinatorPartition } from '../group/java-hash';
import type { NodeContext, RpcMessage } from '../kernel/kernel';
import type { FindCoordinatorRequest, FindCoordinatorResponse } from '../protocol/consume';
import type { InitProducerIdRequest, InitProducerIdResponse } from '../protocol/produce';
import type {
  AddOffsetsToTxnRequest,
  AddPartitionsToTxnRequest,
  EndTxnRequest,
  TxnOffsetCommitRequest,
  TxnState,
  WriteTxnMarkersRequest,
  WriteTxnMarkersResponse,
} from '../protocol/txn';
import type { BrokerNode, Group, TxnMetadata } from './broker-state';
import { coordinatedGroup, type CreateInternalTopicRequest } from './coordinator-lookup';
import { OFFSETS_TOPIC } from './group-storage';
import { tpKey } from './partition-log';
import { checkPurgatory } from './purgatory';
import { leaderRole } from './replica-read';
import {
  appendAndWait,
  ensureTxnTick,
  internalBatch,
  TXN_TOPIC,
  txnOffsetKey,
  writeTxn,
} from './txn-storage';

/** Kafka bumps to a new producer id when the epoch reaches Short.MAX_VALUE - 1 (reference §6). */
const EPOCH_EXHAUSTED = 32766;
/**
 * Errors after which a partition's marker is sent again (TransactionMarkerRequestCompletionHandler):
 * the leader moved, too few replicas, or the marker was not replicated within request.timeout.ms.
 */
const RETRIABLE_MARKER_ERRORS: ReadonlySet<string> = new Set([
  'NOT_LEADER_OR_FOLLOWER',
  'UNKNOWN_TOPIC_OR_PARTITION',
  'NOT_ENOUGH_REPLICAS',
  'NOT_ENOUGH_REPLICAS_AFTER_APPEND',
  'REQUEST_TIMED_OUT',
  'NETWORK_EXCEPTION',
]);

// ----- finding the coordinator -----

export function handleFindTxnCoordinator(
  ctx: NodeContext,
  self: BrokerNode,
  msg: RpcMessage<FindCoordinatorRequest>,
): void {
  const reply = (body: FindCoordinatorResponse): void => {
    ctx.send(msg.from, 'FindCoordinatorResponse', body, msg.id);
  };
  const topic = self.volatile.image.topics[TXN_TOPIC];
  if (!topic) {
    requestTxnTopic(ctx, self);
    return reply({ error: 'COORDINATOR_NOT_AVAILABLE', nodeId: -1, node: null });
  }
  const p = topic.partitions[coordinatorPartition(msg.body.key, topic.partitions.length)];
  if (!p || p.leader < 0) return reply({ error: 'COORDINATOR_NOT_AVAILABLE', nodeId: -1, node: null });
  reply({ error: null, nodeId: p.leader, node: brokerNodeId(p.leader) });
}

/** Create __transaction_state on first use (transaction.state.log.* settings). */
function requestTxnTopic(ctx: NodeContext, self: BrokerNode): void {
  if (self.volatile.txnTopicRequested) return;
  self.volatile.txnTopicRequested = true;
  const usable = Object.values(self.volatile.image.brokers).filter((b) => !b.fenced).length;
  const rf = Math.max(
    1,
    Math.min(brokerSetting(ctx.config, 'transaction.state.log.replication.factor'), usable),
  );
  const req: CreateInternalTopicRequest = {
    name: TXN_TOPIC,
    partitions: brokerSetting(ctx.config, 'transaction.state.log.num.partitions'),
    replicationFactor: rf,
    config: {
      'cleanup.policy': 'compact',
      'min.insync.replicas': String(Math.min(rf, brokerSetting(ctx.config, 'transaction.state.log.min.isr'))),
    },
  };
  const target =
    self.volatile.controllerHint ??
    self.durable.voters[self.volatile.voterCursor % self.durable.voters.length]!;
  ctx.send(target, 'CreateTopics', req);
  ctx.setTimer('txnTopicRetry', 2000);
}

/** The partition of __transaction_state for this id if this broker leads it, else the error. */
function coordinatedPartition(self: BrokerNode, transactionalId: string): number | ErrorCode {
  const topic = self.volatile.image.topics[TXN_TOPIC];
  if (!topic) return 'COORDINATOR_NOT_AVAILABLE';
  const partition = coordinatorPartition(transactionalId, topic.partitions.length);
  if (!leaderRole(self, tpKey(TXN_TOPIC, partition))) return 'NOT_COORDINATOR';
  return partition;
}

function setState(ctx: NodeContext, self: BrokerNode, txn: TxnMetadata, to: TxnState): void {
  const from = txn.state;
  txn.state = to;
  ctx.emit('transaction.stateChanged', {
    transactionalId: txn.transactionalId,
    broker: self.durable.brokerId,
    from,
    to,
    producerId: txn.producerId,
    producerEpoch: txn.producerEpoch,
  });
}

// ----- InitProducerId -----

export function handleTxnInitProducerId(
  ctx: NodeContext,
  self: BrokerNode,
  msg: RpcMessage<InitProducerIdRequest>,
): void {
  const id = msg.body.transactionalId!;
  const reply = (error: ErrorCode | null, txn?: TxnMetadata): void => {
    ctx.send(
      msg.from,
      'InitProducerIdResponse',
      {
        error,
        producerId: txn?.producerId ?? -1,
        producerEpoch: txn?.producerEpoch ?? -1,
      } satisfies InitProducerIdResponse,
      msg.id,
    );
  };
  const partition = coordinatedPartition(self, id);
  if (typeof partition === 'string') return reply(partition);
  if (msg.body.transactionTimeoutMs > brokerSetting(ctx.config, 'transaction.max.timeout.ms'))
    return reply('INVALID_TRANSACTION_TIMEOUT');
  const txn = self.volatile.txns?.[id];
  if (!txn) {
    // A new transactional id: it needs a producer id from the controller's blocks first.
    self.volatile.producerIdWaiters.push({
      from: msg.from,
      requestId: msg.id,
      txn: { transactionalId: id, timeoutMs: msg.body.transactionTimeoutMs },
    });
    return;
  }
  switch (txn.state) {
    case 'PrepareCommit':
    case 'PrepareAbort':
    case 'PrepareEpochFence':
      return reply('CONCURRENT_TRANSACTIONS');
    case 'Ongoing':
      // An older instance left a transaction open: fence it with a bumped epoch and abort it.
      // The new instance retries and gets the epoch after that (reference §7.3).
      fenceAndAbort(ctx, self, txn, 'fenced');
      return reply('CONCURRENT_TRANSACTIONS');
    default:
      break;
  }
  txn.timeoutMs = msg.body.transactionTimeoutMs;
  if (txn.producerEpoch >= EPOCH_EXHAUSTED) {
    self.volatile.producerIdWaiters.push({
      from: msg.from,
      requestId: msg.id,
      txn: { transactionalId: id, timeoutMs: msg.body.transactionTimeoutMs },
    });
    return;
  }
  txn.producerEpoch++;
  txn.partitions = [];
  txn.txnStartMs = -1;
  setState(ctx, self, txn, 'Empty');
  writeInitAndReply(ctx, self, txn, msg);
}

/** A producer id arrived for a waiting transactional InitProducerId (called by the id allocator). */
export function initTxnWithProducerId(
  ctx: NodeContext,
  self: BrokerNode,
  waiter: { from: string; requestId: number; txn?: { transactionalId: string; timeoutMs: number } },
  producerId: number,
): void {
  const { transactionalId, timeoutMs } = waiter.txn!;
  const partition = coordinatedPartition(self, transactionalId);
  if (typeof partition === 'string') {
    ctx.send(
      waiter.from,
      'InitProducerIdResponse',
      { error: partition, producerId: -1, producerEpoch: -1 },
      waiter.requestId,
    );
    return;
  }
  const txns = (self.volatile.txns ??= {});
  const txn: TxnMetadata = txns[transactionalId] ?? {
    transactionalId,
    txnPartition: partition,
    producerId,
    producerEpoch: 0,
    timeoutMs,
    state: 'Empty',
    partitions: [],
    txnStartMs: -1,
    markersPending: [],
  };
  txn.producerId = producerId;
  txn.producerEpoch = 0;
  txn.timeoutMs = timeoutMs;
  txns[transactionalId] = txn;
  writeInitAndReply(ctx, self, txn, { from: waiter.from, id: waiter.requestId });
}

function writeInitAndReply(
  ctx: NodeContext,
  self: BrokerNode,
  txn: TxnMetadata,
  msg: { from: string; id: number },
): void {
  const body: InitProducerIdResponse = {
    error: null,
    producerId: txn.producerId,
    producerEpoch: txn.producerEpoch,
  };
  writeTxn(ctx, self, txn, {
    reply: { to: msg.from, kind: 'InitProducerIdResponse', body, inReplyTo: msg.id },
  });
}

/** Bump the epoch (fencing the current producer) and abort the open transaction. */
function fenceAndAbort(
  ctx: NodeContext,
  self: BrokerNode,
  txn: TxnMetadata,
  reason: 'timeout' | 'fenced',
): void {
  setState(ctx, self, txn, 'PrepareEpochFence');
  txn.producerEpoch++;
  txn.abortReason = reason;
  prepare(ctx, self, txn, 'PrepareAbort');
}

function prepare(
  ctx: NodeContext,
  self: BrokerNode,
  txn: TxnMetadata,
  to: 'PrepareCommit' | 'PrepareAbort',
  reply?: { to: string; inReplyTo: number },
): void {
  setState(ctx, self, txn, to);
  txn.markersPending = txn.partitions.map((p) => tpKey(p.topic, p.partition));
  writeTxn(ctx, self, txn, {
    sendMarkers: true,
    ...(reply
      ? { reply: { to: reply.to, kind: 'EndTxnResponse', body: { error: null }, inReplyTo: reply.inReplyTo } }
      : {}),
  });
}

// ----- requests inside a transaction -----

/** TransactionCoordinator's checks on a request from a producer: the right id, the current epoch. */
function checkProducer(
  self: BrokerNode,
  body: { transactionalId: string; producerId: number; producerEpoch: number },
): TxnMetadata | ErrorCode {
  const partition = coordinatedPartition(self, body.transactionalId);
  if (typeof partition === 'string') return partition;
  const txn = self.volatile.txns?.[body.transactionalId];
  if (!txn || txn.producerId !== body.producerId) return 'INVALID_PRODUCER_ID_MAPPING';
  if (txn.producerEpoch !== body.producerEpoch) return 'PRODUCER_FENCED';
  return txn;
}

function addPartitions(
  ctx: NodeContext,
  self: BrokerNode,
  msg: RpcMessage,
  kind: 'AddPartitionsToTxnResponse' | 'AddOffsetsToTxnResponse',
  body: { transactionalId: string; producerId: number; producerEpoch: number },
  partitions: { topic: string; partition: number }[],
): void {
  const reply = (error: ErrorCode | null): void => {
    ctx.send(msg.from, kind, { error }, msg.id);
  };
  const txn = checkProducer(self, body);
  if (typeof txn === 'string') return reply(txn);
  if (txn.state === 'PrepareCommit' || txn.state === 'PrepareAbort' || txn.state === 'PrepareEpochFence')
    return reply('CONCURRENT_TRANSACTIONS');
  if (txn.state === 'Dead') return reply('INVALID_TXN_STATE');
  const known = new Set(txn.partitions.map((p) => tpKey(p.topic, p.partition)));
  const added = partitions.filter((p) => !known.has(tpKey(p.topic, p.partition)));
  if (added.length === 0 && txn.state === 'Ongoing') return reply(null);
  if (txn.state !== 'Ongoing') {
    txn.txnStartMs = ctx.now();
    txn.partitions = [];
    txn.abortReason = undefined;
    setState(ctx, self, txn, 'Ongoing');
    ctx.emit('transaction.begun', {
      transactionalId: txn.transactionalId,
      broker: self.durable.brokerId,
      producerId: txn.producerId,
      producerEpoch: txn.producerEpoch,
    });
  }
  txn.partitions = [...txn.partitions, ...added];
  writeTxn(ctx, self, txn, { reply: { to: msg.from, kind, body: { error: null }, inReplyTo: msg.id } });
}

export function handleAddPartitionsToTxn(
  ctx: NodeContext,
  self: BrokerNode,
  msg: RpcMessage<AddPartitionsToTxnRequest>,
): void {
  addPartitions(ctx, self, msg, 'AddPartitionsToTxnResponse', msg.body, msg.body.partitions);
}

/**
 * AddOffsetsToTxn: the group's __consumer_offsets partition joins the transaction. Kafka
 * (KafkaApis.handleAddOffsetsToTxnRequest) names that partition with the group coordinator's
 * partitionFor(groupId) = abs(hashCode) % offsets.topic.num.partitions, which needs no topic: the
 * topic may not exist yet (it is created by the FindCoordinator(GROUP) that comes next), and the
 * markers skip a partition whose topic is still missing at the end of the transaction.
 */
export function handleAddOffsetsToTxn(
  ctx: NodeContext,
  self: BrokerNode,
  msg: RpcMessage<AddOffsetsToTxnRequest>,
): void {
  const count =
    self.volatile.image.topics[OFFSETS_TOPIC]?.partitions.length ??
    brokerSetting(ctx.config, 'offsets.topic.num.partitions');
  const partition = coordinatorPartition(msg.body.groupId, count);
  addPartitions(ctx, self, msg, 'AddOffsetsToTxnResponse', msg.body, [{ topic: OFFSETS_TOPIC, partition }]);
}

/**
 * KIP-447 (GroupMetadata.validateOffsetCommit for transactional commits): offsets sent with the
 * consumer's group metadata are accepted only from a current member of the current generation, so
 * a processor that lost its partitions in a rebalance (a zombie) cannot commit for them.
 */
function validateGroupMetadata(g: Group, req: TxnOffsetCommitRequest): ErrorCode | null {
  if (req.generationId < 0 && req.memberId === '' && !req.groupInstanceId) return null; // none given
  if (req.groupInstanceId) {
    const owner = Object.values(g.members).find((m) => m.groupInstanceId === req.groupInstanceId);
    if (owner && owner.memberId !== req.memberId) return 'FENCED_INSTANCE_ID';
  }
  if (!g.members[req.memberId]) return 'UNKNOWN_MEMBER_ID';
  if (req.generationId !== g.generation) return 'ILLEGAL_GENERATION';
  return null;
}

/**
 * TxnOffsetCommit, at the group coordinator: the offsets are written to __consumer_offsets as
 * records of the producer's transaction; they become the group's committed offsets only when the
 * COMMIT marker is written there (and vanish on ABORT).
 */
export function handleTxnOffsetCommit(
  ctx: NodeContext,
  self: BrokerNode,
  msg: RpcMessage<TxnOffsetCommitRequest>,
): void {
  const req = msg.body;
  const reply = (error: ErrorCode | null): void => {
    ctx.send(msg.from, 'TxnOffsetCommitResponse', { error }, msg.id);
  };
  const g = coordinatedGroup(self, req.groupId);
  if (typeof g === 'string') return reply(g);
  const fenced = validateGroupMetadata(g, req);
  if (fenced) return reply(fenced);
  const now = ctx.now();
  const records = req.offsets.map((o) => ({
    key: txnOffsetKey(req.groupId, o.topic, o.partition),
    value: JSON.stringify({ offset: o.offset, metadata: '', commitTimestamp: now }),
    timestamp: now,
  }));
  const producer = { producerId: req.producerId, producerEpoch: req.producerEpoch };
  appendAndWait(ctx, self, OFFSETS_TOPIC, g.offsetsPartition, internalBatch(records, producer), {
    transactionalId: req.transactionalId,
    reply: { to: msg.from, kind: 'TxnOffsetCommitResponse', body: { error: null }, inReplyTo: msg.id },
    txnOffsets: {
      groupId: req.groupId,
      producerId: req.producerId,
      offsets: req.offsets.map((o) => ({ topic: o.topic, partition: o.partition, offset: o.offset })),
    },
  });
}

// ----- EndTxn and markers -----

export function handleEndTxn(ctx: NodeContext, self: BrokerNode, msg: RpcMessage<EndTxnRequest>): void {
  const reply = (error: ErrorCode | null): void => {
    ctx.send(msg.from, 'EndTxnResponse', { error }, msg.id);
  };
  const txn = checkProducer(self, msg.body);
  if (typeof txn === 'string') return reply(txn);
  const commit = msg.body.committed;
  switch (txn.state) {
    case 'Ongoing':
      txn.abortReason = commit ? undefined : 'requested';
      return prepare(ctx, self, txn, commit ? 'PrepareCommit' : 'PrepareAbort', {
        to: msg.from,
        inReplyTo: msg.id,
      });
    case 'CompleteCommit':
      return reply(commit ? null : 'INVALID_TXN_STATE'); // a retried EndTxn that already happened
    case 'CompleteAbort':
      return reply(commit ? 'INVALID_TXN_STATE' : null);
    case 'PrepareCommit':
    case 'PrepareAbort':
    case 'PrepareEpochFence':
      return reply('CONCURRENT_TRANSACTIONS');
    default:
      return reply('INVALID_TXN_STATE');
  }
}

/**
 * Send WriteTxnMarkers for the partitions still missing their marker and not already asked for,
 * one request per leader (TransactionMarkerChannelManager). A partition is asked for once per
 * request: it is sent again only when the answer says so (a retriable error), when the request
 * timed out (request.timeout.ms, the connection is closed) or when the leader was down.
 */
export function sendTxnMarkers(ctx: NodeContext, self: BrokerNode, transactionalId: string): void {
  const txn = self.volatile.txns?.[transactionalId];
  if (!txn || (txn.state !== 'PrepareCommit' && txn.state !== 'PrepareAbort')) return;
  const inFlight = (self.volatile.txnMarkerRequests ??= {});
  const now = ctx.now();
  const busy = new Set<string>();
  for (const r of Object.values(inFlight)) {
    if (r.transactionalId === transactionalId) for (const k of r.partitions) busy.add(k);
  }
  // A partition of a deleted topic needs no marker any more.
  txn.markersPending = txn.markersPending.filter((key) => {
    const p = txn.partitions.find((q) => tpKey(q.topic, q.partition) === key);
    return p !== undefined && self.volatile.image.topics[p.topic] !== undefined;
  });
  const byLeader = new Map<number, { topic: string; partition: number }[]>();
  for (const p of txn.partitions) {
    const key = tpKey(p.topic, p.partition);
    if (!txn.markersPending.includes(key) || busy.has(key)) continue;
    const leader = self.volatile.image.topics[p.topic]?.partitions[p.partition]?.leader ?? -1;
    if (leader < 0) continue; // retried at the next tick
    byLeader.set(leader, [...(byLeader.get(leader) ?? []), p]);
  }
  const coordinatorEpoch = leaderRole(self, tpKey(TXN_TOPIC, txn.txnPartition))?.leaderEpoch ?? -1;
  for (const [leader, partitions] of byLeader) {
    const req: WriteTxnMarkersRequest = {
      producerId: txn.producerId,
      producerEpoch: txn.producerEpoch,
      coordinatorEpoch,
      result: txn.state === 'PrepareCommit' ? 'COMMIT' : 'ABORT',
      partitions,
    };
    const id = ctx.send(brokerNodeId(leader), 'WriteTxnMarkers', req);
    inFlight[id] = {
      transactionalId,
      partitions: partitions.map((p) => tpKey(p.topic, p.partition)),
      sentAtMs: now,
    };
    ctx.setTimer('txnMarkerTimeout', brokerSetting(ctx.config, 'request.timeout.ms'), { requestId: id });
  }
  if (txn.markersPending.length > 0) ensureTxnTick(ctx, self);
  else complete(ctx, self, txn);
}

export function onWriteTxnMarkersResponse(
  ctx: NodeContext,
  self: BrokerNode,
  msg: RpcMessage<WriteTxnMarkersResponse>,
): void {
  const inFlight = self.volatile.txnMarkerRequests ?? {};
  const req = msg.inReplyTo !== undefined ? inFlight[msg.inReplyTo] : undefined;
  if (!req) return; // answered after its request timed out: its partitions were already resent
  delete inFlight[msg.inReplyTo!];
  const txn = self.volatile.txns?.[req.transactionalId];
  if (!txn) return;
  // Only partitions that came back with a retriable error (or not at all) are sent again.
  const done = new Set(
    req.partitions.filter((key) => {
      const p = msg.body.partitions.find((q) => tpKey(q.topic, q.partition) === key);
      return p !== undefined && (p.error === null || !RETRIABLE_MARKER_ERRORS.has(p.error));
    }),
  );
  txn.markersPending = txn.markersPending.filter((k) => !done.has(k));
  if (txn.markersPending.length === 0) complete(ctx, self, txn);
  else ensureTxnTick(ctx, self);
}

/** No answer within request.timeout.ms, or the leader was down: its partitions go again. */
export function onWriteTxnMarkersFailed(ctx: NodeContext, self: BrokerNode, requestId: number): void {
  const inFlight = self.volatile.txnMarkerRequests ?? {};
  if (!inFlight[requestId]) return;
  delete inFlight[requestId];
  ensureTxnTick(ctx, self);
}

/** Every marker is written: CompleteCommit / CompleteAbort, and the transaction is over. */
function complete(ctx: NodeContext, self: BrokerNode, txn: TxnMetadata): void {
  if (txn.state !== 'PrepareCommit' && txn.state !== 'PrepareAbort') return;
  const committed = txn.state === 'PrepareCommit';
  const partitions = txn.partitions;
  setState(ctx, self, txn, committed ? 'CompleteCommit' : 'CompleteAbort');
  ctx.emit(committed ? 'transaction.committed' : 'transaction.aborted', {
    transactionalId: txn.transactionalId,
    broker: self.durable.brokerId,
    producerId: txn.producerId,
    producerEpoch: txn.producerEpoch,
    partitions: partitions.map((p) => ({ ...p })),
    reason: committed ? 'requested' : (txn.abortReason ?? 'requested'),
  });
  txn.partitions = [];
  txn.txnStartMs = -1;
  writeTxn(ctx, self, txn);
}

/** Periodic: resend missing markers; abort transactions open longer than their timeout. */
export function onTxnTick(ctx: NodeContext, self: BrokerNode): void {
  self.volatile.txnTickScheduled = false;
  for (const txn of Object.values(self.volatile.txns ?? {})) {
    if (txn.state === 'PrepareCommit' || txn.state === 'PrepareAbort')
      sendTxnMarkers(ctx, self, txn.transactionalId);
  }
  checkPurgatory(ctx, self, 'txnWrite'); // enforce write deadlines
  const waits = self.volatile.txnWaits?.length ?? 0;
  if (waits > 0) ensureTxnTick(ctx, self);
}

/** transaction.abort.timed.out.transaction.cleaner.interval.ms: abort what outlived transaction.timeout.ms. */
export function abortTimedOutTransactions(ctx: NodeContext, self: BrokerNode): void {
  const now = ctx.now();
  for (const txn of Object.values(self.volatile.txns ?? {})) {
    if (txn.state !== 'Ongoing' || txn.txnStartMs < 0) continue;
    if (now - txn.txnStartMs <= txn.timeoutMs) continue;
    if (typeof coordinatedPartition(self, txn.transactionalId) === 'string') continue;
    fenceAndAbort(ctx, self, txn, 'timeout');
  }
}
