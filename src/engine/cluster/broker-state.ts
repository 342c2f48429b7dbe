import type { NodeRecord } from '../kernel/kernel';
import type { RpcReply } from '../protocol/rpc-kinds';
import type { Acks, ProducePartitionResponse, ReplicaFetchRequest } from '../protocol/produce';
import type { NodeId } from '../types';
import type { MetadataEntry, MetadataImage } from './metadata';
import type { GroupState } from '../types';
import type { Assignor, SubscriptionMetadata } from '../protocol/consume';
import type { PartitionLog } from './partition-log';
import type { TxnState } from '../protocol/txn';
import type { FetchContext, FetchSessionCache } from './fetch-session-types';
import type { FetchSessionClient } from '../client/fetch-session-handler';

export interface BrokerDurable {
  brokerId: number;
  voters: NodeId[];
  /** The committed metadata log as this broker fetched it (brokers persist it, as Kafka's do). */
  metadataLog: MetadataEntry[];
  /** Partition replicas on this broker's disk, by `topic-partition`. */
  logs: Record<string, PartitionLog>;
  /** The last fetch session id handed out (cluster/fetch-session.ts): ids never repeat, even after a restart. */
  fetchSessionIdSeq?: number;
}

/** The leader's view of one follower (Replica.scala). */
export interface FollowerProgress {
  /** Log end offset, from the follower's fetch offset; -1 until it fetches. */
  leo: number;
  lastCaughtUpMs: number;
  lastFetchLeaderLeo: number;
  lastFetchMs: number;
}

export interface LeaderRole {
  role: 'leader';
  leaderEpoch: number;
  partitionEpoch: number;
  replicas: number[];
  /** The committed ISR. */
  isr: number[];
  /** ISR proposed in an AlterPartition that has not been answered yet. */
  pendingIsr: number[] | null;
  followers: Record<number, FollowerProgress>;
}

export interface FollowerRole {
  role: 'follower';
  leader: number;
  leaderEpoch: number;
}

export type PartitionRole = LeaderRole | FollowerRole;

export interface DelayedProduce {
  from: NodeId;
  requestId: number;
  timerId: number;
  results: ProducePartitionResponse[];
  /** Partitions still waiting for the HW to pass `requiredOffset`. */
  waiting: { topic: string; partition: number; requiredOffset: number; index: number }[];
  acks: Acks;
  /** The answer's message kind (WriteTxnMarkers waits for replication the same way). */
  responseKind?: 'ProduceResponse' | 'WriteTxnMarkersResponse';
}

export interface ParkedFetch {
  from: NodeId;
  requestId: number;
  timerId: number;
  body: ReplicaFetchRequest;
  /** Each partition's leader epoch when the fetch was parked: a change completes it. */
  leaderEpochs?: number[];
  /** How the fetch is answered (fetch sessions); absent: sessionless. */
  fetchContext?: FetchContext;
}

export interface FetcherState {
  inFlight: number | null;
  sentAtMs: number;
  timer: number | null;
  consecutiveTimeouts: number;
  lastRttMs: number;
  /**
   * Partitions whose last answer was an error wait replica.fetch.backoff.ms before this fetcher
   * asks for them again (AbstractFetcherThread.delayPartitions); a new leader epoch ends the wait.
   */
  delayed?: Record<string, { untilMs: number; leaderEpoch: number }>;
  /** When a backoff timer is already due to wake this fetcher (-1: none). */
  backoffAtMs?: number;
  /** This fetcher's fetch session with the leader (client/fetch-session-handler.ts). */
  session?: FetchSessionClient;
}

export interface BrokerVolatile {
  /** The broker's view of the cluster: its metadata log applied in order. */
  image: MetadataImage;
  /** Broker epoch from the registration response; null until registered. */
  brokerEpoch: number | null;
  /** As last reported by the active controller. */
  fenced: boolean;
  /** The replica manager starts acting on metadata once the broker has been unfenced. */
  serving: boolean;
  /** Where the active controller is thought to be; null means "try the next voter". */
  controllerHint: NodeId | null;
  voterCursor: number;
  metadataFetch: number | null;
  metadataFetchTimer: number | null;
  /** Metadata fetches in a row that got no answer: each doubles the wait (a slow link is waited for). */
  metadataFetchTimeouts: number;
  /** When the metadata fetch in flight was sent. */
  metadataFetchSentAtMs: number;
  /** This broker's role for each partition it hosts. */
  roles: Record<string, PartitionRole>;
  delayedProduces: DelayedProduce[];
  parkedFetches: ParkedFetch[];
  /** Replica fetchers, one per leader broker. */
  fetchers: Record<number, FetcherState>;
  /** Incremental fetch sessions this broker leads (created on first use). */
  fetchSessions?: FetchSessionCache;
  /** AlterPartition requests in flight, by request id. */
  alterInFlight: Record<number, string>;
  producerIdBlock: { next: number; end: number } | null;
  producerIdWaiters: {
    from: NodeId;
    requestId: number;
    txn?: { transactionalId: string; timeoutMs: number };
  }[];
  producerIdRequested: boolean;
  /** Groups this broker coordinates (it leads their __consumer_offsets partition). */
  groups: Record<string, Group>;
  internalWaits: InternalWait[];
  /** A request to create __consumer_offsets is in flight. */
  offsetsTopicRequested: boolean;
  /** Transactions this broker coordinates (it leads their __transaction_state partition). */
  txns?: Record<string, TxnMetadata>;
  /** Writes to __transaction_state (and transactional offset commits) waiting to be replicated. */
  txnWaits?: TxnWait[];
  /** WriteTxnMarkers in flight, by request id. */
  txnMarkerRequests?: Record<number, { transactionalId: string; partitions: string[]; sentAtMs: number }>;
  /** Offsets committed inside open transactions: groupId -> producerId -> offsets (reference §7.3). */
  txnOffsets?: Record<string, Record<number, { topic: string; partition: number; offset: number }[]>>;
  txnTopicRequested?: boolean;
  txnTickScheduled?: boolean;
}

/** A transaction as its coordinator holds it (TransactionMetadata, reference §7.2). */
export interface TxnMetadata {
  transactionalId: string;
  /** The __transaction_state partition that stores it. */
  txnPartition: number;
  producerId: number;
  producerEpoch: number;
  timeoutMs: number;
  state: TxnState;
  partitions: { topic: string; partition: number }[];
  /** When the first partition was added (the transaction timeout counts from here); -1 if none. */
  txnStartMs: number;
  /** Prepare*: partitions (topic-partition keys) whose marker is not written yet. */
  markersPending: string[];
  /** Why it is being aborted, for the trace. */
  abortReason?: 'requested' | 'timeout' | 'fenced';
}

/** The answers a transaction coordinator sends once its __transaction_state write commits. */
export type TxnReplyKind =
  | 'InitProducerIdResponse'
  | 'EndTxnResponse'
  | 'AddPartitionsToTxnResponse'
  | 'AddOffsetsToTxnResponse'
  | 'TxnOffsetCommitResponse';

/** A write to an internal log the coordinator waits on; what happens then is data, not a closure. */
export interface TxnWait {
  key: string;
  requiredOffset: number;
  deadlineMs: number;
  transactionalId: string;
  reply?: RpcReply<TxnReplyKind>;
  /** Once replicated: send the markers of a Prepare* transaction. */
  sendMarkers?: boolean;
  /** Once replicated: these transactional offsets are pending in the group until the marker. */
  txnOffsets?: {
    groupId: string;
    producerId: number;
    offsets: { topic: string; partition: number; offset: number }[];
  };
}

export interface GroupMember {
  memberId: string;
  groupInstanceId: string | null;
  clientId: string;
  /** Node the member talks from (for parked replies). */
  node: NodeId;
  sessionTimeoutMs: number;
  rebalanceTimeoutMs: number;
  protocols: { name: Assignor; metadata: SubscriptionMetadata }[];
  assignment: { topic: string; partition: number }[];
  /** A JoinGroup waiting for the join phase to complete (request id). */
  awaitingJoin: number | null;
  /** A SyncGroup waiting for the leader's assignment (request id). */
  awaitingSync: number | null;
  lastHeartbeatMs: number;
  /** Joined in the current rebalance and never completed one. */
  isNew: boolean;
}

/** A consumer group as its coordinator holds it (ClassicGroup). */
export interface Group {
  groupId: string;
  /** The __consumer_offsets partition that stores it. */
  offsetsPartition: number;
  state: GroupState;
  generation: number;
  protocol: Assignor | null;
  leader: string | null;
  members: Record<string, GroupMember>;
  /** Member ids handed out with MEMBER_ID_REQUIRED that have not joined yet, with when. */
  pending: Record<string, number>;
  /** The current join/sync deadline timer; a fired timer that is not this one is stale. */
  timer: number | null;
  /** Initial rebalance (from Empty): how much delay budget is left. */
  initialDelayRemainingMs: number | null;
  /** A new member joined during the current initial delay (then the delay is extended). */
  joinedDuringDelay: boolean;
  /** Committed offsets by `topic-partition`. */
  offsets: Record<string, { topic: string; partition: number; offset: number; metadata: string }>;
}

/**
 * An internal write (offsets, group metadata) waiting to be replicated; then, or when it cannot be
 * (deadline offsets.commit.timeout.ms, or leadership lost), its reply or completion runs.
 */
export interface InternalWait {
  key: string;
  requiredOffset: number;
  deadlineMs: number;
  reply?: RpcReply<'OffsetCommitResponse'>;
  /** Offsets to make visible in the group once the write commits. */
  commit?: {
    groupId: string;
    offsets: { topic: string; partition: number; offset: number; metadata: string }[];
  };
  /** A rebalance's assignment being persisted: the group goes Stable once it commits. */
  sync?: { groupId: string; generation: number };
}

export type BrokerNode = NodeRecord<BrokerDurable, BrokerVolatile> & { volatile: BrokerVolatile };
