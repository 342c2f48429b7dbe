/**
 * Reading a partition this broker leads, shared by the replica manager, the parked fetches and the
 * coordinators: whether it leads it, its maximal ISR, and what a fetch may read (reference §4.2, §7.4).
 * Imports nothing that waits, so anything may import it.
 */
import { brokerSetting } from '../config';
import type { NodeContext } from '../kernel/kernel';
import { lastOffsetOf, type FetchPartitionResponse, type ReplicaFetchRequest } from '../protocol/produce';
import type { BrokerNode, LeaderRole } from './broker-state';
import { abortedTransactionsIn, lastStableOffset, readBatches, type PartitionLog } from './partition-log';

export function leaderRole(self: BrokerNode, key: string): LeaderRole | undefined {
  const r = self.volatile.roles[key];
  return r?.role === 'leader' ? r : undefined;
}

/** The committed ISR plus any member a pending AlterPartition would add (Kafka's maximal ISR). */
export function maximalIsr(role: LeaderRole): number[] {
  if (!role.pendingIsr) return role.isr;
  return [...new Set([...role.isr, ...role.pendingIsr])];
}

/**
 * How far a fetcher may read (FetchIsolation, reference §7.4): followers to the log end, consumers
 * to the HW (read_uncommitted) or to the last stable offset (read_committed).
 */
export function fetchLimit(
  log: PartitionLog,
  req: Pick<ReplicaFetchRequest, 'replicaId' | 'isolationLevel'>,
): number {
  if (req.replicaId >= 0) return log.logEndOffset;
  return req.isolationLevel === 'read_committed' ? lastStableOffset(log) : log.highWatermark;
}

/** The data part of a fetch answer for one partition (batches, offsets, aborted transactions). */
export function fetchData(
  ctx: NodeContext,
  log: PartitionLog,
  req: Pick<ReplicaFetchRequest, 'replicaId' | 'isolationLevel'>,
  fetchOffset: number,
  partitionMaxBytes?: number,
) {
  const limit = fetchLimit(log, req);
  const maxBytes = partitionMaxBytes ?? brokerSetting(ctx.config, 'replica.fetch.max.bytes');
  const batches = readBatches(log, fetchOffset, limit, maxBytes);
  const out: Pick<
    FetchPartitionResponse,
    'batches' | 'highWatermark' | 'lastStableOffset' | 'abortedTransactions'
  > = {
    batches,
    highWatermark: log.highWatermark,
    lastStableOffset: lastStableOffset(log),
  };
  if (req.replicaId < 0 && req.isolationLevel === 'read_committed' && batches.length > 0) {
    out.abortedTransactions = abortedTransactionsIn(log, fetchOffset, lastOffsetOf(batches.at(-1)!) + 1);
  }
  return out;
}
