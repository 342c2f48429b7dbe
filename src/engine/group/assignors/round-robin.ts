/**
 * RoundRobinAssignor (reference §2.2). Every partition of every subscribed topic, topics sorted by
 * name, goes to the next member of a circular walk over the members in MemberInfo order, skipping
 * members that do not subscribe to its topic. (KafkaJS's round-robin differs: do not use it as a model.)
 */
import { emptyAssignment, type AssignmentInput } from './input';
import { sortMembers } from './member-order';
import { compareStrings } from './topic-partitions';
import type { GroupAssignment } from './types';

export function roundRobinAssign(input: AssignmentInput): GroupAssignment {
  const assignment = emptyAssignment(input);
  const members = sortMembers(input.members);
  const topics = [...input.topics].sort(compareStrings);
  let cursor = 0;
  for (const topic of topics) {
    const n = input.partitions.get(topic)!;
    for (let partition = 0; partition < n; partition++) {
      // Some member subscribes to `topic` (it is in input.topics), so this stops within one lap.
      while (!members[cursor]!.topics.includes(topic)) cursor = (cursor + 1) % members.length;
      assignment[members[cursor]!.memberId]!.push({ topic, partition });
      cursor = (cursor + 1) % members.length;
    }
  }
  return assignment;
}
