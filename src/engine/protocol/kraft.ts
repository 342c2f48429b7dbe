/**
 * Wire shapes of the KRaft RPCs: the controller quorum's Raft (Vote, BeginQuorumEpoch, the
 * metadata-log Fetch) and the brokers' requests to the active controller (registration,
 * heartbeats, ISR changes, internal topics, producer-id blocks). Plain data; a body is never
 * mutated once sent.
 */
import type { ErrorCode } from '../errors';
import type { NodeId } from '../ids';
import type { MetadataEntry } from '../cluster/metadata';

export const METADATA_TOPIC = '__cluster_metadata';

export interface VoteRequest {
  epoch: number;
  candidateId: NodeId;
  lastEpoch: number;
  lastOffset: number;
}

export interface VoteResponse {
  epoch: number;
  granted: boolean;
  leaderId: NodeId | null;
}

export interface BeginQuorumEpochRequest {
  epoch: number;
  leaderId: NodeId;
}

/**
 * A Fetch of the metadata log (KRaft: followers, observers and brokers fetch `__cluster_metadata`
 * from the active controller). Its `topic` is what tells it apart from a partition Fetch
 * (`ReplicaFetchRequest`, whose `topic` is absent): see `isMetadataFetch`.
 */
export interface MetadataFetchRequest {
  topic: '__cluster_metadata';
  epoch: number;
  replicaId: NodeId;
  fetchOffset: number;
  lastFetchedEpoch: number;
  observer: boolean;
}

/** The answer to a metadata-log Fetch; `topic` tells it apart from a partition FetchResponse. */
export interface MetadataFetchResponse {
  topic: '__cluster_metadata';
  epoch: number;
  leaderId: NodeId | null;
  error?: 'FENCED_LEADER_EPOCH' | 'NOT_LEADER_OR_FOLLOWER';
  records: MetadataEntry[];
  highWatermark: number;
  divergingEpoch?: { epoch: number; endOffset: number };
}

export interface BrokerRegistrationRequest {
  brokerId: number;
  incarnation: number;
}

export interface BrokerHeartbeatRequest {
  brokerId: number;
  brokerEpoch: number;
  currentMetadataOffset: number;
  wantFence: boolean;
}

/** The active controller's answer to BrokerRegistration, BrokerHeartbeat and CreateTopics, and
 * any controller's NOT_CONTROLLER answer to a request only the active controller serves. */
export interface ControllerReply {
  error?: 'NOT_CONTROLLER' | 'STALE_BROKER_EPOCH';
  leaderId: NodeId | null;
  brokerEpoch?: number;
  isFenced?: boolean;
}

export interface AllocateProducerIdsRequest {
  brokerId: number;
  brokerEpoch: number;
}

export interface AllocateProducerIdsResponse {
  error: 'NOT_CONTROLLER' | 'STALE_BROKER_EPOCH' | null;
  leaderId: string | null;
  producerIdStart: number;
  producerIdLen: number;
}

export interface CreateInternalTopicRequest {
  name: string;
  partitions: number;
  replicationFactor: number;
  config: Record<string, string>;
}

export interface AlterPartitionRequest {
  brokerId: number;
  brokerEpoch: number;
  topic: string;
  partition: number;
  leaderEpoch: number;
  partitionEpoch: number;
  newIsr: number[];
  reason: 'isr-shrink' | 'isr-expand';
}

export interface AlterPartitionResponse {
  error: ErrorCode | 'NOT_CONTROLLER' | null;
  leaderId: string | null;
  topic: string;
  partition: number;
  leaderEpoch: number;
  partitionEpoch: number;
  isr: number[];
}

/** A NOT_CONTROLLER answer: the request reached a controller that is not the active one. */
export interface NotControllerReply {
  error: 'NOT_CONTROLLER';
  leaderId: NodeId | null;
}
