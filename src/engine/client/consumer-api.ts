/**
 * What the simulated application calls on its KafkaConsumer: subscribe, assign, seek, commit,
 * close. The consumer module has already checked each call against the cluster; these change the
 * node's state and let its next pass do the talking.
 */
import type { NodeContext } from '../kernel/kernel';
import type { SeekTarget, TopicPartition } from '../types';
import { applyManualAssignment } from './consumer-assignment';
import { beginClose } from './consumer-close';
import { consumedOffsets, queueCommit } from './consumer-commits';
import { requestRejoin } from './consumer-membership';
import { requestMetadata } from './consumer-metadata';
import { seek } from './consumer-positions';
import { runConsumer } from './consumer';
import { tpKey, type ConsumerNode } from './consumer-state';

/** subscribe(topics): join the group over these topics; a changed subscription rebalances. */
export function subscribe(ctx: NodeContext, self: ConsumerNode, topics: string[]): void {
  const sorted = [...new Set(topics)].sort();
  const before = self.durable.subscription;
  self.durable.subscription = sorted;
  requestMetadata(ctx, self);
  if (before !== null && before.join(',') !== sorted.join(',')) requestRejoin(ctx, self);
  runConsumer(ctx, self);
}

/** assign(partitions): read exactly these partitions, outside any group membership. */
export function assign(ctx: NodeContext, self: ConsumerNode, partitions: TopicPartition[]): void {
  const { config, groupId } = self.durable;
  // KafkaConsumer.assign commits what was consumed before the assignment changes (asynchronously).
  if (groupId !== null && config.enableAutoCommit) {
    const offsets = consumedOffsets(self);
    if (offsets.length > 0) queueCommit(ctx, self, 'auto', offsets);
  }
  // assign([]) is unsubscribe(): the consumer reads nothing and may subscribe instead.
  self.durable.manual = partitions.length > 0 ? partitions.map((tp) => ({ ...tp })) : null;
  applyManualAssignment(ctx, self, partitions);
  runConsumer(ctx, self);
}

export function seekTo(ctx: NodeContext, self: ConsumerNode, tp: TopicPartition, to: SeekTarget): void {
  const p = self.volatile.assigned[tpKey(tp.topic, tp.partition)];
  if (!p) return; // checked by the command handler
  seek(ctx, self, p, to);
  runConsumer(ctx, self);
}

/** commitSync(): the consumed positions, or the offsets given. */
export function commit(
  ctx: NodeContext,
  self: ConsumerNode,
  offsets?: (TopicPartition & { offset: number })[],
): void {
  queueCommit(ctx, self, 'explicit', offsets ? offsets.map((o) => ({ ...o })) : consumedOffsets(self));
  runConsumer(ctx, self);
}

export function close(ctx: NodeContext, self: ConsumerNode): void {
  beginClose(ctx, self);
  runConsumer(ctx, self);
}
