/**
 * The consumer client node (kind 'consumer', id `consumer:<name>`): Kafka's KafkaConsumer with its
 * ConsumerCoordinator (group membership, commits) and Fetcher, driven by a simulated application
 * that polls in a continuous loop. Every step is a real RPC; the node knows only what answers told
 * it. One pass (`runConsumer`) after every message and timer makes whatever progress is possible.
 */
import { assertNever, type ErrorCode } from '../errors';
import type { NodeBehaviour, NodeContext, RpcMessage } from '../kernel/kernel';
import type { TimerOf } from '../protocol/timer-kinds';
import type {
  FindCoordinatorResponse,
  HeartbeatResponse,
  JoinGroupResponse,
  ListOffsetsResponse,
  OffsetCommitResponse,
  OffsetFetchResponse,
  SyncGroupResponse,
} from '../protocol/consume';
import type { MetadataResponse, ReplicaFetchResponse } from '../protocol/produce';
import { applyManualAssignment } from './consumer-assignment';
import {
  autoCommit,
  onOffsetCommitFailed,
  onOffsetCommitResponse,
  scheduleAutoCommit,
  sendQueuedCommits,
} from './consumer-commits';
import { maybeFetch, onFetchFailed, onFetchResponse, poll } from './consumer-fetcher';
import {
  maybeFindCoordinator,
  maybeJoin,
  onFindCoordinatorFailed,
  onFindCoordinatorResponse,
  onHeartbeatResponse,
  onHeartbeatTimer,
  maybePollTimeout,
  onJoinGroupResponse,
  onSyncGroupResponse,
} from './consumer-group';
import { markCoordinatorUnknown } from './consumer-membership';
import {
  maybeRequestMetadata,
  onMetadataFailed,
  onMetadataResponse,
  requestMetadata,
} from './consumer-metadata';
import {
  maybeFetchCommitted,
  maybeListOffsets,
  onListOffsetsFailed,
  onListOffsetsResponse,
  onOffsetFetchResponse,
} from './consumer-positions';
import { maybeClose } from './consumer-close';
import {
  initialVolatile,
  takeRequest,
  wakeAt,
  type ConsumerDurable,
  type ConsumerNode,
  type ConsumerVolatile,
  type Outstanding,
} from './consumer-state';

export const consumerBehaviour: NodeBehaviour<ConsumerDurable, ConsumerVolatile, TimerOf<'consumer'>> = {
  start(ctx, self) {
    const v = initialVolatile(self.durable, ctx.randomInt(Math.max(1, self.durable.bootstrap.length)));
    if (self.durable.closed) return v;
    // The program runs again: a restarted consumer subscribes (or assigns) as it did before.
    self.volatile = v;
    const node = self as ConsumerNode;
    if (self.durable.manual !== null) applyManualAssignment(ctx, node, self.durable.manual);
    if (self.durable.subscription !== null) requestMetadata(ctx, node);
    scheduleAutoCommit(ctx, node);
    wakeAt(ctx, v, ctx.now());
    return v;
  },

  onMessage(ctx, self, msg) {
    if (self.durable.closed || msg.inReplyTo === undefined) return; // a consumer serves no requests
    const req = takeRequest(ctx, self.volatile, msg.inReplyTo);
    if (!req) return; // answered after its timeout: the consumer has moved on
    onResponse(ctx, self, req, msg);
    runConsumer(ctx, self);
  },

  onUndeliverable(ctx, self, msg) {
    if (self.durable.closed) return;
    // The broker is down: its connection closed, so the consumer learns at once.
    const req = takeRequest(ctx, self.volatile, msg.id);
    if (req) onFailure(ctx, self, req, 'NETWORK_EXCEPTION');
    runConsumer(ctx, self);
  },

  onTimer(ctx, self, timer) {
    if (self.durable.closed) return;
    const v = self.volatile;
    switch (timer.name) {
      case 'wake':
        v.wakeTimer = null;
        break;
      case 'requestTimeout': {
        const req = takeRequest(ctx, v, timer.data.msgId, false);
        if (req) onFailure(ctx, self, req, 'REQUEST_TIMED_OUT');
        break;
      }
      case 'heartbeat':
        onHeartbeatTimer(ctx, self);
        break;
      case 'autoCommit':
        autoCommit(ctx, self);
        scheduleAutoCommit(ctx, self);
        break;
      case 'poll':
        v.pollTimer = null;
        break;
      default:
        assertNever(timer, 'consumer timer');
    }
    runConsumer(ctx, self);
  },
};

function onResponse(ctx: NodeContext, self: ConsumerNode, req: Outstanding, msg: RpcMessage): void {
  const info = req.info;
  switch (info.kind) {
    case 'Metadata':
      return onMetadataResponse(ctx, self, msg.body as MetadataResponse);
    case 'FindCoordinator':
      return onFindCoordinatorResponse(ctx, self, msg.body as FindCoordinatorResponse);
    case 'JoinGroup':
      return onJoinGroupResponse(ctx, self, msg.body as JoinGroupResponse);
    case 'SyncGroup':
      return onSyncGroupResponse(ctx, self, req, msg.body as SyncGroupResponse);
    case 'Heartbeat':
      return onHeartbeatResponse(ctx, self, req, msg.body as HeartbeatResponse);
    case 'LeaveGroup':
      return; // close goes on whatever the answer (maybeClose sees the request gone)
    case 'OffsetCommit':
      return onOffsetCommitResponse(ctx, self, req, msg.body as OffsetCommitResponse);
    case 'OffsetFetch': {
      const error = onOffsetFetchResponse(ctx, self, req, msg.body as OffsetFetchResponse);
      if (error === 'NOT_COORDINATOR' || error === 'COORDINATOR_NOT_AVAILABLE')
        markCoordinatorUnknown(ctx, self);
      return;
    }
    case 'ListOffsets':
      return onListOffsetsResponse(ctx, self, req, msg.body as ListOffsetsResponse);
    case 'Fetch':
      return onFetchResponse(ctx, self, req, msg.body as ReplicaFetchResponse);
    default:
      return assertNever(info, 'consumer request');
  }
}

/** No answer within request.timeout.ms, or the broker was down. */
function onFailure(ctx: NodeContext, self: ConsumerNode, req: Outstanding, error: ErrorCode): void {
  const info = req.info;
  switch (info.kind) {
    case 'Metadata':
      return onMetadataFailed(ctx, self);
    case 'FindCoordinator':
      return onFindCoordinatorFailed(ctx, self);
    case 'JoinGroup':
    case 'SyncGroup':
    case 'Heartbeat':
      return markCoordinatorUnknown(ctx, self);
    case 'OffsetFetch':
      for (const p of Object.values(self.volatile.assigned))
        if (p.pendingRequest === req.msgId) p.pendingRequest = null;
      return markCoordinatorUnknown(ctx, self);
    case 'LeaveGroup':
      return;
    case 'OffsetCommit':
      return onOffsetCommitFailed(ctx, self, req, error);
    case 'ListOffsets':
      return onListOffsetsFailed(ctx, self, req);
    case 'Fetch':
      return onFetchFailed(ctx, self, req);
    default:
      return assertNever(info, 'consumer request');
  }
}

/**
 * One pass of the consumer: metadata, coordinator, rebalance, commits, positions, the
 * application's poll, fetches, close. Each step does nothing unless it has something to do, and
 * whatever waits on time alone has asked for a wake-up.
 */
export function runConsumer(ctx: NodeContext, self: ConsumerNode): void {
  if (self.durable.closed) return;
  const nowMs = ctx.now();
  backToPoll(ctx, self, nowMs);
  maybeRequestMetadata(ctx, self, nowMs);
  if (self.volatile.group) {
    maybePollTimeout(ctx, self, nowMs);
    maybeFindCoordinator(ctx, self, nowMs);
    maybeJoin(ctx, self, nowMs);
    sendQueuedCommits(ctx, self, nowMs);
    maybeFetchCommitted(ctx, self, nowMs);
  }
  maybeListOffsets(ctx, self, nowMs);
  poll(ctx, self);
  maybeFetch(ctx, self, nowMs);
  maybeClose(ctx, self);
}

/** The simulated application finished the last poll's records and calls poll() again. */
function backToPoll(ctx: NodeContext, self: ConsumerNode, nowMs: number): void {
  const v = self.volatile;
  if (v.busyUntilMs === 0 || nowMs < v.busyUntilMs) return;
  v.busyUntilMs = 0;
  if (v.autoCommitDue) {
    v.autoCommitDue = false;
    autoCommit(ctx, self);
  }
}
