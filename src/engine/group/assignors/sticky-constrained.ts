/**
 * The sticky assignors' fast path for a group whose members all subscribe to the same topics
 * (`ConstrainedAssignmentBuilder`, reference §2.3; rack-aware steps not modelled).
 *
 * With T partitions and C members everyone ends with minQuota = floor(T/C) or maxQuota = ceil(T/C),
 * and exactly T % C members get maxQuota. Members keep what they owned up to their quota (lowest
 * partition numbers first), then the rest is dealt round-robin to members still below quota.
 * The order in which members are visited (Java HashMap order) decides who keeps maxQuota.
 */
import type { AssignmentInput } from './input';
import type { Ownership } from './sticky-ownership';
import { byPartitionThenTopic, compareStrings, partitionsOf, tpKey } from './topic-partitions';
import type { TopicPartition } from './types';

export interface StickyResult {
  /** Member → partitions, in the order Kafka's builder added them. */
  assignment: Map<string, TopicPartition[]>;
  /**
   * Partition → new owner, for partitions taken from another member (or claimed twice). Kafka
   * computes this only on the constrained path; the general path leaves it null.
   */
  transferring: Map<string, { tp: TopicPartition; to: string }> | null;
}

interface Quota {
  min: number;
  max: number;
  /** How many members end with max (0 when min == max). */
  expectedOver: number;
  currentOver: number;
}

export function constrainedAssign(input: AssignmentInput, ownership: Ownership): StickyResult {
  const total = [...input.partitions.values()].reduce((a, b) => a + b, 0);
  const members = input.members.map((m) => m.memberId);
  const quota: Quota = {
    min: Math.floor(total / members.length),
    max: Math.ceil(total / members.length),
    expectedOver: total % members.length,
    currentOver: 0,
  };
  const assignment = new Map(members.map((id) => [id, [] as TopicPartition[]]));
  const revoked = new Set<string>();
  const kept = new Set<string>();
  const underMin: string[] = [];
  let exactlyMin: string[] = [];

  for (const id of members) {
    const own = ownership.owned
      .get(id)!
      .filter((tp) => !ownership.multiplyClaimed.has(tpKey(tp)))
      .sort(byPartitionThenTopic);
    let keep: number;
    if (own.length < quota.min) {
      keep = own.length;
      underMin.push(id);
    } else if (own.length >= quota.max && quota.currentOver < quota.expectedOver) {
      keep = quota.max;
      quota.currentOver++;
      // Enough members hold maxQuota already: nobody else may grow past minQuota.
      if (quota.currentOver === quota.expectedOver) exactlyMin = [];
    } else {
      keep = quota.min;
      if (quota.currentOver < quota.expectedOver) exactlyMin.push(id);
    }
    own.slice(0, keep).forEach((tp) => {
      assignment.get(id)!.push(tp);
      kept.add(tpKey(tp));
    });
    own.slice(keep).forEach((tp) => revoked.add(tpKey(tp)));
  }

  const unassigned = [...input.topics]
    .sort(compareStrings)
    .flatMap((t) => partitionsOf(t, input.partitions.get(t)!))
    .filter((tp) => !kept.has(tpKey(tp)));
  underMin.sort(compareStrings);
  exactlyMin.sort(compareStrings);

  const transferring = new Map<string, { tp: TopicPartition; to: string }>();
  const give = (tp: TopicPartition, to: string): number => {
    const list = assignment.get(to)!;
    list.push(tp);
    const key = tpKey(tp);
    if (revoked.has(key) || ownership.multiplyClaimed.has(key)) transferring.set(key, { tp, to });
    return list.length;
  };
  dealRoundRobin(unassigned, underMin, exactlyMin, quota, give);
  checkFilled(underMin, assignment, quota);
  return { assignment, transferring };
}

/**
 * Kafka's `assignRoundRobin`: walk the members under minQuota (sorted by id), restarting the walk
 * when it runs out; once nobody is under minQuota, hand single partitions to members at exactly
 * minQuota, in queue order, until the expected number reached maxQuota.
 */
function dealRoundRobin(
  unassigned: TopicPartition[],
  underMin: string[],
  exactlyMin: string[],
  quota: Quota,
  give: (tp: TopicPartition, to: string) => number,
): void {
  let cursor = 0; // the walk over underMin; a member that reaches minQuota leaves it in place
  for (const tp of unassigned) {
    let member: string;
    let fromWalk = true;
    if (cursor < underMin.length) member = underMin[cursor++]!;
    else if (underMin.length === 0 && exactlyMin.length === 0)
      throw new Error('sticky: no unfilled member left');
    else if (underMin.length === 0) {
      member = exactlyMin.shift()!;
      fromWalk = false;
    } else {
      cursor = 0;
      member = underMin[cursor++]!;
    }
    const count = give(tp, member);
    if (count === quota.min && fromWalk) {
      underMin.splice(--cursor, 1);
      exactlyMin.push(member);
    } else if (count === quota.max) {
      quota.currentOver++;
    }
  }
}

/** Kafka's `verifyUnfilledMembers`: a member left under minQuota means the arithmetic went wrong. */
function checkFilled(underMin: string[], assignment: Map<string, TopicPartition[]>, quota: Quota): void {
  if (underMin.length === 0) return;
  if (quota.currentOver !== quota.expectedOver) throw new Error('sticky: too few members reached maxQuota');
  for (const id of underMin) {
    if (assignment.get(id)!.length !== quota.min) throw new Error(`sticky: ${id} did not reach minQuota`);
  }
}
