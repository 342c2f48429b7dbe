/**
 * A consumer client's state, as plain data in its node record. Durable: the program (name, group
 * id, config, what it subscribed to or assigned itself); it runs again after a crash. Volatile:
 * everything a dead process forgets (metadata, coordinator, member id and generation, positions,
 * fetched records, requests in flight). A restarted consumer therefore starts again from its
 * group's committed offsets (reference §3.5).
 */
import type { FetchSessionClient } from './fetch-session-handler';
import type { NodeContext, NodeRecord } from '../kernel/kernel';
import type { RpcBodies } from '../protocol/rpc-kinds';
import type { Assignor, JoinGroupResponse } from '../protocol/consume';
import type { NodeId, TopicPartition } from '../types';
import type { ConsumerConfig } from './consumer-config';

export const consumerNodeId = (name: string): NodeId => `consumer:${name}`;

export const tpKey = (topic: string, partition: number): string => `${topic}-${partition}`;

export interface ConsumerDurable {
  name: string;
  groupId: string | null;
  config: ConsumerConfig;
  /** Brokers to ask before the consumer knows any (Kafka's bootstrap.servers). */
  bootstrap: NodeId[];
  /** consumer.subscribe: group membership over these topics (sorted). */
  subscription: string[] | null;
  /** consumer.assign: these partitions, no group membership. */
  manual: TopicPartition[] | null;
  /** Set once close() has finished: the consumer does nothing more, even after a restart. */
  closed: boolean;
}

/** Why a position was set (the consumer.positionSet reasons). */
export type PositionReason = 'seek' | 'committed' | 'reset-earliest' | 'reset-latest' | 'timestamp';

/**
 * What a partition waits for before it can be fetched: its committed offset (OffsetFetch), an
 * offset lookup (ListOffsets), nothing ('ready'), or a seek ('stalled': auto.offset.reset=none).
 */
export type PositionNeed = 'committed' | 'reset' | 'ready' | 'stalled';

export interface PartitionState {
  topic: string;
  partition: number;
  /** Next offset to hand to the application; null until known. */
  position: number | null;
  need: PositionNeed;
  /** The ListOffsets timestamp to look up (-2 earliest, -1 latest, else ms) when need is 'reset'. */
  resetTimestamp: number;
  resetReason: PositionReason;
  /** The OffsetFetch or ListOffsets in flight for this partition; answers to any other are stale. */
  pendingRequest: number | null;
  /** The group's committed offset as this consumer last saw it. */
  committed: number | null;
  /** From the last fetch response (its LSO for read_committed): lag = highWatermark - position. */
  highWatermark: number | null;
  /** A Fetch including this partition is in flight. */
  fetching: boolean;
  /** Fetched records not yet handed out by poll (no new fetch for it meanwhile). */
  buffered: boolean;
  /** Not fetched or looked up again before this time (retry.backoff.ms after an error). */
  retryAtMs: number;
}

/** A record as `consumer.received` carries it. */
export interface ReceivedRecord {
  topic: string;
  partition: number;
  offset: number;
  key: string | null;
  value: string | null;
}

/** Fetched records waiting for poll (Kafka's CompletedFetch). */
export interface BufferedFetch {
  key: string;
  records: ReceivedRecord[];
  /** Index of the next record poll hands out. */
  next: number;
  /** The position the partition must still be at, else a seek made these records stale. */
  expectedPosition: number;
}

export type CommitReason = 'auto' | 'explicit' | 'prepare' | 'close';

export interface CommitJob {
  id: number;
  why: CommitReason;
  offsets: (TopicPartition & { offset: number })[];
  /** A synchronous commit retries retriable errors until this time (default.api.timeout.ms). */
  deadlineMs: number;
}

/** Where the member is in the classic protocol (AbstractCoordinator.MemberState, refined). */
export type GroupPhase = 'idle' | 'preparing' | 'joining' | 'assigning' | 'syncing' | 'stable';

export interface GroupMembership {
  coordinator: { broker: number; node: NodeId } | null;
  coordinatorNotBeforeMs: number;
  /** '' before the coordinator has given one. */
  memberId: string;
  /** -1 outside a generation. */
  generation: number;
  protocol: Assignor | null;
  leaderId: string;
  phase: GroupPhase;
  /** Something asked for a new rebalance (heartbeat, subscription change, cooperative revoke). */
  rejoinNeeded: boolean;
  /** onJoinPrepare ran for the coming join (commit, eager revoke); reset when a join completes. */
  joinPrepared: boolean;
  /** The commit onJoinPrepare waits for. */
  prepareCommit: number | null;
  joinNotBeforeMs: number;
  /** The leader's JoinGroup result while it waits for metadata to run the assignor. */
  pendingAssignment: JoinGroupResponse | null;
  heartbeatTimer: number | null;
  lastHeartbeatOkMs: number;
  /** StickyAssignor's userData: the last assignment and its generation, kept across revocation. */
  lastAssignment: TopicPartition[];
  lastAssignmentGeneration: number;
  /** Topics the leader needs partition counts for (other members' subscriptions). */
  groupTopics: string[];
  /**
   * The leader's partition counts when it last assigned (Kafka's assignmentSnapshot): metadata
   * that differs later (a topic that appeared) makes it rejoin so the group is assigned again.
   */
  assignedCounts: Record<string, number> | null;
  /** A fatal group error: the member stopped taking part. */
  failed: string | null;
}

export interface TopicMeta {
  /** -1 until a Metadata answer; 0 when the cluster says the topic does not exist. */
  numPartitions: number;
  leaders: number[];
  leaderEpochs: number[];
}

export type RequestInfo =
  | { kind: 'Metadata' }
  | { kind: 'FindCoordinator' }
  | { kind: 'JoinGroup' }
  | { kind: 'SyncGroup'; generation: number }
  | { kind: 'Heartbeat'; generation: number }
  | { kind: 'LeaveGroup' }
  | { kind: 'OffsetCommit'; job: CommitJob; generation: number }
  | { kind: 'OffsetFetch' }
  | { kind: 'ListOffsets' }
  | { kind: 'Fetch'; broker: number; offsets: Record<string, number> };

export type RequestKind = RequestInfo['kind'];

export interface Outstanding {
  msgId: number;
  node: NodeId;
  timer: number;
  info: RequestInfo;
}

export interface CloseState {
  phase: 'commit' | 'leave';
  /** The close commit, while it is pending. */
  commit: number | null;
  /** The LeaveGroup in flight. */
  leave: number | null;
}

export interface ConsumerVolatile {
  brokers: Record<number, NodeId>;
  brokerCursor: number;
  topics: Record<string, TopicMeta>;
  metadataNeeded: boolean;
  metadataNotBeforeMs: number;
  /** When the last Metadata answer came (metadata.max.age.ms counts from it; -1: none yet). */
  metadataAnsweredMs: number;
  /** Metadata answers in a row that did not know a subscribed topic (the retry backs off). */
  unknownTopicAnswers: number;
  /** Requests in flight by message id. */
  requests: Record<number, Outstanding>;
  group: GroupMembership | null;
  /** Assigned partitions by tpKey, sorted by topic then partition. */
  assigned: Record<string, PartitionState>;
  buffer: BufferedFetch[];
  /** Fetches in flight per leader broker (at most one each, as Kafka's Fetcher). */
  fetchInFlight: Record<number, boolean>;
  /** The incremental fetch session with each leader broker (fetch-session-handler.ts). */
  fetchSessions?: Record<number, FetchSessionClient>;
  commitQueue: CommitJob[];
  nextCommitId: number;
  /** Synchronous commits pending: the application thread is blocked in commitSync meanwhile. */
  syncCommits: number;
  pollTimer: number | null;
  /** When the last poll() handed records out (Kafka's poll timer starts there). */
  polledAtMs: number;
  /** The simulated application processes the last poll's records until then, outside poll(). */
  busyUntilMs: number;
  /** The auto-commit interval passed while the application was busy: commit at its next poll. */
  autoCommitDue: boolean;
  wakeAtMs: number;
  wakeTimer: number | null;
  closing: CloseState | null;
  received: number;
}

export type ConsumerNode = NodeRecord<ConsumerDurable, ConsumerVolatile> & { volatile: ConsumerVolatile };

export function newMembership(): GroupMembership {
  return {
    coordinator: null,
    coordinatorNotBeforeMs: 0,
    memberId: '',
    generation: -1,
    protocol: null,
    leaderId: '',
    phase: 'idle',
    rejoinNeeded: false,
    joinPrepared: false,
    prepareCommit: null,
    joinNotBeforeMs: 0,
    pendingAssignment: null,
    heartbeatTimer: null,
    lastHeartbeatOkMs: 0,
    lastAssignment: [],
    lastAssignmentGeneration: -1,
    groupTopics: [],
    assignedCounts: null,
    failed: null,
  };
}

export function initialVolatile(durable: ConsumerDurable, brokerCursor: number): ConsumerVolatile {
  return {
    brokers: {},
    brokerCursor,
    topics: {},
    metadataNeeded: false,
    metadataNotBeforeMs: 0,
    metadataAnsweredMs: -1,
    unknownTopicAnswers: 0,
    requests: {},
    group: durable.groupId !== null ? newMembership() : null,
    assigned: {},
    buffer: [],
    fetchInFlight: {},
    commitQueue: [],
    nextCommitId: 1,
    syncCommits: 0,
    pollTimer: null,
    polledAtMs: 0,
    busyUntilMs: 0,
    autoCommitDue: false,
    wakeAtMs: 0,
    wakeTimer: null,
    closing: null,
    received: 0,
  };
}

export function newPartitionState(topic: string, partition: number, need: PositionNeed): PartitionState {
  return {
    topic,
    partition,
    position: null,
    need,
    resetTimestamp: -1,
    resetReason: 'reset-latest',
    pendingRequest: null,
    committed: null,
    highWatermark: null,
    fetching: false,
    buffered: false,
    retryAtMs: 0,
  };
}

export const byTopicPartition = (a: TopicPartition, b: TopicPartition): number =>
  a.topic < b.topic ? -1 : a.topic > b.topic ? 1 : a.partition - b.partition;

/** The assigned partitions, in order. */
export function assignedList(v: ConsumerVolatile): TopicPartition[] {
  return Object.values(v.assigned).map((p) => ({ topic: p.topic, partition: p.partition }));
}

/** Is the simulated application inside a blocking call (commitSync, a rebalance callback, close)? */
export function appBlocked(v: ConsumerVolatile): boolean {
  return v.syncCommits > 0 || v.closing !== null;
}

/**
 * Is the simulated application busy with the records of its last poll? Kafka's classic consumer
 * does its group work (joining, syncing, auto-commit) inside poll(), so all of that waits; the
 * heartbeat thread goes on, and so does a fetch already sent.
 */
export function appBusy(v: ConsumerVolatile, nowMs: number): boolean {
  return nowMs < v.busyUntilMs;
}

/**
 * Make sure the consumer's main pass runs at `atMs` or earlier. One timer at a time: an earlier
 * need replaces a later timer; the pass reschedules whatever is still waiting.
 */
export function wakeAt(ctx: NodeContext, v: ConsumerVolatile, atMs: number): void {
  if (v.wakeTimer !== null) {
    if (v.wakeAtMs <= atMs) return;
    ctx.cancelTimer(v.wakeTimer);
  }
  v.wakeAtMs = atMs;
  v.wakeTimer = ctx.setTimer('wake', Math.max(0, atMs - ctx.now()));
}

/** Send a request with a timeout; the answer or the timeout settles it (see takeRequest). */
export function sendRequest<K extends RequestKind>(
  ctx: NodeContext,
  self: ConsumerNode,
  node: NodeId,
  kind: K,
  body: RpcBodies[K],
  info: RequestInfo,
  timeoutMs = self.durable.config.requestTimeoutMs,
): number {
  const msgId = ctx.send(node, kind, body);
  const timer = ctx.setTimer('requestTimeout', timeoutMs, { msgId });
  self.volatile.requests[msgId] = { msgId, node, timer, info };
  return msgId;
}

/** The request `msgId` is answered or abandoned: forget it. Undefined if it already was. */
export function takeRequest(
  ctx: NodeContext,
  v: ConsumerVolatile,
  msgId: number,
  cancelTimer = true,
): Outstanding | undefined {
  const req = v.requests[msgId];
  if (!req) return undefined;
  delete v.requests[msgId];
  // The timeout's own firing must not cancel it: a cancelled id the scheduler never meets again
  // would stay in the kernel's cancelled set for good.
  if (cancelTimer) ctx.cancelTimer(req.timer);
  return req;
}

export function hasRequest(v: ConsumerVolatile, kind: RequestKind): boolean {
  for (const id in v.requests) if (v.requests[id]!.info.kind === kind) return true;
  return false;
}
