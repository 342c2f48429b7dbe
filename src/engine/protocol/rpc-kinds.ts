/**
 * The RPC kinds the simulated network carries, derived from the one map of kinds to bodies
 * (rpc-bodies.ts): `RpcKind` is a request or its `…Response`, `RpcBodies[K]` the body a message of
 * kind K carries, `RpcMessageOf<K>` such a message. The kernel's `send` takes a kind with its own
 * body; each request kind names the node kinds that serve it (RPC_SERVERS) and those nodes'
 * handler tables (`RpcHandlers`) must handle it; each has one sentence saying what it is for (the
 * narration a learner reads next to the message), and the UI's legend is a
 * `Record<RpcRequestKind, …>`. A new kind in rpc-bodies.ts fails to compile until all of these
 * have it.
 */
import type { FetchRole, NodeId, NodeKind } from '../types';
import type { RpcBodyMap } from './rpc-bodies';
import { METADATA_TOPIC, type MetadataFetchRequest, type MetadataFetchResponse } from './kraft';
import type { ReplicaFetchRequest, ReplicaFetchResponse } from './produce';

/** A request kind (`Produce`, `Fetch`, `Vote`, …). */
export type RpcRequestKind = keyof RpcBodyMap;
/** Any message on the wire: a request or its response. */
export type RpcKind = RpcRequestKind | `${RpcRequestKind}Response`;
/** The response kind of request kind K. */
export type ResponseKind<K extends RpcRequestKind> = `${K}Response`;

/** The body a message of each kind carries. */
export type RpcBodies = { [K in RpcRequestKind]: RpcBodyMap[K]['request'] } & {
  [K in RpcRequestKind as ResponseKind<K>]: RpcBodyMap[K]['response'];
};
/** Any body on the wire. */
export type RpcBody = RpcBodies[RpcKind];

/** A kind with its body, as data (a reply kept until its write commits, a request to send). */
export type RpcPayload<K extends RpcKind = RpcKind> = { [J in K]: { kind: J; body: RpcBodies[J] } }[K];

/** An answer kept as data until it may go (a write it waits on commits): kind, body, to whom. */
export type RpcReply<K extends RpcKind = RpcKind> = RpcPayload<K> & { to: NodeId; inReplyTo: number };

/** What the network adds to every message. */
export interface RpcEnvelope {
  id: number;
  from: NodeId;
  to: NodeId;
  sentAtMs: number;
  deliverAtMs: number;
  inReplyTo?: number;
}

type RpcMessages = { [K in RpcKind]: RpcEnvelope & { kind: K; body: RpcBodies[K] } };
/** A message of kind K (of any of the kinds in K: a union narrows by `kind`). */
export type RpcMessageOf<K extends RpcKind> = RpcMessages[K];
/** Any message on the wire; `switch (msg.kind)` narrows its body. */
export type AnyRpcMessage = RpcMessages[RpcKind];

/**
 * One handler per kind in Ks. A node kind's table is typed with every request its kind serves
 * (`ServedBy<…>`) plus the responses it acts on, so a missing handler fails to compile.
 */
export type RpcHandlers<Ks extends RpcKind, C, S> = {
  [K in Ks]: (ctx: C, self: S, msg: RpcMessageOf<K>) => void;
};

/**
 * Hands `msg` to its handler in `table`; false if the table has none (a kind this node ignores,
 * like a response nobody waits for).
 */
export function dispatchRpc<Ks extends RpcKind, C, S>(
  table: RpcHandlers<Ks, C, S>,
  ctx: C,
  self: S,
  msg: AnyRpcMessage,
): boolean {
  if (!Object.hasOwn(table, msg.kind)) return false;
  // The table has an entry for msg.kind, and that entry takes messages of exactly that kind; the
  // compiler cannot correlate the looked-up handler with the narrowed message, so say it here once.
  const handler = table[msg.kind as Ks] as (ctx: C, self: S, msg: AnyRpcMessage) => void;
  handler(ctx, self, msg);
  return true;
}

/**
 * A metadata-log Fetch (KRaft's `__cluster_metadata`, sent to a controller) rather than a
 * partition Fetch: told by the body's topic, as Kafka tells them by the partition fetched.
 */
export function isMetadataFetch(
  body: RpcBodies['Fetch'] | RpcBodies['FetchResponse'],
): body is MetadataFetchRequest | MetadataFetchResponse {
  return body.topic === METADATA_TOPIC;
}

/** A Fetch of the metadata log, told by its body. */
export function isMetadataFetchRequest(
  msg: RpcMessageOf<'Fetch'>,
): msg is RpcMessageOf<'Fetch'> & { body: MetadataFetchRequest } {
  return isMetadataFetch(msg.body);
}

/** A Fetch of partitions (a follower's or a consumer's), told by its body. */
export function isPartitionFetchRequest(
  msg: RpcMessageOf<'Fetch'>,
): msg is RpcMessageOf<'Fetch'> & { body: ReplicaFetchRequest } {
  return !isMetadataFetch(msg.body);
}

/** The answer to a metadata-log Fetch, told by its body. */
export function isMetadataFetchResponse(
  msg: RpcMessageOf<'FetchResponse'>,
): msg is RpcMessageOf<'FetchResponse'> & { body: MetadataFetchResponse } {
  return isMetadataFetch(msg.body);
}

/** The answer to a partition Fetch, told by its body. */
export function isPartitionFetchResponse(
  msg: RpcMessageOf<'FetchResponse'>,
): msg is RpcMessageOf<'FetchResponse'> & { body: ReplicaFetchResponse } {
  return !isMetadataFetch(msg.body);
}

/**
 * What a Fetch or its answer does, told by its body (never by who sent it): reads the metadata log
 * (`metadata`), copies partitions to a follower (`replica`, the follower's broker id as `replicaId` ≥ 0)
 * or reads records for a client (`consumer`, `replicaId` -1). A partition FetchResponse does not say who
 * asked, as Kafka's does not, so it goes by its receiver: a broker copies, anything else reads.
 * Undefined for other kinds. The snapshot's messages in flight carry it, so a view drawn after a jump,
 * without the bodies, still tells them apart.
 */
export function fetchRoleOf(kind: string, to: NodeId, body: unknown): FetchRole | undefined {
  if (kind !== 'Fetch' && kind !== 'FetchResponse') return undefined;
  if (isMetadataFetchBody(body)) return 'metadata';
  if (kind === 'FetchResponse') return to.startsWith('broker-') ? 'replica' : 'consumer';
  const replicaId = (body as { replicaId?: unknown } | null)?.replicaId;
  return typeof replicaId === 'number' && replicaId >= 0 ? 'replica' : 'consumer';
}

/** The same test on any body (the UI's messages carry untyped bodies). */
export function isMetadataFetchBody(body: unknown): boolean {
  return typeof body === 'object' && body !== null && (body as { topic?: unknown }).topic === METADATA_TOPIC;
}

/** The node kinds that serve each request kind: each of them must have a handler for it. */
export const RPC_SERVERS = {
  Produce: ['broker'],
  Fetch: ['broker', 'controller'],
  Metadata: ['broker'],
  ListOffsets: ['broker'],
  InitProducerId: ['broker'],
  FindCoordinator: ['broker'],
  JoinGroup: ['broker'],
  SyncGroup: ['broker'],
  Heartbeat: ['broker'],
  LeaveGroup: ['broker'],
  OffsetCommit: ['broker'],
  OffsetFetch: ['broker'],
  AddPartitionsToTxn: ['broker'],
  AddOffsetsToTxn: ['broker'],
  TxnOffsetCommit: ['broker'],
  EndTxn: ['broker'],
  WriteTxnMarkers: ['broker'],
  Vote: ['controller'],
  BeginQuorumEpoch: ['controller'],
  BrokerRegistration: ['controller'],
  BrokerHeartbeat: ['controller'],
  AlterPartition: ['controller'],
  CreateTopics: ['controller'],
  AllocateProducerIds: ['controller'],
  SendMessage: ['queue'],
  ReceiveMessage: ['queue'],
  DeleteMessage: ['queue'],
  RegisterTaskExecutor: ['jobmanager'],
  HeartbeatFromJobManager: ['taskmanager'],
  SubmitTask: ['taskmanager'],
  CancelTask: ['taskmanager'],
  TriggerCheckpoint: ['taskmanager'],
  AcknowledgeCheckpoint: ['jobmanager'],
  NotifyCheckpointComplete: ['taskmanager'],
  Buffer: ['taskmanager'],
  Ping: ['test'],
} as const satisfies Record<RpcRequestKind, readonly NodeKind[]>;

/** The request kinds node kind N serves. */
export type ServedBy<N extends NodeKind> = {
  [K in RpcRequestKind]: N extends (typeof RPC_SERVERS)[K][number] ? K : never;
}[RpcRequestKind];

/**
 * Every request kind with one sentence saying what it is for (the narration a learner reads next
 * to the message).
 */
export const RPC_NARRATION = {
  // Produce and consume (Kafka's client APIs).
  Produce: 'A producer writes record batches to the leader of each partition.',
  Fetch:
    'A follower copies a partition from its leader, a consumer reads records, or a broker reads the metadata log from the active controller.',
  Metadata: 'A client asks a broker which brokers lead which partitions.',
  ListOffsets: 'A consumer asks a leader for the earliest or latest offset (or the one at a timestamp).',
  InitProducerId: 'A producer asks for a producer id and epoch (idempotence and transactions).',
  // Consumer groups.
  FindCoordinator: 'A client asks which broker coordinates its group or transactional id.',
  JoinGroup: 'A consumer joins its group; the coordinator starts or joins a rebalance.',
  SyncGroup: 'Members get their partitions; the group leader sends the assignment it computed.',
  Heartbeat: 'A member tells the coordinator it is alive (and learns of a rebalance).',
  LeaveGroup: 'A member leaves its group, which rebalances without waiting for its session to expire.',
  OffsetCommit: 'A consumer stores its position in __consumer_offsets.',
  OffsetFetch: 'A consumer asks where its group left off.',
  // Transactions.
  AddPartitionsToTxn: 'A transactional producer tells its coordinator which partitions it writes to.',
  AddOffsetsToTxn: "A transactional producer adds its group's offsets to the transaction.",
  TxnOffsetCommit: 'A transactional producer commits consumer offsets inside its transaction.',
  EndTxn: 'A transactional producer asks its coordinator to commit or abort.',
  WriteTxnMarkers:
    'The transaction coordinator writes COMMIT or ABORT markers on every partition of the transaction.',
  // KRaft: the controller quorum and the brokers' membership.
  Vote: 'A controller asks the others to elect it leader of the metadata quorum.',
  BeginQuorumEpoch: 'A newly elected controller tells the other voters it leads this epoch.',
  BrokerRegistration: 'A starting broker registers with the active controller.',
  BrokerHeartbeat: 'A broker tells the active controller it is alive (and is fenced if it stops).',
  AlterPartition: "A partition leader asks the controller to change the partition's in-sync replicas.",
  CreateTopics: 'A broker asks the controller to create an internal topic on first use.',
  AllocateProducerIds: 'A broker asks the controller for a block of producer ids to hand out.',
  // The message queue (src/engine/queue).
  SendMessage: 'A sender puts a message on a queue.',
  ReceiveMessage: 'A worker asks the queue for messages (a long poll); each becomes invisible for a while.',
  DeleteMessage: 'A worker deletes a message it handled: the acknowledgement.',
  // Flink mode (src/engine/flink): the JobManager, the TaskManagers and the data between tasks.
  RegisterTaskExecutor: 'A TaskManager offers its slots to the JobManager.',
  HeartbeatFromJobManager: 'The JobManager checks that a TaskManager is alive.',
  SubmitTask:
    "The JobManager deploys subtasks into a TaskManager's slots (with the state of the checkpoint they restore).",
  CancelTask: 'The JobManager cancels the tasks of a failed attempt before restarting the job.',
  TriggerCheckpoint:
    'The checkpoint coordinator asks the source subtasks to put a checkpoint barrier into their streams.',
  AcknowledgeCheckpoint: 'A subtask has snapshotted its state for a checkpoint (its sink pre-committed).',
  NotifyCheckpointComplete:
    'Every subtask acknowledged: the checkpoint is complete and sinks commit their transactions.',
  Buffer: 'Records, watermarks and checkpoint barriers from one subtask to the next, in order.',
  // Kernel tests.
  Ping: 'A test message between test nodes.',
} as const satisfies Record<RpcRequestKind, string>;

export const RPC_REQUEST_KINDS = Object.keys(RPC_NARRATION) as RpcRequestKind[];

export function isRpcKind(kind: string): kind is RpcKind {
  const base = kind.endsWith('Response') ? kind.slice(0, -'Response'.length) : kind;
  return Object.hasOwn(RPC_NARRATION, base);
}

/** The response kind that answers a request of `kind` (throws for something not on the wire). */
export function responseTo<K extends RpcRequestKind>(kind: K): ResponseKind<K>;
export function responseTo(kind: string): RpcKind;
export function responseTo(kind: string): string {
  const response = `${kind}Response`;
  if (kind.endsWith('Response') || !isRpcKind(response)) throw new Error(`no response kind for ${kind}`);
  return response;
}
