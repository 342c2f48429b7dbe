/**
 * State of a controller node: a KRaft voter (Raft over the metadata log) that, while it leads,
 * is the active controller. Durable: the Raft epoch, the vote, the log. Everything else is volatile.
 */
import type { RpcReply } from '../protocol/rpc-kinds';
import type { NodeRecord } from '../kernel/kernel';
import type { NodeId } from '../types';
import type { MetadataEntry, MetadataImage } from './metadata';
import type { MetadataFetchRequest, MetadataFetchResponse } from '../protocol/kraft';

// The quorum's wire shapes live in protocol/kraft.ts; these names stay importable from here.
export type { BeginQuorumEpochRequest, VoteRequest, VoteResponse } from '../protocol/kraft';
/** The metadata-log Fetch (named for the quorum code that reads it). */
export type FetchRequest = MetadataFetchRequest;
export type FetchResponse = MetadataFetchResponse;

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

export type PendingReply = RpcReply & {
  /** Reply once the high watermark passes this offset. */
  offset: number;
};

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
