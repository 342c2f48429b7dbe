/**
 * RangeAssignor (reference §2.1; rack-aware step not modelled). Topic by topic: lay the partitions
 * out in order and the subscribed members in MemberInfo order; each gets floor(n/C) consecutive
 * partitions and the first n%C get one more. Each member's list grows topic by topic, in the order
 * Kafka's `partitionsPerTopic` HashMap visits the topics.
 */
import { emptyAssignment, type AssignmentInput } from './input';
import { sortMembers } from './member-order';
import type { GroupAssignment } from './types';

export function rangeAssign(input: AssignmentInput): GroupAssignment {
  const assignment = emptyAssignment(input);
  for (const topic of input.topics) {
    const consumers = sortMembers(input.members.filter((m) => m.topics.includes(topic)));
    if (consumers.length === 0) continue;
    const n = input.partitions.get(topic)!;
    const perConsumer = Math.floor(n / consumers.length);
    const withExtra = n % consumers.length;
    let next = 0;
    consumers.forEach((c, i) => {
      const count = perConsumer + (i < withExtra ? 1 : 0);
      const list = assignment[c.memberId]!;
      for (let k = 0; k < count; k++) list.push({ topic, partition: next++ });
    });
  }
  return assignment;
}
