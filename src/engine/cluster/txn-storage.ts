/**
 * Where transactions are stored (reference §7): the coordinator's TransactionMetadata lives in the
 * replicated internal topic `__transaction_state` (one JSON record per transactional id, latest wins),
 * so a broker that becomes leader of one of its partitions reloads the transactions and carries on
 * (a transaction left in Prepare* gets its markers sent again). Transactional offset commits are
 * transactional records in `__consumer_offsets`, applied to the group when the COMMIT marker lands.
 * Writes wait for replication as plain-data waits (TxnWait) in the purgatory; txn-writes.ts answers
 * them when the HW moves and reloads transactions on a new leader.
 */
import type { NodeContext } from '../kernel/kernel';
import { newBatch, recordOffset, type BatchRecord, type RecordBatch } from '../protocol/produce';
import type { BrokerNode, TxnMetadata, TxnWait } from './broker-state';
import { offsetKey } from './group-storage';
import { appendAsLeader, tpKey, type PartitionLog } from './partition-log';
import { checkPurgatory } from './purgatory';
import { maybeIncrementHighWatermark } from './replica-manager';
import { leaderRole } from './replica-read';

export const TXN_TOPIC = '__transaction_state';
/** How long a coordinator write may take to replicate before the request fails (request timeout). */
export const TXN_WRITE_TIMEOUT_MS = 5000;

export const txnKey = (transactionalId: string) => `txn:${transactionalId}`;
export const txnOffsetKey = (groupId: string, topic: string, partition: number) =>
  `txn${offsetKey(groupId, topic, partition)}`;

/** What a __transaction_state record holds (TransactionLogValue). */
export interface TxnLogValue {
  producerId: number;
  producerEpoch: number;
  timeoutMs: number;
  state: TxnMetadata['state'];
  partitions: { topic: string; partition: number }[];
  txnStartMs: number;
}

export function internalBatch(
  records: BatchRecord[],
  producer?: { producerId: number; producerEpoch: number },
): RecordBatch {
  // A coordinator's offsets written for a transaction are part of it (its markers settle them).
  return newBatch(records, producer && { ...producer, transactional: true });
}

/**
 * Append one batch to an internal partition this broker leads and wait for its replication.
 * Returns false (and does nothing) if this broker does not lead it.
 */
export function appendAndWait(
  ctx: NodeContext,
  self: BrokerNode,
  topic: string,
  partition: number,
  batch: RecordBatch,
  wait: Omit<TxnWait, 'key' | 'requiredOffset' | 'deadlineMs'>,
): boolean {
  const key = tpKey(topic, partition);
  const role = leaderRole(self, key);
  const log = self.durable.logs[key];
  if (!role || !log) return false;
  const stamped = appendAsLeader(log, batch, role.leaderEpoch);
  (self.volatile.txnWaits ??= []).push({
    ...wait,
    key,
    requiredOffset: stamped.baseOffset + batch.records.length,
    deadlineMs: ctx.now() + TXN_WRITE_TIMEOUT_MS,
  });
  if (maybeIncrementHighWatermark(ctx, self, key)) checkPurgatory(ctx, self, 'txnWrite');
  checkPurgatory(ctx, self, 'logEnd');
  ensureTxnTick(ctx, self);
  return true;
}

/** Persist a transaction's current state in __transaction_state. */
export function writeTxn(
  ctx: NodeContext,
  self: BrokerNode,
  txn: TxnMetadata,
  wait: Omit<TxnWait, 'key' | 'requiredOffset' | 'deadlineMs' | 'transactionalId'> = {},
): boolean {
  const value: TxnLogValue = {
    producerId: txn.producerId,
    producerEpoch: txn.producerEpoch,
    timeoutMs: txn.timeoutMs,
    state: txn.state,
    partitions: txn.partitions,
    txnStartMs: txn.txnStartMs,
  };
  const record = { key: txnKey(txn.transactionalId), value: JSON.stringify(value), timestamp: ctx.now() };
  return appendAndWait(ctx, self, TXN_TOPIC, txn.txnPartition, internalBatch([record]), {
    ...wait,
    transactionalId: txn.transactionalId,
  });
}

/** The coordinator ticks (marker retries, write deadlines) only while it has something pending. */
export function ensureTxnTick(ctx: NodeContext, self: BrokerNode): void {
  if (self.volatile.txnTickScheduled) return;
  self.volatile.txnTickScheduled = true;
  ctx.setTimer('txnTick', 250);
}

/** Partitions of an internal topic this broker leads. */
export function ledPartitions(self: BrokerNode, topic: string): number[] {
  const out: number[] = [];
  for (const [key, role] of Object.entries(self.volatile.roles)) {
    if (role.role === 'leader' && key.startsWith(`${topic}-`)) out.push(Number(key.slice(topic.length + 1)));
  }
  return out;
}

export function unloadTxns(self: BrokerNode, partition: number): void {
  const txns = self.volatile.txns ?? {};
  for (const [id, t] of Object.entries(txns)) if (t.txnPartition === partition) delete txns[id];
}

/**
 * Reload the transactional offset commits of a __consumer_offsets partition: offsets of committed
 * transactions take effect at their marker, pending ones wait for theirs. Whichever commit for a
 * partition comes last in the log wins, plain or transactional.
 */
export function loadTxnOffsets(self: BrokerNode, partition: number, log: PartitionLog): void {
  const latest = new Map<
    string,
    { at: number; groupId: string; topic: string; partition: number; offset: number }
  >();
  const open = new Map<number, { groupId: string; topic: string; partition: number; offset: number }[]>();
  const byGroup: Record<string, Record<number, { topic: string; partition: number; offset: number }[]>> = {};
  for (const b of log.batches) {
    if (b.isControl) {
      const pending = open.get(b.producerId) ?? [];
      open.delete(b.producerId);
      if (b.controlType === 'COMMIT') {
        for (const o of pending)
          latest.set(offsetKey(o.groupId, o.topic, o.partition), { at: b.baseOffset, ...o });
      }
      continue;
    }
    b.records.forEach((r, i) => {
      if (!r.key || r.value === null) return;
      const txn = r.key.startsWith('txnoffset:');
      if (!txn && !r.key.startsWith('offset:')) return;
      const [, groupId, ...rest] = r.key.split(':');
      const p = Number(rest.pop());
      const topic = rest.join(':');
      const offset = (JSON.parse(r.value) as { offset: number }).offset;
      const o = { groupId: groupId!, topic, partition: p, offset };
      if (txn) {
        const list = open.get(b.producerId) ?? [];
        open.set(b.producerId, [
          ...list.filter((x) => x.groupId !== o.groupId || tpKey(x.topic, x.partition) !== tpKey(topic, p)),
          o,
        ]);
      } else latest.set(offsetKey(o.groupId, topic, p), { at: recordOffset(b, i), ...o });
    });
  }
  for (const o of latest.values()) {
    const g = self.volatile.groups[o.groupId];
    if (g)
      g.offsets[tpKey(o.topic, o.partition)] = {
        topic: o.topic,
        partition: o.partition,
        offset: o.offset,
        metadata: g.offsets[tpKey(o.topic, o.partition)]?.metadata ?? '',
      };
  }
  for (const [pid, list] of open) {
    for (const o of list)
      ((byGroup[o.groupId] ??= {})[pid] ??= []).push({
        topic: o.topic,
        partition: o.partition,
        offset: o.offset,
      });
  }
  // What this partition's log says replaces whatever an earlier leadership left behind.
  const all = (self.volatile.txnOffsets ??= {});
  for (const [groupId, g] of Object.entries(self.volatile.groups)) {
    if (g.offsetsPartition === partition) delete all[groupId];
  }
  for (const [groupId, pids] of Object.entries(byGroup)) all[groupId] = pids;
}

/** A marker landed on a __consumer_offsets partition: the producer's pending offsets commit or vanish. */
export function completeTxnOffsets(
  ctx: NodeContext,
  self: BrokerNode,
  producerId: number,
  result: 'COMMIT' | 'ABORT',
  offsetsPartition: number,
): void {
  const all = self.volatile.txnOffsets ?? {};
  for (const [groupId, byPid] of Object.entries(all)) {
    const pending = byPid[producerId];
    if (!pending) continue;
    const g = self.volatile.groups[groupId];
    if (g && g.offsetsPartition !== offsetsPartition) continue;
    delete byPid[producerId];
    if (result !== 'COMMIT') continue;
    for (const o of pending) {
      if (g) g.offsets[tpKey(o.topic, o.partition)] = { ...o, metadata: '' };
      ctx.emit('group.offsetCommitted', {
        groupId,
        topic: o.topic,
        partition: o.partition,
        offset: o.offset,
      });
    }
  }
}
