/**
 * The engine's public data types: commands in, events and snapshots out. Everything here is plain
 * serialisable data, because it crosses the worker boundary and is stored in IndexedDB.
 */

import type { QueueCommandMap, QueueEventMap, QueueSnapshot, ServiceSnapshot } from './queue/queue-types';
import type { ExternalCommandMap, ExternalEventMap } from './external/external-types';
import type { AdminCommandMap, AdminEventMap } from './admin/admin-types';
import type { StreamsAppSnapshot, StreamsCommandMap, StreamsEventMap } from './streams/app-types';
import type { FlinkCommandMap, FlinkEventMap, FlinkSnapshot } from './flink/flink-types';

import type { CommandId, NodeId } from './ids';

export type { CommandId, NodeId } from './ids';
export type NodeKind =
  | 'broker'
  | 'controller'
  | 'producer'
  | 'consumer'
  | 'test'
  | 'queue'
  | 'service'
  /** A real Kafka client through the wire front end (src/engine/external). */
  | 'client'
  /** A Kafka Streams application instance (src/engine/streams, issue 17). */
  | 'streams'
  /** Flink mode (src/engine/flink, issue 17): the JobManager and the TaskManagers. */
  | 'jobmanager'
  | 'taskmanager';

export interface TopicPartition {
  topic: string;
  partition: number;
}

export type ConfigValue = string | number | boolean;

/** A record as a replica's log holds it. */
export interface LogRecord {
  offset: number;
  key: string | null;
  value: string | null;
  /** CreateTime, in virtual ms. */
  timestamp: number;
  leaderEpoch: number;
  headers?: Record<string, string>;
  producerId?: number;
  producerEpoch?: number;
  sequence?: number;
  /** Set on transactional records and on control markers. */
  isTransactional?: boolean;
  /** Control markers (transaction COMMIT/ABORT) are records the application never sees. */
  control?: 'COMMIT' | 'ABORT';
}

export interface NetworkOptions {
  /** Smallest one-way latency of a message, in virtual ms (default 2). */
  latencyMsMin?: number;
  /** Largest one-way latency; each message draws uniformly in [min, max] (default 6). */
  latencyMsMax?: number;
  /** Probability that any one message is lost, 0..1 (default 0). */
  lossRate?: number;
}

export interface SimulationOptions {
  seed: number;
  brokers: number;
  /** Controller quorum voters, run as separate nodes `controller-1..N` (default 3). */
  controllers?: number;
  /** Broker and default topic configs, by Kafka's key names (`replica.lag.time.max.ms`, ...). */
  brokerConfig?: Record<string, ConfigValue>;
  network?: NetworkOptions;
}

// ---------------------------------------------------------------------------------------------
// Commands: imperative, dotted. `dispatch` validates every field before anything happens.

export type SeekTarget = number | 'beginning' | 'end' | { timestampMs: number };

/** Queue commands (src/engine/queue/queue-types.ts) are merged in. */
export interface CommandMap
  extends QueueCommandMap, ExternalCommandMap, AdminCommandMap, StreamsCommandMap, FlinkCommandMap {
  'topic.create': {
    topic: string;
    partitions: number;
    replicationFactor: number;
    config?: Record<string, ConfigValue>;
  };
  'topic.delete': { topic: string };
  'producer.create': { producer: string; config?: Record<string, ConfigValue> };
  'producer.send': {
    producer: string;
    topic: string;
    key: string | null;
    value: string;
    partition?: number;
    headers?: Record<string, string>;
    /** Send a tombstone (a null value; `value` is ignored): on a compacted topic it deletes the key. */
    tombstone?: boolean;
    /** ProducerRecord's timestamp (CreateTime, ms); default: the producer's clock. Event time for streams. */
    timestamp?: number;
  };
  /**
   * A burst: `count` sends of one record, values numbered `value-1` … `value-count`, applied at one
   * instant exactly as `count` producer.send commands would be (each gets its own command id and
   * `command.accepted` event) but kept as one entry of the command log, so a burst stays small in
   * storage, links and files.
   */
  'producer.sendMany': {
    producer: string;
    topic: string;
    key: string | null;
    value: string;
    count: number;
    partition?: number;
    headers?: Record<string, string>;
  };
  /** Transactions (reference §7): a producer with `transactional.id` begins, commits or aborts. */
  'producer.beginTransaction': { producer: string };
  'producer.commitTransaction': { producer: string };
  'producer.abortTransaction': { producer: string };
  /** Consumed offsets committed as part of the transaction (read-process-write). */
  'producer.sendOffsetsToTransaction': {
    producer: string;
    groupId: string;
    offsets: (TopicPartition & { offset: number })[];
    /**
     * The consumer's group metadata (KIP-447, ConsumerGroupMetadata): the coordinator accepts the
     * offsets only from the current generation's member, so a zombie processor is fenced. Either
     * given outright, or `consumer` names a consumer of this simulation whose current metadata is
     * taken at dispatch (what `consumer.groupMetadata()` returns in the same application).
     */
    groupMetadata?: GroupMetadata;
    consumer?: string;
  };
  'consumer.create': { consumer: string; groupId?: string; config?: Record<string, ConfigValue> };
  'consumer.subscribe': { consumer: string; topics: string[] };
  'consumer.assign': { consumer: string; partitions: TopicPartition[] };
  'consumer.seek': { consumer: string; topic: string; partition: number; to: SeekTarget };
  'consumer.commit': { consumer: string; offsets?: (TopicPartition & { offset: number })[] };
  'consumer.close': { consumer: string };
  'consumer.crash': { consumer: string };
  'broker.crash': { broker: number };
  'broker.restart': { broker: number };
  /** Crash or restart any node by id (controllers, clients): the generic form of the above. */
  'node.crash': { node: NodeId };
  'node.restart': { node: NodeId };
  /** Nodes in different sides cannot talk; a node named in no side can still talk to every node. */
  'network.partition': { sides: NodeId[][] };
  /** Cut the link from `from` to `to`; both directions unless `oneWay`. */
  'network.cut': { from: NodeId; to: NodeId; oneWay?: boolean };
  /** Remove every partition and cut. Link latency and loss settings stay. */
  'network.heal': Record<never, never>;
  /** Slow or lossy link, one direction. `latencyMs` replaces the network's latency range. */
  /** `null` puts a setting back to the cluster's normal network (drawn latency, no loss). */
  'link.configure': { from: NodeId; to: NodeId; latencyMs?: number | null; lossRate?: number | null };
}

/** A consumer's ConsumerGroupMetadata (KIP-447). generationId -1 and memberId '': none. */
export interface GroupMetadata {
  generationId: number;
  memberId: string;
  groupInstanceId?: string | null;
}

export type CommandType = keyof CommandMap;
export type Command = { [K in CommandType]: { type: K } & CommandMap[K] }[CommandType];
export type CommandOf<K extends CommandType> = Extract<Command, { type: K }>;

/** One entry of the timed command log: enough to replay a session exactly. */
export interface TimedCommand {
  atMs: number;
  /** How many scheduler entries had been processed when the command was applied. */
  processed: number;
  command: Command;
}

// ---------------------------------------------------------------------------------------------
// Events: past tense, dotted. Every event carries `seq` (1, 2, 3, ...) and `atMs`.

export type DropReason = 'partition' | 'cut' | 'loss' | 'node-down';

/** Queue events (src/engine/queue/queue-types.ts) are merged in. */
export interface EventMap
  extends QueueEventMap, ExternalEventMap, AdminEventMap, StreamsEventMap, FlinkEventMap {
  'command.accepted': { commandId: CommandId; command: Command };
  'rpc.sent': {
    id: number;
    from: NodeId;
    to: NodeId;
    kind: string;
    sentAtMs: number;
    deliverAtMs: number;
    /** The request this message answers, for responses. */
    inReplyTo?: number;
    body: unknown;
  };
  'rpc.delivered': { id: number; from: NodeId; to: NodeId; kind: string };
  'rpc.dropped': { id: number; from: NodeId; to: NodeId; kind: string; reason: DropReason };
  'broker.crashed': { node: NodeId };
  'broker.restarted': { node: NodeId };
  'controller.crashed': { node: NodeId };
  'controller.restarted': { node: NodeId };
  'producer.crashed': { node: NodeId };
  'producer.restarted': { node: NodeId };
  'consumer.crashed': { node: NodeId };
  'consumer.restarted': { node: NodeId };
  'test.crashed': { node: NodeId };
  'test.restarted': { node: NodeId };
  'network.partitioned': { sides: NodeId[][] };
  'network.disconnected': { from: NodeId; to: NodeId; oneWay: boolean };
  'network.healed': Record<string, never>;
  'link.configured': { from: NodeId; to: NodeId; latencyMs?: number | null; lossRate?: number | null };
  // KRaft quorum
  'raft.electionStarted': { node: NodeId; epoch: number };
  'raft.voted': { node: NodeId; candidate: NodeId; epoch: number };
  'raft.leaderElected': { node: NodeId; epoch: number; votes: NodeId[] };
  'raft.resigned': { node: NodeId; epoch: number; reason: 'check-quorum' | 'higher-epoch' };
  'raft.truncated': { node: NodeId; toOffset: number };
  // Committed metadata, narrated once per record by the controller that commits it.
  'broker.registered': { broker: number; brokerEpoch: number };
  'broker.fenced': { broker: number; reason: 'session-timeout' | 'reregistered' };
  'broker.unfenced': { broker: number };
  'topic.created': { topic: string; topicId: string; partitions: number; replicationFactor: number };
  'topic.deleted': { topic: string };
  'partition.changed': {
    topic: string;
    partition: number;
    leader: number;
    leaderEpoch: number;
    isr: number[];
    reason: string;
  };
  // Produce path
  /** A producer.send was accepted by the producer client and placed in a batch. */
  'producer.queued': { commandId: CommandId; producer: string; topic: string; partition: number };
  /**
   * A batch left the producer in a Produce request. Causal ids: `requestId` is the Produce's
   * `rpc.sent` id (and the `partition.appended` that wrote it carries the same id), `batchId` the
   * producer's batch (the same on every retry), `commandIds` the `producer.send` commands whose
   * records it carries (each ends in `producer.acked` or `producer.failed` with its commandId).
   */
  'producer.batchSent': {
    producer: string;
    broker: number;
    topic: string;
    partition: number;
    records: number;
    baseSequence: number;
    attempt: number;
    requestId: number;
    batchId: number;
    commandIds: CommandId[];
  };
  /**
   * The producer closed its connection to a broker (a request had no answer within
   * request.timeout.ms, or the broker was down): every request in flight on it failed with `error`
   * and its batches are retried in sequence order. `answeredButHeld`: answers that had arrived but
   * waited behind the lost one (responses come back in order) and are discarded with the connection.
   */
  'producer.connectionReset': {
    producer: string;
    broker: number;
    error: string;
    requests: number;
    answeredButHeld: number;
  };
  'producer.retryScheduled': {
    producer: string;
    topic: string;
    partition: number;
    error: string;
    attempt: number;
  };
  /** The send is acknowledged (offset -1 with acks=0: the producer never learns it). */
  'producer.acked': {
    commandId: CommandId;
    producer: string;
    topic: string;
    partition: number;
    offset: number;
  };
  'producer.failed': {
    commandId: CommandId;
    producer: string;
    topic: string;
    partition: number;
    error: string;
    message: string;
  };
  'producer.idAssigned': { producer: string; producerId: number; producerEpoch: number };
  /** The leader appended a batch; `requestId` is the id of the Produce request that carried it. */
  'partition.appended': {
    broker: number;
    topic: string;
    partition: number;
    baseOffset: number;
    lastOffset: number;
    leaderEpoch: number;
    producerId: number;
    requestId: number;
  };
  /** A follower copied batches from the leader. */
  'replica.appended': {
    broker: number;
    topic: string;
    partition: number;
    baseOffset: number;
    lastOffset: number;
  };
  'replica.truncated': {
    broker: number;
    topic: string;
    partition: number;
    toOffset: number;
    removed: number;
  };
  /** The leader's high watermark moved (Partition.maybeIncrementLeaderHW): records below it are committed. */
  'partition.highWatermarkMoved': { broker: number; topic: string; partition: number; highWatermark: number };
  /** A follower's high watermark moved: it learned the leader's from a fetch answer (capped at its log end). */
  'replica.highWatermarkMoved': {
    broker: number;
    leader: number;
    topic: string;
    partition: number;
    highWatermark: number;
  };
  /** The leader asked the controller to change the ISR (AlterPartition). */
  'partition.isrProposed': {
    broker: number;
    topic: string;
    partition: number;
    isr: number[];
    reason: 'isr-shrink' | 'isr-expand';
    detail: string;
  };
  /** A retried batch the leader already had was acknowledged without appending it again. */
  'partition.duplicateBatchDetected': {
    broker: number;
    topic: string;
    partition: number;
    producerId: number;
    baseSequence: number;
  };
  // Consume path
  /** Records handed to the application by poll(). */
  'consumer.received': {
    consumer: string;
    records: { topic: string; partition: number; offset: number; key: string | null; value: string | null }[];
  };
  'consumer.assigned': {
    consumer: string;
    groupId: string | null;
    generation: number;
    partitions: TopicPartition[];
  };
  'consumer.revoked': { consumer: string; groupId: string; partitions: TopicPartition[] };
  'consumer.committed': {
    consumer: string;
    groupId: string;
    offsets: (TopicPartition & { offset: number })[];
  };
  'consumer.commitFailed': { consumer: string; groupId: string; error: string; message: string };
  /** The position moved without consuming: seek, reset by auto.offset.reset, or the committed offset. */
  'consumer.positionSet': {
    consumer: string;
    topic: string;
    partition: number;
    offset: number;
    reason: 'seek' | 'committed' | 'reset-earliest' | 'reset-latest' | 'timestamp';
  };
  'consumer.failed': { consumer: string; error: string; message: string };
  /** The application did not poll within max.poll.interval.ms: the member left its group. */
  'consumer.pollTimedOut': {
    consumer: string;
    groupId: string;
    maxPollIntervalMs: number;
    lastPollMs: number;
  };
  'group.stateChanged': {
    groupId: string;
    broker: number;
    from: GroupState;
    to: GroupState;
    generation: number;
  };
  'group.memberJoined': {
    groupId: string;
    memberId: string;
    clientId: string;
    groupInstanceId: string | null;
  };
  'group.memberRemoved': {
    groupId: string;
    memberId: string;
    clientId: string;
    reason: 'session-timeout' | 'left' | 'join-timeout' | 'sync-timeout';
  };
  'group.rebalanced': {
    groupId: string;
    generation: number;
    leader: string;
    protocol: string | null;
    members: string[];
  };
  'group.offsetCommitted': { groupId: string; topic: string; partition: number; offset: number };
  // Log lifecycle
  /** Retention deleted whole segments; the log now starts at logStartOffset. */
  'log.segmentsDeleted': {
    broker: number;
    topic: string;
    partition: number;
    segments: number;
    logStartOffset: number;
    reason: 'retention.ms' | 'retention.bytes' | 'leader-log-start' | 'delete-records';
  };
  /** Compaction cleaned a replica's log: older values of each key (and expired tombstones) are gone. */
  'log.compacted': {
    broker: number;
    topic: string;
    partition: number;
    removed: number;
    tombstonesRemoved: number;
    cleanedUpTo: number;
  };
  // Transactions (reference §7)
  /** The application began a transaction (local to the producer, as in Kafka). */
  'producer.transactionBegun': { producer: string; transactionalId: string };
  /** initTransactions() completed: InitProducerId answered, older instances are fenced. */
  'producer.transactionsInitialized': {
    producer: string;
    transactionalId: string;
    producerId: number;
    producerEpoch: number;
  };
  /**
   * The group coordinator refused sendOffsetsToTransaction's offsets (ILLEGAL_GENERATION,
   * UNKNOWN_MEMBER_ID, FENCED_INSTANCE_ID: Kafka's CommitFailedException). The transaction can
   * only be aborted now; commitTransaction aborts it.
   */
  'producer.transactionOffsetsRejected': {
    producer: string;
    transactionalId: string;
    groupId: string;
    error: string;
  };
  /** EndTxn was accepted: the decision is durable at the coordinator (markers follow). */
  'producer.transactionCommitted': { producer: string; transactionalId: string };
  'producer.transactionAborted': { producer: string; transactionalId: string; reason: string };
  /** A newer instance with the same transactional.id took over: this one can do nothing more. */
  'producer.fenced': { producer: string; transactionalId: string; producerEpoch: number; error: string };
  'transaction.stateChanged': {
    transactionalId: string;
    broker: number;
    from: string;
    to: string;
    producerId: number;
    producerEpoch: number;
  };
  /** The coordinator saw the transaction's first partition. */
  'transaction.begun': { transactionalId: string; broker: number; producerId: number; producerEpoch: number };
  'transaction.committed': TransactionOutcome;
  'transaction.aborted': TransactionOutcome;
  /** A partition leader wrote a COMMIT or ABORT control record (it takes an offset). */
  'partition.markerWritten': {
    broker: number;
    topic: string;
    partition: number;
    offset: number;
    producerId: number;
    producerEpoch: number;
    control: 'COMMIT' | 'ABORT';
  };
  /** Free-form note from a test node; real nodes use their own typed events. */
  'test.noted': { node: NodeId; text: string };
}

export interface TransactionOutcome {
  transactionalId: string;
  broker: number;
  producerId: number;
  producerEpoch: number;
  partitions: TopicPartition[];
  /** 'requested' by the producer, 'timeout' (transaction.timeout.ms) or 'fenced' (a new instance). */
  reason: 'requested' | 'timeout' | 'fenced';
}

export type EventType = keyof EventMap;
export type EngineEvent = {
  [K in EventType]: { seq: number; atMs: number; type: K } & EventMap[K];
}[EventType];
export type EventOf<K extends EventType> = Extract<EngineEvent, { type: K }>;

// ---------------------------------------------------------------------------------------------
// Snapshot: plain JSON, a picture of the whole cluster at one virtual instant.

export interface NodeSnapshot {
  id: NodeId;
  kind: NodeKind;
  alive: boolean;
  /** How many times the node has been (re)started; 1 after the first start. */
  incarnation: number;
}

export interface LinkSnapshot {
  from: NodeId;
  to: NodeId;
  latencyMs?: number;
  lossRate?: number;
}

/**
 * A message on the wire at the snapshot's instant, read from the scheduler: the same fields as its
 * `rpc.sent` event, so a view placed at any playhead (after a seek too) draws exactly what is in
 * flight by interpolating between `sentAtMs` and `deliverAtMs`. `drop`: the network will lose it
 * on arrival (its `rpc.dropped` comes at `deliverAtMs`).
 */
/** What a Fetch or FetchResponse does (see `fetchRoleOf` in protocol/rpc-kinds.ts). */
export type FetchRole = 'metadata' | 'replica' | 'consumer';

export interface InFlightMessage {
  id: number;
  kind: string;
  from: NodeId;
  to: NodeId;
  sentAtMs: number;
  deliverAtMs: number;
  inReplyTo?: number;
  drop?: DropReason;
  /** For a Fetch or FetchResponse: what it does, from its body (see `fetchRoleOf`). */
  fetchRole?: FetchRole;
}

export interface NetworkSnapshot {
  latencyMsMin: number;
  latencyMsMax: number;
  lossRate: number;
  partitionSides: NodeId[][];
  cuts: { from: NodeId; to: NodeId }[];
  links: LinkSnapshot[];
}

export type RaftRoleName = 'unattached' | 'candidate' | 'follower' | 'leader';

export interface ControllerSnapshot {
  id: NodeId;
  alive: boolean;
  /** null while the node is down. */
  role: RaftRoleName | null;
  epoch: number;
  votedFor: NodeId | null;
  leaderId: NodeId | null;
  logEndOffset: number;
  highWatermark: number;
}

export interface QuorumSnapshot {
  /** The active controller: the live leader of the highest epoch, or null. */
  leader: NodeId | null;
  epoch: number;
  voters: ControllerSnapshot[];
  /** End of the committed metadata log (the cluster-wide committed offset). */
  committedOffset: number;
}

export type BrokerState = 'starting' | 'fenced' | 'unfenced' | 'crashed';

export interface BrokerSnapshot {
  id: number;
  node: NodeId;
  alive: boolean;
  state: BrokerState;
  /** From the committed metadata; null before its registration is committed. */
  brokerEpoch: number | null;
  /** Metadata offset the broker has applied. */
  metadataOffset: number | null;
}

export interface ReplicaSnapshot {
  broker: number;
  /** False when the broker is down (its offsets are what it had on disk). */
  alive: boolean;
  logStartOffset: number;
  logEndOffset: number;
  highWatermark: number;
  /** Base offset of each segment, oldest first; the last is the active segment. */
  segmentBaseOffsets: number[];
  /** Last stable offset: read_committed consumers read below it (reference §7.4). */
  lastStableOffset?: number;
  /** Offsets of transaction markers (control records) in the log, for drawing. */
  controlOffsets?: number[];
  /** The newest records (the last 24 offsets), oldest first, for the diagram's cells (issue 16). */
  tail?: RecordTailEntry[];
}

/** One record of a replica's newest records, as the cluster diagram shows it. */
export interface RecordTailEntry {
  offset: number;
  key: string | null;
  /** The value, cut to 120 characters (with "…"): read the log for all of it. */
  value: string | null;
  /** CreateTime, in virtual ms. */
  timestamp: number;
  /** A transaction marker: the application never sees it. */
  control?: 'COMMIT' | 'ABORT';
  /** Data written inside a transaction. */
  transactional?: boolean;
  /** Data of a transaction that was aborted (read_committed consumers skip it). */
  aborted?: boolean;
}

export interface ProducerSnapshot {
  id: string;
  node: NodeId;
  alive: boolean;
  acks: 0 | 1 | 'all';
  idempotent: boolean;
  producerId: number | null;
  /** Records waiting in the accumulator. */
  queued: number;
  /** Batches sent and not yet answered. */
  inFlight: number;
  acked: number;
  failed: number;
  transactionalId?: string | null;
  producerEpoch?: number | null;
  /** The transaction manager's state (Kafka's TransactionManager.State), null if not transactional. */
  transactionState?: ProducerTransactionState | null;
}

export type ProducerTransactionState =
  | 'UNINITIALIZED'
  | 'INITIALIZING'
  | 'READY'
  | 'IN_TRANSACTION'
  | 'COMMITTING_TRANSACTION'
  | 'ABORTING_TRANSACTION'
  | 'ABORTABLE_ERROR'
  | 'FENCED';

/** A transaction as its coordinator holds it. */
export interface TransactionSnapshot {
  transactionalId: string;
  coordinator: number;
  producerId: number;
  producerEpoch: number;
  state: string;
  partitions: TopicPartition[];
  txnStartMs: number;
  timeoutMs: number;
}

export interface PartitionSnapshot {
  partition: number;
  /** -1 when offline. */
  leader: number;
  leaderEpoch: number;
  partitionEpoch: number;
  replicas: number[];
  isr: number[];
  leaderRecoveryState: 'RECOVERED' | 'RECOVERING';
  replicaStates: ReplicaSnapshot[];
}

export interface TopicSnapshot {
  name: string;
  topicId: string;
  config: Record<string, ConfigValue>;
  partitions: PartitionSnapshot[];
}

export type GroupState = 'Empty' | 'PreparingRebalance' | 'CompletingRebalance' | 'Stable' | 'Dead';

export interface ConsumerPartitionSnapshot {
  topic: string;
  partition: number;
  /** Next offset to fetch; null before it is known. */
  position: number | null;
  /** The group's committed offset as the consumer last saw it; null if none. */
  committed: number | null;
  /** High watermark minus position, from the consumer's last fetch; null if unknown. */
  lag: number | null;
}

export interface ConsumerSnapshot {
  id: string;
  node: NodeId;
  alive: boolean;
  groupId: string | null;
  memberId: string | null;
  generation: number;
  /** Where the member is in the group protocol (or 'assigned' for manual assignment). */
  state:
    | 'unsubscribed'
    | 'finding-coordinator'
    | 'joining'
    | 'syncing'
    | 'stable'
    | 'assigned'
    | 'failed'
    | 'closed';
  /** Why the consumer stopped taking part in its group (state 'failed'): Kafka's error name. */
  error: string | null;
  /** The simulated application is processing the last poll's records until then (else null). */
  processingUntilMs: number | null;
  assignment: ConsumerPartitionSnapshot[];
  /** Records handed to the application so far. */
  received: number;
}

export interface GroupMemberSnapshot {
  memberId: string;
  clientId: string;
  groupInstanceId: string | null;
  assignment: TopicPartition[];
}

export interface GroupSnapshot {
  groupId: string;
  /** Broker id of the coordinator. */
  coordinator: number;
  state: GroupState;
  generation: number;
  protocol: string | null;
  leader: string | null;
  members: GroupMemberSnapshot[];
  offsets: (TopicPartition & { offset: number })[];
}

export interface ClusterSnapshot {
  nowMs: number;
  seed: number;
  nodes: NodeSnapshot[];
  network: NetworkSnapshot;
  /** The messages in flight at `nowMs` (sent, not yet delivered or dropped), oldest first. */
  inFlight: InFlightMessage[];
  quorum: QuorumSnapshot;
  brokers: BrokerSnapshot[];
  topics: TopicSnapshot[];
  producers: ProducerSnapshot[];
  consumers: ConsumerSnapshot[];
  groups: GroupSnapshot[];
  /** Transactions, from their coordinators (__transaction_state). */
  transactions?: TransactionSnapshot[];
  /** Message queues (src/engine/queue); set by the queue module, empty when none exist. */
  queues?: QueueSnapshot[];
  /** Queue senders, workers, batch jobs and account services. */
  services?: ServiceSnapshot[];
  /** Kafka Streams applications and their instances (src/engine/streams); absent when none exist. */
  streamsApps?: StreamsAppSnapshot[];
  /** The Flink cluster and its job (src/engine/flink); absent when none was started. */
  flink?: FlinkSnapshot;
}
