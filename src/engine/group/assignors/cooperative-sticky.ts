/**
 * CooperativeStickyAssignor (reference §2.3): the sticky computation, minus every partition that
 * would change owner in this round. Its old owner sees it missing and revokes it; having revoked
 * something, that member rejoins, and the follow-up rebalance hands the now-free partition to its
 * new owner. Members therefore never stop consuming what they keep (KIP-429).
 */
import type { AssignmentInput } from './input';
import { stickyAssignDetailed, toGroupAssignment } from './sticky';
import { byTopicThenPartition, removeFirst, tpKey } from './topic-partitions';
import type { CooperativeRound, PartitionTransfer, TopicPartition } from './types';

type Transferring = Map<string, { tp: TopicPartition; to: string }>;

export function cooperativeStickyAssign(input: AssignmentInput): CooperativeRound {
  const result = stickyAssignDetailed(input);
  // The constrained path tracks transfers as it goes; for the general path Kafka recomputes them.
  const transferring = result.transferring ?? addedAndRevoked(input, result.assignment);
  for (const { tp, to } of transferring.values()) removeFirst(result.assignment.get(to)!, tp);
  return { assignment: toGroupAssignment(input, result), transfers: describe(input, transferring) };
}

/** Kafka's computePartitionsTransferringOwnership: newly assigned somewhere ∩ revoked somewhere. */
function addedAndRevoked(input: AssignmentInput, assignment: Map<string, TopicPartition[]>): Transferring {
  const added: Transferring = new Map();
  const revoked = new Set<string>();
  for (const [member, assigned] of assignment) {
    const owned = new Set(input.byId.get(member)!.ownedPartitions.map(tpKey));
    const now = new Set(assigned.map(tpKey));
    for (const tp of assigned) if (!owned.has(tpKey(tp))) added.set(tpKey(tp), { tp, to: member });
    for (const key of owned) if (!now.has(key)) revoked.add(key);
  }
  for (const key of added.keys()) if (!revoked.has(key)) added.delete(key);
  return added;
}

function describe(input: AssignmentInput, transferring: Transferring): PartitionTransfer[] {
  const transfers = [...transferring.values()].map(({ tp, to }) => ({
    topic: tp.topic,
    partition: tp.partition,
    from: input.callerOrder.filter(
      (id) => id !== to && input.byId.get(id)!.ownedPartitions.some((o) => tpKey(o) === tpKey(tp)),
    ),
    to,
  }));
  return transfers.sort(byTopicThenPartition);
}
