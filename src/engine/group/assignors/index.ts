/**
 * The client-side partition assignors of Kafka's classic group protocol, as pure functions
 * (reference §2). `assignPartitions` is part of the engine facade (DESIGN §2.1).
 */
import { assertNever, EngineError } from '../../errors';
import { cooperativeStickyAssign } from './cooperative-sticky';
import { prepareInput } from './input';
import { rangeAssign } from './range';
import { roundRobinAssign } from './round-robin';
import { stickyAssign } from './sticky';
import {
  ASSIGNMENT_STRATEGIES,
  type AssignmentStrategy,
  type AssignorMember,
  type CooperativeRound,
  type GroupAssignment,
  type PartitionsPerTopic,
} from './types';

export * from './types';

export function isAssignmentStrategy(s: unknown): s is AssignmentStrategy {
  return typeof s === 'string' && (ASSIGNMENT_STRATEGIES as readonly string[]).includes(s);
}

/**
 * What Kafka's assignor named `strategy` would give each member, listed in Kafka's order. For
 * 'cooperative-sticky' this is one round: partitions changing owner are left out until the next
 * rebalance (see `cooperativeStickyRound` for which ones). Bad input throws EngineError INVALID_COMMAND.
 */
export function assignPartitions(
  strategy: AssignmentStrategy,
  partitionsPerTopic: PartitionsPerTopic,
  members: readonly AssignorMember[],
): GroupAssignment {
  checkStrategy(strategy);
  const input = prepareInput(partitionsPerTopic, members);
  if (input.members.length === 0) return {};
  switch (strategy) {
    case 'range':
      return rangeAssign(input);
    case 'roundrobin':
      return roundRobinAssign(input);
    case 'sticky':
      return stickyAssign(input);
    case 'cooperative-sticky':
      return cooperativeStickyAssign(input).assignment;
    default:
      return assertNever(strategy, 'assignment strategy');
  }
}

/**
 * One cooperative-sticky rebalance with the partitions in transit: each is revoked by its previous
 * owner after this round and assigned to `to` in the follow-up round.
 */
export function cooperativeStickyRound(
  partitionsPerTopic: PartitionsPerTopic,
  members: readonly AssignorMember[],
): CooperativeRound {
  const input = prepareInput(partitionsPerTopic, members);
  if (input.members.length === 0) return { assignment: {}, transfers: [] };
  return cooperativeStickyAssign(input);
}

function checkStrategy(strategy: unknown): asserts strategy is AssignmentStrategy {
  if (!isAssignmentStrategy(strategy)) {
    throw new EngineError(
      'INVALID_COMMAND',
      `Unknown partition.assignment.strategy ${JSON.stringify(strategy)}; expected one of ${ASSIGNMENT_STRATEGIES.join(', ')}.`,
    );
  }
}
