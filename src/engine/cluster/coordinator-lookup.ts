/**
 * Finding the group a request is about: whether this broker coordinates it (it leads the group's
 * __consumer_offsets partition), and asking the controller to create __consumer_offsets on first
 * use. Shared by the group and transaction coordinators' services.
 */
import { brokerSetting } from '../config';
import type { ErrorCode } from '../errors';
import { coordinatorPartition } from '../group/java-hash';
import type { NodeContext } from '../kernel/kernel';
import type { CreateInternalTopicRequest } from '../protocol/kraft';

export type { CreateInternalTopicRequest } from '../protocol/kraft';
import type { BrokerNode, Group } from './broker-state';
import { groupFor } from './group-coordinator';
import { OFFSETS_TOPIC } from './group-storage';
import { tpKey } from './partition-log';
import { leaderRole } from './replica-read';

/** Ask the active controller to create __consumer_offsets (offsets.topic.* settings). */
export function requestOffsetsTopic(ctx: NodeContext, self: BrokerNode): void {
  if (self.volatile.offsetsTopicRequested) return;
  self.volatile.offsetsTopicRequested = true;
  const usable = Object.values(self.volatile.image.brokers).filter((b) => !b.fenced).length;
  const req: CreateInternalTopicRequest = {
    name: OFFSETS_TOPIC,
    partitions: brokerSetting(ctx.config, 'offsets.topic.num.partitions'),
    replicationFactor: Math.max(
      1,
      Math.min(brokerSetting(ctx.config, 'offsets.topic.replication.factor'), usable),
    ),
    config: { 'cleanup.policy': 'compact' },
  };
  const target =
    self.volatile.controllerHint ??
    self.durable.voters[self.volatile.voterCursor % self.durable.voters.length]!;
  ctx.send(target, 'CreateTopics', req);
  ctx.setTimer('offsetsTopicRetry', 2000);
}

/** The group's state if this broker is its coordinator, else the error to answer with. */
export function coordinatedGroup(self: BrokerNode, groupId: string): Group | ErrorCode {
  const topic = self.volatile.image.topics[OFFSETS_TOPIC];
  if (!topic) return 'COORDINATOR_NOT_AVAILABLE';
  const partition = coordinatorPartition(groupId, topic.partitions.length);
  if (!leaderRole(self, tpKey(OFFSETS_TOPIC, partition))) return 'NOT_COORDINATOR';
  return groupFor(self, groupId, partition);
}
