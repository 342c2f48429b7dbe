/**
 * KafkaConsumer.close(): commit what was consumed (with auto-commit on), give the partitions up
 * (onPartitionsRevoked), leave the group (dynamic members only; reference §3.4), then stop for good.
 * The simulated application is blocked throughout, so nothing more is fetched or handed out.
 */
import type { NodeContext } from '../kernel/kernel';
import { consumedOffsets, queueCommit } from './consumer-commits';
import { sendLeave } from './consumer-group';
import { dropPartitions, isGroupMember, stableGeneration } from './consumer-membership';
import { takeRequest, wakeAt, type ConsumerNode } from './consumer-state';

export function beginClose(ctx: NodeContext, self: ConsumerNode): void {
  const v = self.volatile;
  const { config, groupId } = self.durable;
  v.closing = { phase: 'commit', commit: null, leave: null };
  // A member in the middle of a rebalance has no generation to commit under (Kafka's close logs it).
  const canCommit =
    groupId !== null && config.enableAutoCommit && (!isGroupMember(self) || stableGeneration(self));
  const offsets = canCommit ? consumedOffsets(self) : [];
  if (offsets.length > 0) v.closing.commit = queueCommit(ctx, self, 'close', offsets).id;
  wakeAt(ctx, v, ctx.now());
}

/** Move the close along once what it waits for (the commit, then LeaveGroup) is settled. */
export function maybeClose(ctx: NodeContext, self: ConsumerNode): void {
  const v = self.volatile;
  const c = v.closing;
  if (!c) return;
  if (c.phase === 'commit') {
    if (c.commit !== null) return;
    c.phase = 'leave';
    if (isGroupMember(self)) dropPartitions(ctx, self, Object.keys(v.assigned), true);
    c.leave = sendLeave(ctx, self);
  }
  if (c.leave !== null && v.requests[c.leave]) return;
  finishClose(ctx, self);
}

function finishClose(ctx: NodeContext, self: ConsumerNode): void {
  const v = self.volatile;
  for (const id of Object.keys(v.requests)) takeRequest(ctx, v, Number(id));
  if (v.group?.heartbeatTimer != null) ctx.cancelTimer(v.group.heartbeatTimer);
  if (v.wakeTimer !== null) ctx.cancelTimer(v.wakeTimer);
  if (v.pollTimer !== null) ctx.cancelTimer(v.pollTimer);
  v.assigned = {};
  v.buffer = [];
  v.commitQueue = [];
  v.closing = null;
  v.wakeTimer = null;
  v.pollTimer = null;
  if (v.group) v.group.heartbeatTimer = null;
  self.durable.closed = true;
}
