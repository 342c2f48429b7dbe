/**
 * The transaction manager's handling of coordinator answers (Kafka's TransactionManager handlers,
 * reference §7.3): FindCoordinator, InitProducerId (initTransactions is done), AddPartitionsToTxn,
 * AddOffsetsToTxn, TxnOffsetCommit (KIP-447: a refused generation makes the transaction
 * abortable) and EndTxn; fencing errors stop the producer for good, the rest are retried.
 */
import type { ErrorCode } from '../errors';
import type { NodeContext, RpcMessage } from '../kernel/kernel';
import type { FindCoordinatorResponse } from '../protocol/consume';
import type { InitProducerIdResponse } from '../protocol/produce';
import { fenceProducer, transactionBatchFailed } from './producer-completion';
import { setState, type ProducerNode } from './producer-state';
import { finish } from './producer-txn';

function retryLater(self: ProducerNode, ctx: NodeContext, lostCoordinator: boolean): void {
  const txn = self.volatile.txn!;
  txn.notBeforeMs = ctx.now() + self.durable.config.retryBackoffMs;
  if (lostCoordinator) {
    txn.coordinator = null;
    self.volatile.brokerCursor++;
  }
}

/** TxnOffsetCommit errors that make the transaction abortable (TxnOffsetCommitHandler). */
const OFFSETS_FENCED: ReadonlySet<string> = new Set([
  'ILLEGAL_GENERATION',
  'UNKNOWN_MEMBER_ID',
  'FENCED_INSTANCE_ID',
]);
const COORDINATOR_MOVED: ReadonlySet<string> = new Set(['NOT_COORDINATOR', 'COORDINATOR_NOT_AVAILABLE']);
const FENCING: ReadonlySet<string> = new Set([
  'PRODUCER_FENCED',
  'INVALID_PRODUCER_EPOCH',
  'INVALID_PRODUCER_ID_MAPPING',
]);

/** Handles a coordinator answer; returns false if the message was not the one awaited. */
export function onTxnResponse(ctx: NodeContext, self: ProducerNode, msg: RpcMessage): boolean {
  const v = self.volatile;
  const txn = v.txn;
  const req = txn?.request;
  if (!txn || !req || req.msgId !== msg.inReplyTo) return false;
  ctx.cancelTimer(req.timer);
  txn.request = null;
  const error = (msg.body as { error: ErrorCode | null }).error;
  if (txn.state === 'FENCED') return true;
  if (error !== null && FENCING.has(error)) {
    fenceProducer(ctx, self, error);
    return true;
  }
  if (error !== null && req.kind === 'TxnOffsetCommit' && OFFSETS_FENCED.has(error)) {
    // KIP-447: the offsets came from a member of an old generation (a zombie): CommitFailedException.
    const o = txn.offsets.shift()!;
    ctx.emit('producer.transactionOffsetsRejected', {
      producer: self.durable.name,
      transactionalId: self.durable.config.transactionalId!,
      groupId: o.groupId,
      error,
    });
    transactionBatchFailed(self, error);
    txn.abortReason = `sendOffsetsToTransaction failed with ${error}`;
    return true;
  }
  if (error !== null) {
    // CONCURRENT_TRANSACTIONS (the coordinator is still finishing) and the rest: try again shortly.
    const groupSide = req.kind === 'TxnOffsetCommit' || req.kind === 'FindGroupCoordinator';
    retryLater(self, ctx, COORDINATOR_MOVED.has(error) && !groupSide);
    if (groupSide && txn.offsets[0]) txn.offsets[0].groupCoordinator = null;
    return true;
  }
  switch (req.kind) {
    case 'FindCoordinator':
      txn.coordinator = (msg.body as FindCoordinatorResponse).node;
      break;
    case 'FindGroupCoordinator': {
      const o = txn.offsets[0];
      if (o) o.groupCoordinator = (msg.body as FindCoordinatorResponse).node;
      break;
    }
    case 'InitProducerId': {
      const body = msg.body as InitProducerIdResponse;
      v.producerId = body.producerId;
      v.producerEpoch = body.producerEpoch;
      // A new epoch starts every partition's sequence at 0.
      for (const meta of Object.values(v.topics)) for (const q of meta.queues) q.nextSequence = 0;
      setState(txn, txn.beginPending ? 'IN_TRANSACTION' : 'READY');
      txn.beginPending = false;
      if (txn.end) setState(txn, txn.end === 'COMMIT' ? 'COMMITTING_TRANSACTION' : 'ABORTING_TRANSACTION');
      ctx.emit('producer.idAssigned', {
        producer: self.durable.name,
        producerId: body.producerId,
        producerEpoch: body.producerEpoch,
      });
      ctx.emit('producer.transactionsInitialized', {
        producer: self.durable.name,
        transactionalId: self.durable.config.transactionalId!,
        producerId: body.producerId,
        producerEpoch: body.producerEpoch,
      });
      break;
    }
    case 'AddPartitionsToTxn':
      for (const k of req.partitions ?? []) txn.added[k] = true;
      txn.started = true;
      break;
    case 'AddOffsetsToTxn':
      txn.offsets[0]!.stage = 'commit';
      txn.started = true;
      break;
    case 'TxnOffsetCommit':
      txn.offsets.shift();
      break;
    case 'EndTxn':
      finish(ctx, self);
      break;
  }
  return true;
}

/** No answer in request.timeout.ms, or the node was down: look for the coordinator again. */
export function onTxnRequestFailed(ctx: NodeContext, self: ProducerNode, msgId: number): boolean {
  const txn = self.volatile.txn;
  if (!txn?.request || txn.request.msgId !== msgId) return false;
  ctx.cancelTimer(txn.request.timer);
  const kind = txn.request.kind;
  txn.request = null;
  const groupSide = kind === 'TxnOffsetCommit' || kind === 'FindGroupCoordinator';
  if (groupSide && txn.offsets[0]) txn.offsets[0].groupCoordinator = null;
  retryLater(self, ctx, !groupSide);
  return true;
}
