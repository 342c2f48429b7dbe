/**
 * The transactions' part of the snapshot: each transaction as its coordinator holds it, and where
 * the transaction markers sit in a replica's log (for drawing).
 */
import type { TransactionSnapshot } from '../types';
import type { BrokerNode } from './broker-state';
import type { PartitionLog } from './partition-log';
import { ledPartitions, TXN_TOPIC } from './txn-storage';

export function transactionSnapshots(brokers: BrokerNode[]): TransactionSnapshot[] {
  const out: TransactionSnapshot[] = [];
  for (const b of brokers) {
    if (!b.alive || !b.volatile) continue;
    const led = new Set(ledPartitions(b, TXN_TOPIC));
    for (const t of Object.values(b.volatile.txns ?? {})) {
      if (!led.has(t.txnPartition)) continue;
      out.push({
        transactionalId: t.transactionalId,
        coordinator: b.durable.brokerId,
        producerId: t.producerId,
        producerEpoch: t.producerEpoch,
        state: t.state,
        partitions: t.partitions.map((p) => ({ ...p })),
        txnStartMs: t.txnStartMs,
        timeoutMs: t.timeoutMs,
      });
    }
  }
  return out.sort((a, b) =>
    a.transactionalId < b.transactionalId ? -1 : a.transactionalId > b.transactionalId ? 1 : 0,
  );
}

/** Offsets of the control records (COMMIT/ABORT markers) in a log. */
export function controlOffsets(log: PartitionLog): number[] {
  const out: number[] = [];
  for (const b of log.batches) if (b.isControl) out.push(b.baseOffset);
  return out;
}
