/**
 * The producer's transaction manager (Kafka's TransactionManager, reference §7.3), as plain data in
 * the producer's volatile state. It talks to the transaction coordinator one request at a time:
 * FindCoordinator(TRANSACTION), InitProducerId(transactional.id) (which fences older instances),
 * AddPartitionsToTxn before the first batch to each partition, AddOffsetsToTxn + TxnOffsetCommit for
 * sendOffsetsToTransaction, and EndTxn once every batch is settled. A producer fenced by a newer
 * instance (PRODUCER_FENCED / INVALID_PRODUCER_EPOCH) can do nothing more.
 */
import type { RpcBodies, RpcRequestKind } from '../protocol/rpc-kinds';
import type { NodeContext } from '../kernel/kernel';
import type { FindCoordinatorRequest } from '../protocol/consume';
import type { InitProducerIdRequest } from '../protocol/produce';
import type {
  AddOffsetsToTxnRequest,
  AddPartitionsToTxnRequest,
  EndTxnRequest,
  TxnOffsetCommitRequest,
} from '../protocol/txn';
import type { GroupMetadata } from '../types';
import { failQueued } from './producer-completion';
import { pickBroker } from './producer-metadata';
import { setState, wakeAt, type PartitionQueue, type ProducerNode, type TxnClient } from './producer-state';

const queueKey = (q: { topic: string; partition: number }) => `${q.topic}-${q.partition}`;

export function newTxnClient(): TxnClient {
  return {
    state: 'INITIALIZING',
    beginPending: false,
    coordinator: null,
    added: {},
    started: false,
    request: null,
    notBeforeMs: 0,
    offsets: [],
    end: null,
    abortReason: '',
  };
}

/** Inside a transaction as far as the application is concerned (send and the rest are allowed). */
export function inTransaction(txn: TxnClient): boolean {
  return (
    txn.state === 'IN_TRANSACTION' || (txn.state === 'INITIALIZING' && txn.beginPending && txn.end === null)
  );
}

/** May a batch for this partition be sent? Only once the coordinator has added it. */
export function txnAllowsSend(self: ProducerNode, q: PartitionQueue): boolean {
  const txn = self.volatile.txn;
  return !txn || txn.added[queueKey(q)] === true;
}

// ----- application calls -----

export function beginTransaction(ctx: NodeContext, self: ProducerNode): void {
  const txn = self.volatile.txn!;
  if (txn.state === 'READY') setState(txn, 'IN_TRANSACTION');
  else txn.beginPending = true;
  txn.added = {};
  txn.started = false;
  txn.end = null;
  ctx.emit('producer.transactionBegun', {
    producer: self.durable.name,
    transactionalId: self.durable.config.transactionalId!,
  });
}

export function endTransaction(ctx: NodeContext, self: ProducerNode, result: 'COMMIT' | 'ABORT'): void {
  const txn = self.volatile.txn!;
  txn.end = result;
  if (txn.state === 'IN_TRANSACTION') {
    setState(txn, result === 'COMMIT' ? 'COMMITTING_TRANSACTION' : 'ABORTING_TRANSACTION');
  } else if (txn.state === 'ABORTABLE_ERROR') {
    setState(txn, 'ABORTING_TRANSACTION');
  }
  if (result === 'ABORT') txn.abortReason ||= 'requested';
  // commitTransaction flushes: every open batch may go now, whatever linger.ms says.
  for (const meta of Object.values(self.volatile.topics))
    for (const q of meta.queues) {
      const last = q.batches[q.batches.length - 1];
      if (last) last.closed = true;
    }
  wakeAt(ctx, self.volatile, ctx.now());
}

export function sendOffsetsToTransaction(
  ctx: NodeContext,
  self: ProducerNode,
  groupId: string,
  offsets: TxnClient['offsets'][number]['offsets'],
  metadata: GroupMetadata = { generationId: -1, memberId: '', groupInstanceId: null },
): void {
  self.volatile.txn!.offsets.push({ groupId, offsets, metadata, stage: 'add', groupCoordinator: null });
  wakeAt(ctx, self.volatile, ctx.now());
}

// ----- the manager's pass, from runSender -----

function hasUnsettledBatches(self: ProducerNode): boolean {
  const v = self.volatile;
  return v.inFlightBatches > 0 || v.queuedRecords > 0;
}

/** Send a coordinator request; `label` tells its answer apart (FindCoordinator for a group). */
function send<K extends RpcRequestKind>(
  ctx: NodeContext,
  self: ProducerNode,
  to: string,
  kind: K,
  body: RpcBodies[K],
  partitions?: string[],
  label: string = kind,
) {
  const txn = self.volatile.txn!;
  const msgId = ctx.send(to, kind, body);
  const timer = ctx.setTimer('txnTimeout', self.durable.config.requestTimeoutMs, { msgId });
  txn.request = { msgId, kind: label, timer, ...(partitions ? { partitions } : {}) };
}

export function runTransactionManager(ctx: NodeContext, self: ProducerNode, nowMs: number): void {
  const v = self.volatile;
  const txn = v.txn!;
  const config = self.durable.config;
  if (txn.state === 'FENCED' || txn.request) return;
  if (txn.state === 'ABORTING_TRANSACTION') {
    failQueued(ctx, self, 'TRANSACTION_ABORTED', 'Failing batch since transaction was aborted');
  }
  if (txn.state === 'COMMITTING_TRANSACTION' && txn.end === 'COMMIT' && txn.abortReason) {
    // A batch failed for good: the transaction cannot commit, so it is aborted instead.
    setState(txn, 'ABORTING_TRANSACTION');
    txn.end = 'ABORT';
    failQueued(ctx, self, 'TRANSACTION_ABORTED', 'Failing batch since transaction was aborted');
  }
  if (nowMs < txn.notBeforeMs) {
    wakeAt(ctx, v, txn.notBeforeMs);
    return;
  }
  const txnId = config.transactionalId!;
  if (txn.coordinator === null) {
    const body: FindCoordinatorRequest = { key: txnId, keyType: 'TRANSACTION' };
    return send(ctx, self, pickBroker(self), 'FindCoordinator', body);
  }
  if (txn.state === 'INITIALIZING') {
    const body: InitProducerIdRequest = {
      transactionalId: txnId,
      transactionTimeoutMs: config.transactionTimeoutMs,
    };
    return send(ctx, self, txn.coordinator, 'InitProducerId', body);
  }
  const ids = { transactionalId: txnId, producerId: v.producerId, producerEpoch: v.producerEpoch };
  const active =
    txn.state === 'IN_TRANSACTION' ||
    txn.state === 'COMMITTING_TRANSACTION' ||
    txn.state === 'ABORTING_TRANSACTION';
  if (!active) return;
  if (txn.state !== 'ABORTING_TRANSACTION') {
    // AddPartitionsToTxn for every partition with records waiting that is not in the transaction yet.
    const missing: { topic: string; partition: number }[] = [];
    for (const meta of Object.values(v.topics))
      for (const q of meta.queues)
        if (q.batches.length > 0 && !txn.added[queueKey(q)])
          missing.push({ topic: q.topic, partition: q.partition });
    if (missing.length > 0) {
      const body: AddPartitionsToTxnRequest = { ...ids, partitions: missing };
      return send(ctx, self, txn.coordinator, 'AddPartitionsToTxn', body, missing.map(queueKey));
    }
    const o = txn.offsets[0];
    if (o) {
      if (o.stage === 'add') {
        const body: AddOffsetsToTxnRequest = { ...ids, groupId: o.groupId };
        return send(ctx, self, txn.coordinator, 'AddOffsetsToTxn', body);
      }
      if (o.groupCoordinator === null) {
        const body: FindCoordinatorRequest = { key: o.groupId, keyType: 'GROUP' };
        return send(ctx, self, pickBroker(self), 'FindCoordinator', body, undefined, 'FindGroupCoordinator');
      }
      const body: TxnOffsetCommitRequest = {
        ...ids,
        groupId: o.groupId,
        generationId: o.metadata.generationId,
        memberId: o.metadata.memberId,
        groupInstanceId: o.metadata.groupInstanceId ?? null,
        offsets: o.offsets,
      };
      return send(ctx, self, o.groupCoordinator, 'TxnOffsetCommit', body);
    }
  } else {
    txn.offsets = [];
  }
  if (txn.end === null || hasUnsettledBatches(self)) return;
  if (!txn.started) return finish(ctx, self); // nothing reached the coordinator: nothing to end
  const body: EndTxnRequest = { ...ids, committed: txn.end === 'COMMIT' };
  send(ctx, self, txn.coordinator, 'EndTxn', body);
}

export function finish(ctx: NodeContext, self: ProducerNode): void {
  const txn = self.volatile.txn!;
  const result = txn.end;
  const name = { producer: self.durable.name, transactionalId: self.durable.config.transactionalId! };
  if (result === 'COMMIT') ctx.emit('producer.transactionCommitted', name);
  else ctx.emit('producer.transactionAborted', { ...name, reason: txn.abortReason || 'requested' });
  setState(txn, 'READY');
  txn.end = null;
  txn.added = {};
  txn.started = false;
  txn.abortReason = '';
  txn.beginPending = false;
}

// These live with the batch completion (producer-completion.ts) and the producer state; they stay
// importable from here. The coordinators' answers are handled in producer-txn-answers.ts.
export { fenceProducer, transactionBatchFailed } from './producer-completion';
export { setState } from './producer-state';
