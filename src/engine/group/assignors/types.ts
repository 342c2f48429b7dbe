/**
 * Shapes shared by the client-side partition assignors (classic group protocol, reference §2).
 * The group leader runs one of these over every member's subscription; the coordinator only relays.
 */
import type { TopicPartition } from '../../types';

export type { TopicPartition };

/** Kafka's protocol names for `partition.assignment.strategy`. */
export type AssignmentStrategy = 'range' | 'roundrobin' | 'sticky' | 'cooperative-sticky';

export const ASSIGNMENT_STRATEGIES: readonly AssignmentStrategy[] = [
  'range',
  'roundrobin',
  'sticky',
  'cooperative-sticky',
];

/** One member's JoinGroup subscription, as the leader sees it. */
export interface AssignorMember {
  memberId: string;
  /** `group.instance.id` of a static member (KIP-345): sorts before dynamic members in range/roundrobin. */
  groupInstanceId?: string;
  topics: string[];
  /** What the member owned before this rebalance (sticky: its userData; cooperative: Subscription v2+). */
  ownedPartitions?: TopicPartition[];
  /** The generation in which it owned them; absent means unknown (Kafka's DEFAULT_GENERATION, -1). */
  generation?: number;
}

export type PartitionsPerTopic = Readonly<Record<string, number>>;

/** Member id → its partitions, in the order Kafka's assignor lists them. */
export type GroupAssignment = Record<string, TopicPartition[]>;

/**
 * A partition the cooperative protocol moves in two rebalances: its previous owners revoke it after
 * this round, and `to` receives it in the follow-up round.
 */
export interface PartitionTransfer extends TopicPartition {
  /** Members that claimed it as owned and lose it (normally one). */
  from: string[];
  to: string;
}

/** One cooperative-sticky rebalance: what each member gets now, and what is still on its way. */
export interface CooperativeRound {
  assignment: GroupAssignment;
  transfers: PartitionTransfer[];
}
