/**
 * StickyAssignor (eager) and the shared core of CooperativeStickyAssignor (reference §2.3): balance
 * first, then keep as many previously owned partitions where they were. Identical subscriptions take
 * the constrained path; anything else the general path.
 */
import { emptyAssignment, type AssignmentInput } from './input';
import { constrainedAssign, type StickyResult } from './sticky-constrained';
import { generalAssign } from './sticky-general';
import { resolveOwnership } from './sticky-ownership';
import type { GroupAssignment } from './types';

export type { StickyResult };

export function stickyAssignDetailed(input: AssignmentInput): StickyResult {
  const ownership = resolveOwnership(input);
  return ownership.allSubscriptionsEqual
    ? constrainedAssign(input, ownership)
    : generalAssign(input, ownership);
}

/** Lists the result in the caller's member order. */
export function toGroupAssignment(input: AssignmentInput, result: StickyResult): GroupAssignment {
  const out = emptyAssignment(input);
  for (const [member, list] of result.assignment) out[member] = list;
  return out;
}

export function stickyAssign(input: AssignmentInput): GroupAssignment {
  return toGroupAssignment(input, stickyAssignDetailed(input));
}
