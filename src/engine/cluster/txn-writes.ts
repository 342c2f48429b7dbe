/**
 * The transaction coordinator's follow-ups that send markers: the purgatory's check for `txnWrite`
 * waits (purgatory.ts), which runs the replies and follow-ups of __transaction_state writes once they
 * are replicated (or fails those that cannot be), and reloading a __transaction_state partition on
 * a new leader, which sends again the markers of transactions left in Prepare*.
 */
import type { NodeContext } from '../kernel/kernel';
import type { BrokerNode, TxnWait } from './broker-state';
import { tpKey, type PartitionLog } from './partition-log';
import { leaderRole } from './replica-read';
import { sendTxnMarkers } from './txn-coordinator';
import type { TxnLogValue } from './txn-storage';

/** Run the replies and follow-ups of writes that are now replicated, or fail those that cannot be. */
export function flushTxnWaits(ctx: NodeContext, self: BrokerNode): void {
  const waits = self.volatile.txnWaits;
  if (!waits || waits.length === 0) return;
  const still: TxnWait[] = [];
  const done: TxnWait[] = [];
  for (const w of waits) {
    const log = self.durable.logs[w.key];
    const leading = leaderRole(self, w.key) !== undefined;
    const replicated = leading && log !== undefined && log.highWatermark >= w.requiredOffset;
    if (!replicated && leading && ctx.now() < w.deadlineMs) still.push(w);
    else
      done.push(
        replicated ? w : { ...w, sendMarkers: false, txnOffsets: undefined, reply: failed(w, leading) },
      );
  }
  self.volatile.txnWaits = still;
  for (const w of done) {
    if (w.txnOffsets) {
      const o = w.txnOffsets;
      const byPid = ((self.volatile.txnOffsets ??= {})[o.groupId] ??= {});
      const merged = new Map((byPid[o.producerId] ?? []).map((x) => [tpKey(x.topic, x.partition), x]));
      for (const x of o.offsets) merged.set(tpKey(x.topic, x.partition), x);
      byPid[o.producerId] = [...merged.values()];
    }
    if (w.sendMarkers) sendTxnMarkers(ctx, self, w.transactionalId);
    if (w.reply) ctx.send(w.reply.to, w.reply.kind, w.reply.body, w.reply.inReplyTo);
  }
}

/** Kafka maps a failed or timed-out coordinator write to COORDINATOR_NOT_AVAILABLE (NOT_COORDINATOR if it moved). */
function failed(w: TxnWait, leading: boolean): TxnWait['reply'] {
  if (!w.reply) return undefined;
  const error = leading ? 'COORDINATOR_NOT_AVAILABLE' : 'NOT_COORDINATOR';
  const { to, inReplyTo } = w.reply;
  if (w.reply.kind === 'InitProducerIdResponse')
    return { to, kind: w.reply.kind, body: { error, producerId: -1, producerEpoch: -1 }, inReplyTo };
  return { to, kind: w.reply.kind, body: { error }, inReplyTo };
}

/** Rebuild the transactions stored in one __transaction_state partition (latest value per key). */
export function loadTxns(ctx: NodeContext, self: BrokerNode, partition: number, log: PartitionLog): void {
  const txns = (self.volatile.txns ??= {});
  for (const b of log.batches) {
    for (const r of b.records) {
      if (!r.key?.startsWith('txn:') || r.value === null) continue;
      const id = r.key.slice(4);
      const v = JSON.parse(r.value) as TxnLogValue;
      txns[id] = {
        transactionalId: id,
        txnPartition: partition,
        ...v,
        markersPending: [],
      };
    }
  }
  for (const t of Object.values(txns)) {
    if (t.txnPartition !== partition) continue;
    if (t.state === 'PrepareCommit' || t.state === 'PrepareAbort') {
      // The decision is durable but its markers may not all be written: write them (again).
      t.markersPending = t.partitions.map((p) => tpKey(p.topic, p.partition));
      sendTxnMarkers(ctx, self, t.transactionalId);
    }
  }
}
