/**
 * State of a controller node: a KRaft voter (Raft over the metadata log) that, while it leads,
 * is the active controller. Durable: the Raft epoch, the vote, the log. Everything else is volatile.
 */
import type { RpcKind } from '../protocol/rpc-kinds';
import type { NodeRecord } from '../kernel/kernel';
import type { NodeId } from '../types';
import type { MetadataEntry, MetadataImage } from './metadata';

export type RaftRole = 'unattached' | 'candidate' | 'follower' | 'leader';

export interface ControllerDurable {
  voters: NodeId[];
  /** Raft epoch (term), persisted with the vote as Kafka's quorum-state file does. */
  epoch: number;
  votedFor: NodeId | null;
  log: MetadataEntry[];
}

export interface ParkedFetch {
  from: NodeId;
  requestId: number;
  timerId: number;
  body: FetchRequest;
}

export interface PendingReply {
  /** Reply once the high watermark passes this offset. */
  offset: number;
  to: NodeId;
  kind: RpcKind;
  body: unknown;
  inReplyTo: number;
}

export interface LeaderState {
  /** LEO when this leader took office; the HW may advance only past it. */
  epochStartOffset: number;
  /** Each voter's end offset, from its fetch offset. */
  voterEndOffsets: Record<NodeId, number>;
  lastFetchMs: Record<NodeId, number>;
  parked: ParkedFetch[];
  pendingReplies: PendingReply[];
  /** The image of the whole log, including records not yet committed. */
  working: MetadataImage;
  /** Active controller's broker liveness: last heartbeat per broker id. */
  lastHeartbeatMs: Record<number, number>;
}

export interface ControllerVolatile {
  role: RaftRole;
  leaderId: NodeId | null;
  highWatermark: number;
  /** Image of the committed prefix. */
  committed: MetadataImage;
  /** The election, fetch-timeout or backoff timer. */
  roleTimer: number | null;
  votesGranted: NodeId[];
  electionRetries: number;
  /** Follower: the fetch in flight and its retry timer. */
  fetchInFlight: number | null;
  fetchRetryTimer: number | null;
  lastFetchOkMs: number;
  leader: LeaderState | null;
}

export type ControllerNode = NodeRecord<ControllerDurable, ControllerVolatile> & {
  volatile: ControllerVolatile;
};

// ----- messages -----

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
export interface FetchRequest {
  topic: '__cluster_metadata';
  epoch: number;
  replicaId: NodeId;
  fetchOffset: number;
  lastFetchedEpoch: number;
  observer: boolean;
}
export interface FetchResponse {
  topic: '__cluster_metadata';
  epoch: number;
  leaderId: NodeId | null;
  error?: 'FENCED_LEADER_EPOCH' | 'NOT_LEADER_OR_FOLLOWER';
  records: MetadataEntry[];
  highWatermark: number;
  divergingEpoch?: { epoch: number; endOffset: number };
}
