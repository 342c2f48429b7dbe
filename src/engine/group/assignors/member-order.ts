/**
 * Member ordering of Range and RoundRobin (`AbstractPartitionAssignor.MemberInfo.compareTo`):
 * static members (with a `group.instance.id`) first, by instance id, so a static member that
 * restarts with a new member id keeps its place; dynamic members after them, by member id.
 */
import { compareStrings } from './topic-partitions';

export interface MemberInfo {
  memberId: string;
  groupInstanceId?: string | undefined;
}

export function compareMemberInfo(a: MemberInfo, b: MemberInfo): number {
  const ai = a.groupInstanceId;
  const bi = b.groupInstanceId;
  if (ai !== undefined && bi !== undefined) return compareStrings(ai, bi);
  if (ai !== undefined) return -1;
  if (bi !== undefined) return 1;
  return compareStrings(a.memberId, b.memberId);
}

/** A sorted copy; the sort is stable like Java's `Collections.sort`. */
export function sortMembers<T extends MemberInfo>(members: readonly T[]): T[] {
  return [...members].sort(compareMemberInfo);
}
