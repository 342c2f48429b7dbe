/**
 * DeleteGroups, as Kafka's group coordinator runs it (GroupMetadataManager / the classic group's
 * validateDeleteGroup): the request goes to the broker leading the group's __consumer_offsets
 * partition; a group with members (any state but Empty or Dead) answers NON_EMPTY_GROUP, an
 * unknown group GROUP_ID_NOT_FOUND. Otherwise the group goes Dead, leaves the coordinator, and
 * tombstones for each committed offset and for the group itself are written to
 * __consumer_offsets, so a coordinator that loads the partition later does not bring it back.
 */
import { EngineError } from '../errors';
import type { Kernel } from '../kernel/kernel';
import type { BrokerDurable, BrokerNode } from '../cluster/broker-state';
import { appendInternal, groupKey, offsetKey, OFFSETS_TOPIC } from '../cluster/group-storage';
import { leaderRole } from '../cluster/replica-manager';
import { tpKey } from '../cluster/partition-log';
import { coordinatorPartition } from '../group/java-hash';

/** The live broker coordinating `groupId`, or a COORDINATOR_NOT_AVAILABLE error. */
function coordinatorOf(kernel: Kernel, groupId: string): BrokerNode {
  for (const n of Object.values(kernel.state.nodes)) {
    if (n.kind !== 'broker' || !n.alive || !n.volatile) continue;
    const b = n as BrokerNode;
    const topic = b.volatile.image.topics[OFFSETS_TOPIC];
    if (!topic || topic.partitions.length === 0) continue;
    const partition = coordinatorPartition(groupId, topic.partitions.length);
    if (leaderRole(b, tpKey(OFFSETS_TOPIC, partition))) return b;
  }
  throw new EngineError('COORDINATOR_NOT_AVAILABLE', 'The coordinator is not available.');
}

/** Check now (nothing changes on failure); the returned function deletes the group. */
export function deleteGroup(kernel: Kernel, groupId: string): () => void {
  const broker = coordinatorOf(kernel, groupId);
  const g = broker.volatile.groups[groupId];
  if (!g) throw new EngineError('GROUP_ID_NOT_FOUND', 'The group id does not exist.');
  if (g.state !== 'Empty' && g.state !== 'Dead') {
    throw new EngineError('NON_EMPTY_GROUP', 'The group is not empty.');
  }
  return () =>
    kernel.invoke<BrokerDurable, BrokerNode['volatile']>(broker.id, (ctx, self) => {
      const group = self.volatile.groups[groupId];
      if (!group) return;
      if (group.timer !== null) ctx.cancelTimer(group.timer);
      const offsets = Object.values(group.offsets);
      if (group.state !== 'Dead') {
        ctx.emit('group.stateChanged', {
          groupId,
          broker: self.durable.brokerId,
          from: group.state,
          to: 'Dead',
          generation: group.generation,
        });
      }
      delete self.volatile.groups[groupId];
      appendInternal(ctx, self, group.offsetsPartition, [
        ...offsets.map((o) => ({ key: offsetKey(groupId, o.topic, o.partition), value: null })),
        { key: groupKey(groupId), value: null },
      ]);
      ctx.emit('group.deleted', { groupId, broker: self.durable.brokerId, offsetsRemoved: offsets.length });
    });
}
