/**
 * A broker node, the cluster-membership half: it registers with the active controller, heartbeats,
 * and follows the metadata log as a Raft observer, applying committed records to its image.
 * (Replication of partition data is added by the replica manager.)
 */
import {
  dispatchRpc,
  isMetadataFetchResponse,
  isPartitionFetchRequest,
  isPartitionFetchResponse,
  responseTo,
  type RpcHandlers,
  type RpcMessageOf,
  type ServedBy,
} from '../protocol/rpc-kinds';
import { brokerSetting, topicSetting } from '../config';
import { retentionToApply } from './log-retention';
import { completeParkedFetches } from './delayed-fetch';
import { flushInternalWaits } from './group-writes';
import { checkPurgatory, registerPurgatory } from './purgatory';
import { flushTxnWaits } from './txn-writes';
import { deleteSegmentsBefore } from './partition-log';
import type { TimerOf } from '../protocol/timer-kinds';
import type { NodeBehaviour, NodeContext, RpcMessage } from '../kernel/kernel';
import type { NodeId } from '../types';
import type { BrokerDurable, BrokerNode, BrokerVolatile } from './broker-state';
import {
  handleInitProducerId,
  handleMetadata,
  onAllocateProducerIdsResponse,
  onAllocateProducerIdsRetry,
} from './broker-services';
import { applyRoles } from './replica-roles';
import {
  abortTimedOutTransactions,
  handleAddOffsetsToTxn,
  handleAddPartitionsToTxn,
  handleEndTxn,
  handleTxnOffsetCommit,
  onTxnTick,
  onWriteTxnMarkersFailed,
  onWriteTxnMarkersResponse,
} from './txn-coordinator';
import { handleWriteTxnMarkers } from './txn-markers';
import { runLogCleaner } from './log-cleaner';
import {
  coordinatedGroup,
  handleFindCoordinator,
  handleListOffsets,
  handleOffsetCommit,
  handleOffsetFetch,
} from './coordinator-services';
import {
  expireMembers,
  handleHeartbeat,
  handleJoinGroup,
  handleLeaveGroup,
  handleSyncGroup,
  onGroupTimer,
} from './group-coordinator';
import { onReplicaFetchResponse, onReplicaFetchTimeout, sendReplicaFetch } from './replica-fetcher';
import {
  checkIsr,
  completeDelayedProduces,
  handleFetch,
  handleProduce,
  onAlterPartitionResponse,
  onAlterPartitionTimeout,
  onFetchWait,
  onProduceTimeout,
} from './replica-manager';
import type { BrokerHeartbeatRequest, BrokerRegistrationRequest, ControllerReply } from './controller';
import type { FetchRequest, FetchResponse } from './controller-state';
import { applyRecord, buildImage } from './metadata';
import { FETCH_MAX_WAIT_MS } from './raft';

// The broker owns the purgatory's completion checks, one per kind of wait (purgatory.ts): the
// replica manager's and the coordinators' waits complete through it without importing each other.
registerPurgatory({
  produce: completeDelayedProduces,
  groupWrite: flushInternalWaits,
  txnWrite: flushTxnWaits,
  fetch: completeParkedFetches,
});

/** Retry delay when no controller answers (Kafka retries with a short backoff). */
const RETRY_BACKOFF_MS = 100;
/** Retry delay for a registration that reached a controller that is not the leader. */
const REGISTER_RETRY_MS = 250;
/** How often the coordinator looks for members whose session expired. */
const GROUP_TICK_MS = 500;

/** Each replica applies retention to its own logs, with its own high watermark. */
function applyRetention(ctx: NodeContext, self: BrokerNode): void {
  for (const log of Object.values(self.durable.logs)) {
    const config = self.volatile.image.topics[log.topic]?.config ?? {};
    const r = retentionToApply(log, ctx.now(), {
      cleanupPolicy: topicSetting(ctx.config, config, 'cleanup.policy'),
      retentionMs: topicSetting(ctx.config, config, 'retention.ms'),
      retentionBytes: topicSetting(ctx.config, config, 'retention.bytes'),
    });
    if (!r) continue;
    deleteSegmentsBefore(log, r.newLogStartOffset);
    ctx.emit('log.segmentsDeleted', {
      broker: self.durable.brokerId,
      topic: log.topic,
      partition: log.partition,
      segments: r.segments,
      logStartOffset: log.logStartOffset,
      reason: r.reason,
    });
  }
}

type GroupRequestKind = 'JoinGroup' | 'SyncGroup' | 'Heartbeat' | 'LeaveGroup';

/** Group requests go to the group's state if this broker coordinates it; else the error goes back. */
function routeGroupRequest(ctx: NodeContext, self: BrokerNode, msg: RpcMessageOf<GroupRequestKind>): void {
  const g = coordinatedGroup(self, msg.body.groupId);
  if (typeof g === 'string') {
    const kind = responseTo(msg.kind);
    const extra =
      msg.kind === 'SyncGroup'
        ? { partitions: [] }
        : msg.kind === 'JoinGroup'
          ? { generationId: -1, protocolName: null, leader: '', memberId: '', members: [] }
          : {};
    ctx.send(msg.from, kind, { error: g, ...extra }, msg.id);
    return;
  }
  switch (msg.kind) {
    case 'JoinGroup':
      return handleJoinGroup(ctx, self, msg, g);
    case 'SyncGroup':
      return handleSyncGroup(ctx, self, msg, g);
    case 'Heartbeat':
      return handleHeartbeat(ctx, self, msg, g);
    case 'LeaveGroup':
      return handleLeaveGroup(ctx, self, msg, g);
  }
}

function controllerTarget(self: BrokerNode): NodeId {
  const v = self.volatile;
  return v.controllerHint ?? self.durable.voters[v.voterCursor % self.durable.voters.length]!;
}

/** The controller did not answer or is not the leader: follow its hint or try the next voter. */
function redirect(self: BrokerNode, hint: NodeId | null): void {
  if (hint && hint !== self.volatile.controllerHint) {
    self.volatile.controllerHint = hint;
  } else {
    self.volatile.controllerHint = null;
    self.volatile.voterCursor++;
  }
}

function register(ctx: NodeContext, self: BrokerNode): void {
  const req: BrokerRegistrationRequest = { brokerId: self.durable.brokerId, incarnation: self.incarnation };
  ctx.send(controllerTarget(self), 'BrokerRegistration', req);
}

function heartbeat(ctx: NodeContext, self: BrokerNode): void {
  if (self.volatile.brokerEpoch === null) return register(ctx, self);
  const req: BrokerHeartbeatRequest = {
    brokerId: self.durable.brokerId,
    brokerEpoch: self.volatile.brokerEpoch,
    currentMetadataOffset: self.volatile.image.nextOffset,
    wantFence: false,
  };
  ctx.send(controllerTarget(self), 'BrokerHeartbeat', req);
}

function fetchMetadata(ctx: NodeContext, self: BrokerNode): void {
  const log = self.durable.metadataLog;
  const req: FetchRequest = {
    topic: '__cluster_metadata',
    epoch: 0,
    replicaId: self.id,
    fetchOffset: log.length,
    lastFetchedEpoch: log.at(-1)?.epoch ?? 0,
    observer: true,
  };
  const v = self.volatile;
  v.metadataFetch = ctx.send(controllerTarget(self), 'Fetch', req);
  v.metadataFetchSentAtMs = ctx.now();
  if (v.metadataFetchTimer !== null) ctx.cancelTimer(v.metadataFetchTimer);
  const waitMs = Math.min(30_000, FETCH_MAX_WAIT_MS * 2 * 2 ** v.metadataFetchTimeouts);
  v.metadataFetchTimer = ctx.setTimer('metadataFetchRetry', waitMs);
}

function onMetadataFetchResponse(ctx: NodeContext, self: BrokerNode, msg: RpcMessage<FetchResponse>): void {
  const v = self.volatile;
  if (msg.inReplyTo !== v.metadataFetch) return;
  if (v.metadataFetchTimer !== null) ctx.cancelTimer(v.metadataFetchTimer);
  v.metadataFetchTimer = null;
  v.metadataFetch = null;
  v.metadataFetchTimeouts = 0;
  const res = msg.body;
  if (res.error) {
    redirect(self, res.leaderId);
    v.metadataFetchTimer = ctx.setTimer('metadataFetchRetry', RETRY_BACKOFF_MS);
    return;
  }
  const log = self.durable.metadataLog;
  let changed = false;
  for (const e of res.records) {
    if (e.offset !== log.length) continue;
    log.push(e);
    applyRecord(v.image, e);
    changed = true;
  }
  if (changed) applyRoles(ctx, self);
  fetchMetadata(ctx, self);
}

function onControllerReply(ctx: NodeContext, self: BrokerNode, msg: RpcMessage<ControllerReply>): void {
  const res = msg.body;
  const v = self.volatile;
  if (res.error === 'NOT_CONTROLLER') {
    redirect(self, res.leaderId);
    // Not registered yet: ask again soon rather than at the next heartbeat.
    if (v.brokerEpoch === null) ctx.setTimer('registerRetry', REGISTER_RETRY_MS);
    return;
  }
  v.controllerHint = msg.from;
  // The controller answers again after metadata fetches timed out. If the fetch in flight should
  // have been answered by now at this link's speed, it was lost (a healed partition): ask again now
  // instead of waiting out the doubled retry timer. On a merely slow link, keep waiting for it.
  const oneWayMs = msg.deliverAtMs - msg.sentAtMs;
  const fetchOverdue = ctx.now() - v.metadataFetchSentAtMs > 2 * oneWayMs + FETCH_MAX_WAIT_MS;
  if (v.metadataFetchTimeouts > 0 && fetchOverdue && msg.from === controllerTarget(self)) {
    v.metadataFetchTimeouts = 0;
    fetchMetadata(ctx, self);
  }
  if (res.error === 'STALE_BROKER_EPOCH') {
    v.brokerEpoch = null;
    register(ctx, self);
    return;
  }
  if (msg.kind === 'BrokerRegistrationResponse' && res.brokerEpoch !== undefined) {
    v.brokerEpoch = res.brokerEpoch;
    heartbeat(ctx, self); // start the FENCED -> UNFENCED handshake right away
  } else if (msg.kind === 'BrokerHeartbeatResponse' && res.isFenced !== undefined) {
    v.fenced = res.isFenced;
    // Serve partitions only once the controller has unfenced this incarnation: by then its
    // metadata has caught up past its registration (a restarted broker must not act on stale roles).
    if (!res.isFenced && !v.serving) {
      v.serving = true;
      applyRoles(ctx, self);
    }
  }
}

/** The responses a broker acts on (to its own requests to controllers and other brokers). */
type BrokerResponseKind =
  | 'FetchResponse'
  | 'BrokerRegistrationResponse'
  | 'BrokerHeartbeatResponse'
  | 'AllocateProducerIdsResponse'
  | 'AlterPartitionResponse'
  | 'CreateTopicsResponse'
  | 'WriteTxnMarkersResponse';

/**
 * What a broker does with each kind of message it can receive: every request a broker serves
 * (RPC_SERVERS) must be here, or this fails to compile. Other kinds are ignored.
 */
export const BROKER_HANDLERS: RpcHandlers<ServedBy<'broker'> | BrokerResponseKind, NodeContext, BrokerNode> =
  {
    // Metadata-log answers come from controllers, partition data from other brokers: the body says which.
    FetchResponse: (ctx, self, msg) => {
      if (isMetadataFetchResponse(msg)) onMetadataFetchResponse(ctx, self, msg);
      else if (isPartitionFetchResponse(msg)) onReplicaFetchResponse(ctx, self, msg);
    },
    BrokerRegistrationResponse: onControllerReply,
    BrokerHeartbeatResponse: onControllerReply,
    Produce: handleProduce,
    // A broker serves partition Fetches; the metadata log is served by the controllers.
    Fetch: (ctx, self, msg) => {
      if (isPartitionFetchRequest(msg)) handleFetch(ctx, self, msg);
    },
    Metadata: handleMetadata,
    InitProducerId: handleInitProducerId,
    AllocateProducerIdsResponse: onAllocateProducerIdsResponse,
    AlterPartitionResponse: onAlterPartitionResponse,
    FindCoordinator: handleFindCoordinator,
    JoinGroup: routeGroupRequest,
    SyncGroup: routeGroupRequest,
    Heartbeat: routeGroupRequest,
    LeaveGroup: routeGroupRequest,
    OffsetCommit: handleOffsetCommit,
    OffsetFetch: handleOffsetFetch,
    ListOffsets: handleListOffsets,
    CreateTopicsResponse: (_ctx, self) => {
      self.volatile.offsetsTopicRequested = false;
      self.volatile.txnTopicRequested = false;
    },
    AddPartitionsToTxn: handleAddPartitionsToTxn,
    AddOffsetsToTxn: handleAddOffsetsToTxn,
    TxnOffsetCommit: handleTxnOffsetCommit,
    EndTxn: handleEndTxn,
    WriteTxnMarkers: handleWriteTxnMarkers,
    WriteTxnMarkersResponse: onWriteTxnMarkersResponse,
  };

export const brokerBehaviour: NodeBehaviour<BrokerDurable, BrokerVolatile, TimerOf<'broker'>> = {
  start(ctx, self) {
    const v: BrokerVolatile = {
      image: buildImage(self.durable.metadataLog, Number.POSITIVE_INFINITY),
      brokerEpoch: null,
      fenced: true,
      controllerHint: null,
      voterCursor: ctx.randomInt(self.durable.voters.length),
      metadataFetch: null,
      metadataFetchTimer: null,
      metadataFetchTimeouts: 0,
      metadataFetchSentAtMs: 0,
      serving: false,
      roles: {},
      delayedProduces: [],
      parkedFetches: [],
      fetchers: {},
      alterInFlight: {},
      producerIdBlock: null,
      producerIdWaiters: [],
      producerIdRequested: false,
      groups: {},
      internalWaits: [],
      offsetsTopicRequested: false,
      txns: {},
      txnWaits: [],
      txnMarkerRequests: {},
      txnOffsets: {},
      txnTopicRequested: false,
      txnTickScheduled: false,
    };
    self.volatile = v;
    const node = self as BrokerNode;
    register(ctx, node);
    fetchMetadata(ctx, node);
    ctx.setTimer('heartbeat', brokerSetting(ctx.config, 'broker.heartbeat.interval.ms'));
    ctx.setTimer('isrCheck', brokerSetting(ctx.config, 'replica.lag.time.max.ms') / 2);
    ctx.setTimer('groupTick', GROUP_TICK_MS);
    ctx.setTimer('retentionCheck', brokerSetting(ctx.config, 'log.retention.check.interval.ms'));
    ctx.setTimer(
      'txnTimeoutCheck',
      brokerSetting(ctx.config, 'transaction.abort.timed.out.transaction.cleaner.interval.ms'),
    );
    ctx.setTimer('logCleaner', brokerSetting(ctx.config, 'log.cleaner.backoff.ms'));
    return v;
  },
  onMessage(ctx, self, msg) {
    dispatchRpc(BROKER_HANDLERS, ctx, self, msg);
  },
  undeliverableKinds: new Set(['WriteTxnMarkers']),
  onUndeliverable(ctx, self, msg) {
    // The leader is down, so the connection closed: its markers go again once a leader is known.
    if (msg.kind === 'WriteTxnMarkers') onWriteTxnMarkersFailed(ctx, self, msg.id);
  },
  onTimer(ctx, self, timer) {
    switch (timer.name) {
      case 'heartbeat':
        heartbeat(ctx, self);
        ctx.setTimer('heartbeat', brokerSetting(ctx.config, 'broker.heartbeat.interval.ms'));
        return;
      case 'isrCheck':
        checkIsr(ctx, self);
        ctx.setTimer('isrCheck', brokerSetting(ctx.config, 'replica.lag.time.max.ms') / 2);
        return;
      case 'produceTimeout':
        return onProduceTimeout(ctx, self, timer.data.requestId);
      case 'fetchWait':
        return onFetchWait(ctx, self, timer.data.requestId);
      case 'replicaFetchTimeout':
        return onReplicaFetchTimeout(ctx, self, timer.data.leader, timer.data.requestId);
      case 'replicaFetchBackoff':
        return sendReplicaFetch(ctx, self, timer.data.leader);
      case 'alterPartitionTimeout':
        return onAlterPartitionTimeout(self, timer.data.requestId);
      case 'allocateProducerIdsRetry':
        return onAllocateProducerIdsRetry(ctx, self);
      case 'retentionCheck':
        applyRetention(ctx, self);
        ctx.setTimer('retentionCheck', brokerSetting(ctx.config, 'log.retention.check.interval.ms'));
        return;
      case 'groupTick':
        expireMembers(ctx, self);
        checkPurgatory(ctx, self, 'groupWrite'); // enforce offsets.commit.timeout.ms
        ctx.setTimer('groupTick', GROUP_TICK_MS);
        return;
      case 'groupJoinDelay':
      case 'groupJoinDeadline':
      case 'groupSyncDeadline':
        return onGroupTimer(ctx, self, timer.name, timer.data.groupId, timer.id);
      case 'offsetsTopicRetry':
        self.volatile.offsetsTopicRequested = false;
        return;
      case 'txnTopicRetry':
        self.volatile.txnTopicRequested = false;
        return;
      case 'txnTick':
        return onTxnTick(ctx, self);
      case 'txnMarkerTimeout':
        return onWriteTxnMarkersFailed(ctx, self, timer.data.requestId);
      case 'txnTimeoutCheck':
        abortTimedOutTransactions(ctx, self);
        ctx.setTimer(
          'txnTimeoutCheck',
          brokerSetting(ctx.config, 'transaction.abort.timed.out.transaction.cleaner.interval.ms'),
        );
        return;
      case 'logCleaner':
        runLogCleaner(ctx, self);
        ctx.setTimer('logCleaner', brokerSetting(ctx.config, 'log.cleaner.backoff.ms'));
        return;
      case 'registerRetry':
        if (self.volatile.brokerEpoch === null) register(ctx, self);
        return;
      case 'metadataFetchRetry':
        self.volatile.metadataFetchTimer = null;
        if (self.volatile.metadataFetch !== null) {
          // No answer: try elsewhere, and wait longer next time in case the link is just slow.
          redirect(self, null);
          self.volatile.metadataFetchTimeouts++;
        }
        return fetchMetadata(ctx, self);
    }
  },
};
