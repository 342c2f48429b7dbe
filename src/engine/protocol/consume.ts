/**
 * Wire shapes of the consume path (reference §2, §3, §9): coordinator lookup, the classic group
 * protocol, offsets and ListOffsets. Consumers fetch with the replica Fetch request of
 * protocol/produce.ts with `replicaId: -1` (the leader returns data below the high watermark).
 */
import type { ErrorCode } from '../errors';
import type { TopicPartition } from '../types';

export type Assignor = 'range' | 'roundrobin' | 'sticky' | 'cooperative-sticky';

// ----- FindCoordinator -----

export interface FindCoordinatorRequest {
  /** The group id, or the transactional id. */
  key: string;
  keyType: 'GROUP' | 'TRANSACTION';
}

export interface FindCoordinatorResponse {
  error: ErrorCode | null;
  /** Broker id of the coordinator, -1 on error. */
  nodeId: number;
  node: string | null;
}

// ----- JoinGroup -----

/** What a member sends with each protocol it supports (ConsumerProtocolSubscription). */
export interface SubscriptionMetadata {
  topics: string[];
  /** Partitions the member owns now (cooperative and sticky assignors use them). */
  ownedPartitions: TopicPartition[];
  /** The generation those partitions were assigned in, -1 if none. */
  generation: number;
}

export interface JoinGroupRequest {
  groupId: string;
  /** '' on the first join: the coordinator answers MEMBER_ID_REQUIRED with a new id. */
  memberId: string;
  groupInstanceId: string | null;
  clientId: string;
  sessionTimeoutMs: number;
  /** max.poll.interval.ms */
  rebalanceTimeoutMs: number;
  protocolType: 'consumer';
  /** In preference order. */
  protocols: { name: Assignor; metadata: SubscriptionMetadata }[];
}

export interface JoinGroupResponse {
  error: ErrorCode | null;
  generationId: number;
  protocolName: Assignor | null;
  leader: string;
  memberId: string;
  /** Only the leader gets the members and their subscriptions. */
  members: { memberId: string; groupInstanceId: string | null; metadata: SubscriptionMetadata }[];
}

// ----- SyncGroup -----

export interface SyncGroupRequest {
  groupId: string;
  generationId: number;
  memberId: string;
  groupInstanceId: string | null;
  /** Only the leader sends assignments. */
  assignments: { memberId: string; partitions: TopicPartition[] }[];
}

export interface SyncGroupResponse {
  error: ErrorCode | null;
  partitions: TopicPartition[];
}

// ----- Heartbeat, LeaveGroup -----

export interface HeartbeatRequest {
  groupId: string;
  generationId: number;
  memberId: string;
  groupInstanceId: string | null;
}

export interface HeartbeatResponse {
  /** REBALANCE_IN_PROGRESS tells the member to rejoin. */
  error: ErrorCode | null;
}

export interface LeaveGroupRequest {
  groupId: string;
  memberId: string;
  reason: string;
}

export interface LeaveGroupResponse {
  error: ErrorCode | null;
}

// ----- offsets -----

export interface OffsetCommitRequest {
  groupId: string;
  /** -1 with an empty member id for a commit outside a group generation (manual assignment). */
  generationId: number;
  memberId: string;
  groupInstanceId: string | null;
  /** The committed offset is the next offset to read (reference §3.5). */
  offsets: (TopicPartition & { offset: number; metadata: string })[];
}

export interface OffsetCommitResponse {
  partitions: (TopicPartition & { error: ErrorCode | null })[];
}

export interface OffsetFetchRequest {
  groupId: string;
  partitions: TopicPartition[];
}

export interface OffsetFetchResponse {
  error: ErrorCode | null;
  /** offset -1 when the group has no committed offset for the partition. */
  partitions: (TopicPartition & { offset: number; error: ErrorCode | null })[];
}

// ----- ListOffsets -----

/** -2 earliest (log start), -1 latest (HW for consumers), otherwise a timestamp in ms. */
export type ListOffsetsTimestamp = number;

export interface ListOffsetsRequest {
  replicaId: -1;
  isolationLevel: 'read_uncommitted' | 'read_committed';
  partitions: (TopicPartition & { timestamp: ListOffsetsTimestamp })[];
}

export interface ListOffsetsResponse {
  /** offset -1 when no record has a timestamp at or after the one asked (reference §8.5). */
  partitions: (TopicPartition & { error: ErrorCode | null; offset: number; timestamp: number })[];
}
