/**
 * The purgatory's check for `groupWrite` waits (purgatory.ts): writes to __consumer_offsets (offset
 * commits, a rebalance's assignment) that are now replicated take effect and are answered; those
 * that can no longer be (leadership lost, offsets.commit.timeout.ms passed) fail.
 */
import type { NodeContext } from '../kernel/kernel';
import type { BrokerNode, InternalWait } from './broker-state';
import { completeSync, failSync } from './group-coordinator';
import { tpKey } from './partition-log';
import { leaderRole } from './replica-read';

/** Answer internal writes that are now replicated, or that can no longer be. */
export function flushInternalWaits(ctx: NodeContext, self: BrokerNode): void {
  const waits = self.volatile.internalWaits;
  if (waits.length === 0) return;
  const still: InternalWait[] = [];
  for (const w of waits) {
    const log = self.durable.logs[w.key];
    const leading = leaderRole(self, w.key) !== undefined;
    const replicated = leading && log !== undefined && log.highWatermark >= w.requiredOffset;
    if (!replicated && leading && ctx.now() < w.deadlineMs) {
      still.push(w);
      continue;
    }
    if (!replicated) {
      // Kafka maps a failed or timed-out write to COORDINATOR_NOT_AVAILABLE (NOT_COORDINATOR if it moved).
      failWait(ctx, self, w, leading ? 'COORDINATOR_NOT_AVAILABLE' : 'NOT_COORDINATOR');
      continue;
    }
    if (w.commit) {
      const group = self.volatile.groups[w.commit.groupId];
      for (const o of w.commit.offsets) {
        if (group) group.offsets[tpKey(o.topic, o.partition)] = o;
        ctx.emit('group.offsetCommitted', {
          groupId: w.commit.groupId,
          topic: o.topic,
          partition: o.partition,
          offset: o.offset,
        });
      }
    }
    if (w.sync) completeSync(ctx, self, w.sync.groupId, w.sync.generation);
    if (w.reply) ctx.send(w.reply.to, w.reply.kind, w.reply.body, w.reply.inReplyTo);
  }
  self.volatile.internalWaits = still;
}

function failWait(
  ctx: NodeContext,
  self: BrokerNode,
  w: InternalWait,
  error: 'COORDINATOR_NOT_AVAILABLE' | 'NOT_COORDINATOR',
) {
  if (w.sync) failSync(ctx, self, w.sync.groupId, w.sync.generation, error);
  if (!w.reply) return;
  // Every offset of the commit fails with the write's error.
  const offsets = w.commit?.offsets ?? [];
  const body = { partitions: offsets.map((o) => ({ topic: o.topic, partition: o.partition, error })) };
  ctx.send(w.reply.to, w.reply.kind, body, w.reply.inReplyTo);
}
