/**
 * The first pass of both sticky assignors (`AbstractStickyAssignor.allSubscriptionsEqual`, §2.3):
 * decide whether every member subscribes to the same topics, and which previously owned partitions
 * each member may keep a claim on.
 *
 * - A partition of a topic that no longer exists (or is no longer subscribed by anyone) is dropped.
 * - Two claims in the same generation cancel: the partition is treated as unowned and remembered in
 *   `multiplyClaimed` (moving it counts as a transfer).
 * - Claims in different generations: the higher generation wins.
 * Members are visited in Java HashMap order, which decides the outcome when three claims mix.
 */
import type { AssignmentInput } from './input';
import { removeFirst, tpKey } from './topic-partitions';
import type { TopicPartition } from './types';

/** Kafka's DEFAULT_GENERATION: the member did not say. */
export const NO_GENERATION = -1;

export interface Ownership {
  allSubscriptionsEqual: boolean;
  /** Member → the owned partitions it keeps a claim on, in the order it listed them. */
  owned: Map<string, TopicPartition[]>;
  multiplyClaimed: Set<string>;
  maxGeneration: number;
}

export function resolveOwnership(input: AssignmentInput): Ownership {
  const owned = new Map<string, TopicPartition[]>();
  const multiplyClaimed = new Set<string>();
  const claimedBy = new Map<string, string>();
  const generationOf = (id: string): number => input.byId.get(id)?.generation ?? NO_GENERATION;
  let reference: Set<string> | undefined;
  let allSubscriptionsEqual = true;
  let maxGeneration = NO_GENERATION;

  for (const member of input.members) {
    // Deviation: Kafka takes the first *non-empty* subscription as the reference; a member with no
    // topics cannot be in a real group, and comparing from the first member keeps such input sane.
    if (reference === undefined) reference = new Set(member.topics);
    else if (member.topics.length !== reference.size || !member.topics.every((t) => reference!.has(t))) {
      allSubscriptionsEqual = false;
    }
    const generation = generationOf(member.memberId);
    maxGeneration = Math.max(maxGeneration, generation);
    const list: TopicPartition[] = [];
    owned.set(member.memberId, list);
    for (const tp of member.ownedPartitions) {
      // Deviation: partitions beyond the topic's count are dropped too (Kafka assumes they cannot occur).
      const count = input.partitions.get(tp.topic);
      if (count === undefined || tp.partition >= count) continue;
      const key = tpKey(tp);
      const other = claimedBy.get(key);
      if (other === undefined) {
        list.push(tp);
        claimedBy.set(key, member.memberId);
        continue;
      }
      const otherGeneration = generationOf(other);
      if (generation === otherGeneration) {
        multiplyClaimed.add(key);
        removeFirst(owned.get(other)!, tp);
        claimedBy.set(key, member.memberId);
      } else if (generation > otherGeneration) {
        list.push(tp);
        removeFirst(owned.get(other)!, tp);
        claimedBy.set(key, member.memberId);
      }
    }
  }
  return { allSubscriptionsEqual, owned, multiplyClaimed, maxGeneration };
}
