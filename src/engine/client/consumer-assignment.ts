/**
 * The assignment side of a rebalance (ConsumerCoordinator): what a member tells the group it
 * subscribes to and owns, what the leader computes with the chosen assignor (reference §2), and
 * how a member takes its new assignment: eagerly (it gave everything up before joining) or
 * cooperatively (it gives up only what it lost, then rejoins at once so the partition can move;
 * reference §2.3, §3.3).
 */
import { assignPartitions, type AssignorMember, type PartitionsPerTopic } from '../group/assignors';
import type { NodeContext } from '../kernel/kernel';
import type { Assignor, JoinGroupResponse, SubscriptionMetadata } from '../protocol/consume';
import type { TopicPartition } from '../types';
import { isCooperative } from './consumer-config';
import { dropPartitions } from './consumer-membership';
import { leaderOf, requestMetadata } from './consumer-metadata';
import { startPosition } from './consumer-positions';
import {
  byTopicPartition,
  newPartitionState,
  tpKey,
  type ConsumerNode,
  type PartitionState,
} from './consumer-state';

/** What this member sends for one protocol in its JoinGroup (ConsumerProtocolSubscription). */
export function subscriptionMetadata(self: ConsumerNode, name: Assignor): SubscriptionMetadata {
  const g = self.volatile.group!;
  const topics = [...(self.durable.subscription ?? [])];
  if (name === 'sticky') {
    // StickyAssignor's userData: the last assignment it received, even if revoked since (eager).
    return {
      topics,
      ownedPartitions: g.lastAssignment.map((tp) => ({ ...tp })),
      generation: g.lastAssignmentGeneration,
    };
  }
  const owned = Object.values(self.volatile.assigned).map((p) => ({
    topic: p.topic,
    partition: p.partition,
  }));
  return { topics, ownedPartitions: owned, generation: g.generation };
}

/**
 * The leader runs the group's assignor over every member's subscription. Returns null while it
 * still waits for the partition counts of some member's topics (it asks Metadata for them).
 */
export function leaderAssignment(
  ctx: NodeContext,
  self: ConsumerNode,
  join: JoinGroupResponse,
): { memberId: string; partitions: TopicPartition[] }[] | null {
  const v = self.volatile;
  const g = v.group!;
  const topics = [...new Set(join.members.flatMap((m) => m.metadata.topics))].sort();
  g.groupTopics = topics;
  if (topics.some((t) => (v.topics[t]?.numPartitions ?? -1) < 0)) {
    requestMetadata(ctx, self);
    return null;
  }
  const partitionsPerTopic: PartitionsPerTopic = Object.fromEntries(
    topics.map((t) => [t, Math.max(0, v.topics[t]!.numPartitions)]),
  );
  const members: AssignorMember[] = join.members.map((m) => ({
    memberId: m.memberId,
    ...(m.groupInstanceId !== null ? { groupInstanceId: m.groupInstanceId } : {}),
    topics: m.metadata.topics,
    ownedPartitions: m.metadata.ownedPartitions,
    generation: m.metadata.generation,
  }));
  const result = assignPartitions(join.protocolName!, partitionsPerTopic, members);
  g.assignedCounts = { ...partitionsPerTopic };
  return join.members.map((m) => ({ memberId: m.memberId, partitions: result[m.memberId] ?? [] }));
}

/**
 * onJoinPrepare after its commit: eager protocols give up every partition before joining; the
 * cooperative one only those of topics no longer subscribed.
 */
export function revokeBeforeJoin(ctx: NodeContext, self: ConsumerNode): void {
  const v = self.volatile;
  const subscribed = new Set(self.durable.subscription ?? []);
  const keys = Object.keys(v.assigned).filter(
    (k) => !isCooperative(self.durable.config) || !subscribed.has(v.assigned[k]!.topic),
  );
  dropPartitions(ctx, self, keys, true);
}

/**
 * onJoinComplete: take the assignment of the new generation. Partitions kept keep their positions;
 * new ones start from the group's committed offsets. Under the cooperative protocol, revoking
 * anything means another member is waiting for it: rejoin at once (the two-phase rebalance).
 */
export function applyAssignment(ctx: NodeContext, self: ConsumerNode, partitions: TopicPartition[]): void {
  const v = self.volatile;
  const g = v.group!;
  const assigned = dedupe(partitions);
  const keys = new Set(assigned.map((tp) => tpKey(tp.topic, tp.partition)));
  const revoked = Object.keys(v.assigned).filter((k) => !keys.has(k));
  dropPartitions(ctx, self, revoked, true);
  if (revoked.length > 0 && isCooperative(self.durable.config)) g.rejoinNeeded = true;
  const added: TopicPartition[] = [];
  const next: Record<string, PartitionState> = {};
  for (const tp of assigned) {
    const key = tpKey(tp.topic, tp.partition);
    const kept = v.assigned[key];
    if (kept) {
      next[key] = kept;
      continue;
    }
    const p = newPartitionState(tp.topic, tp.partition, 'committed');
    next[key] = p;
    added.push(tp);
    startPosition(ctx, self, p);
    if (leaderOf(self, tp.topic, tp.partition) < 0) requestMetadata(ctx, self);
  }
  v.assigned = next;
  g.lastAssignment = assigned.map((tp) => ({ ...tp }));
  g.lastAssignmentGeneration = g.generation;
  g.phase = 'stable';
  g.joinPrepared = false;
  g.lastHeartbeatOkMs = ctx.now();
  // onPartitionsAssigned: the new partitions (all of them under an eager protocol, which owned none).
  ctx.emit('consumer.assigned', {
    consumer: self.durable.name,
    groupId: self.durable.groupId,
    generation: g.generation,
    partitions: added,
  });
}

/** Manual assignment (consumer.assign): no group, no generation, no revocation. */
export function applyManualAssignment(
  ctx: NodeContext,
  self: ConsumerNode,
  partitions: TopicPartition[],
): void {
  const v = self.volatile;
  const assigned = dedupe(partitions);
  const next: Record<string, PartitionState> = {};
  for (const tp of assigned) {
    const key = tpKey(tp.topic, tp.partition);
    const kept = v.assigned[key];
    if (kept) next[key] = kept;
    else {
      const p = newPartitionState(tp.topic, tp.partition, 'committed');
      next[key] = p;
      startPosition(ctx, self, p);
    }
  }
  const gone = Object.keys(v.assigned).filter((k) => !next[k]);
  dropPartitions(ctx, self, gone, false);
  v.assigned = next;
  requestMetadata(ctx, self);
  ctx.emit('consumer.assigned', {
    consumer: self.durable.name,
    groupId: self.durable.groupId,
    generation: -1,
    partitions: assigned,
  });
}

function dedupe(partitions: TopicPartition[]): TopicPartition[] {
  const seen = new Map<string, TopicPartition>();
  for (const tp of partitions)
    seen.set(tpKey(tp.topic, tp.partition), { topic: tp.topic, partition: tp.partition });
  return [...seen.values()].sort(byTopicPartition);
}
