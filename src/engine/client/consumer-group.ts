/**
 * The classic group protocol, client side (AbstractCoordinator, reference §3.3): find the
 * coordinator, JoinGroup (MEMBER_ID_REQUIRED, then again with the id), the leader's assignment,
 * SyncGroup, heartbeats, LeaveGroup. Every error is answered as Kafka's client answers it.
 */
import { brokerNodeId } from '../core-module';
import type { NodeContext } from '../kernel/kernel';
import type {
  FindCoordinatorRequest,
  FindCoordinatorResponse,
  HeartbeatRequest,
  HeartbeatResponse,
  JoinGroupRequest,
  JoinGroupResponse,
  LeaveGroupRequest,
  SyncGroupRequest,
  SyncGroupResponse,
} from '../protocol/consume';
import type { TopicPartition } from '../types';
import {
  applyAssignment,
  leaderAssignment,
  revokeBeforeJoin,
  subscriptionMetadata,
} from './consumer-assignment';
import { consumedOffsets, queueCommit } from './consumer-commits';
import { failGroup, markCoordinatorUnknown, requestRejoin, resetGeneration } from './consumer-membership';
import { pickBroker } from './consumer-metadata';
import {
  appBusy,
  hasRequest,
  sendRequest,
  wakeAt,
  type ConsumerNode,
  type Outstanding,
} from './consumer-state';

/** AbstractCoordinator.JOIN_GROUP_TIMEOUT_LAPSE: a JoinGroup may wait out the whole rebalance. */
const JOIN_GROUP_TIMEOUT_LAPSE_MS = 5000;

const COORDINATOR_ERRORS: ReadonlySet<string> = new Set(['COORDINATOR_NOT_AVAILABLE', 'NOT_COORDINATOR']);

// ----- coordinator lookup -----

export function maybeFindCoordinator(ctx: NodeContext, self: ConsumerNode, nowMs: number): void {
  const v = self.volatile;
  const g = v.group;
  if (!g || g.coordinator || g.failed || hasRequest(v, 'FindCoordinator')) return;
  const d = self.durable;
  const wanted = d.subscription !== null || d.manual !== null || v.commitQueue.length > 0;
  if (!wanted) return;
  if (nowMs < g.coordinatorNotBeforeMs) return wakeAt(ctx, v, g.coordinatorNotBeforeMs);
  const body: FindCoordinatorRequest = { key: d.groupId!, keyType: 'GROUP' };
  sendRequest(ctx, self, pickBroker(self), 'FindCoordinator', body, { kind: 'FindCoordinator' });
}

export function onFindCoordinatorResponse(
  ctx: NodeContext,
  self: ConsumerNode,
  body: FindCoordinatorResponse,
): void {
  const g = self.volatile.group;
  if (!g) return;
  if (body.error !== null || body.nodeId < 0) return onFindCoordinatorFailed(ctx, self);
  g.coordinator = { broker: body.nodeId, node: body.node ?? brokerNodeId(body.nodeId) };
}

/** An error (the offsets topic is still being created...) or no answer: another broker, after a backoff. */
export function onFindCoordinatorFailed(ctx: NodeContext, self: ConsumerNode): void {
  const v = self.volatile;
  if (!v.group) return;
  v.brokerCursor++;
  v.group.coordinatorNotBeforeMs = ctx.now() + self.durable.config.retryBackoffMs;
  wakeAt(ctx, v, v.group.coordinatorNotBeforeMs);
}

// ----- join -----

/** Drive the member toward a completed rebalance: prepare, join, assign (leader), sync. */
export function maybeJoin(ctx: NodeContext, self: ConsumerNode, nowMs: number): void {
  const v = self.volatile;
  const g = v.group;
  if (!g || g.failed || self.durable.subscription === null || v.closing) return;
  // Joining happens inside poll(): an application busy with its records rejoins when it polls again.
  if (appBusy(v, nowMs)) return wakeAt(ctx, v, v.busyUntilMs);
  if (g.phase === 'stable' && g.rejoinNeeded) g.phase = 'idle';
  if (!g.coordinator) return;
  if (g.phase === 'idle') {
    if (nowMs < g.joinNotBeforeMs) return wakeAt(ctx, v, g.joinNotBeforeMs);
    if (!g.joinPrepared) {
      g.joinPrepared = true;
      // onJoinPrepare: commit what was consumed before the partitions may move (both protocols).
      const offsets = g.generation >= 0 && self.durable.config.enableAutoCommit ? consumedOffsets(self) : [];
      if (offsets.length > 0) {
        g.phase = 'preparing';
        g.prepareCommit = queueCommit(ctx, self, 'prepare', offsets).id;
        return; // the join follows once the commit is settled (see 'preparing' below)
      }
      revokeBeforeJoin(ctx, self);
    }
    return sendJoin(ctx, self);
  }
  if (g.phase === 'preparing' && g.prepareCommit === null) {
    revokeBeforeJoin(ctx, self);
    return sendJoin(ctx, self);
  }
  if (g.phase === 'assigning' && g.pendingAssignment) {
    const assignments = leaderAssignment(ctx, self, g.pendingAssignment);
    if (assignments) {
      g.pendingAssignment = null;
      sendSync(ctx, self, assignments);
    }
  }
}

function sendJoin(ctx: NodeContext, self: ConsumerNode): void {
  const g = self.volatile.group!;
  const { config, name, groupId } = self.durable;
  const body: JoinGroupRequest = {
    groupId: groupId!,
    memberId: g.memberId,
    groupInstanceId: config.groupInstanceId,
    clientId: name,
    sessionTimeoutMs: config.sessionTimeoutMs,
    rebalanceTimeoutMs: config.maxPollIntervalMs,
    protocolType: 'consumer',
    protocols: config.assignmentStrategies.map((s) => ({ name: s, metadata: subscriptionMetadata(self, s) })),
  };
  const timeoutMs = Math.max(config.requestTimeoutMs, config.maxPollIntervalMs + JOIN_GROUP_TIMEOUT_LAPSE_MS);
  sendRequest(ctx, self, g.coordinator!.node, 'JoinGroup', body, { kind: 'JoinGroup' }, timeoutMs);
  g.phase = 'joining';
  g.rejoinNeeded = false;
}

export function onJoinGroupResponse(ctx: NodeContext, self: ConsumerNode, body: JoinGroupResponse): void {
  const v = self.volatile;
  const g = v.group;
  if (!g || g.phase !== 'joining') return;
  g.phase = 'idle';
  const error = body.error;
  if (error === null) {
    if (body.protocolName === null) {
      return failGroup(ctx, self, 'INCONSISTENT_GROUP_PROTOCOL', 'The group chose no assignment protocol.');
    }
    g.memberId = body.memberId;
    g.generation = body.generationId;
    g.protocol = body.protocolName;
    g.leaderId = body.leader;
    g.lastHeartbeatOkMs = ctx.now();
    // A static leader that rejoined without a rebalance gets no member list: nothing to assign.
    if (body.leader === body.memberId && body.members.length > 0) {
      g.phase = 'assigning';
      g.pendingAssignment = body;
      return maybeJoin(ctx, self, ctx.now());
    }
    return sendSync(ctx, self, []);
  }
  switch (error) {
    case 'MEMBER_ID_REQUIRED':
      // KIP-394: the coordinator gave this member its id; join again with it, at once.
      g.memberId = body.memberId;
      break;
    case 'UNKNOWN_MEMBER_ID':
    case 'ILLEGAL_GENERATION':
      resetGeneration(ctx, self, error === 'UNKNOWN_MEMBER_ID');
      break;
    case 'REBALANCE_IN_PROGRESS':
      g.joinNotBeforeMs = ctx.now() + self.durable.config.retryBackoffMs;
      break;
    case 'COORDINATOR_NOT_AVAILABLE':
    case 'NOT_COORDINATOR':
      markCoordinatorUnknown(ctx, self);
      break;
    default:
      // INVALID_SESSION_TIMEOUT, INCONSISTENT_GROUP_PROTOCOL, FENCED_INSTANCE_ID, GROUP_MAX_SIZE_REACHED...
      return failGroup(ctx, self, error, joinFailure(self, error));
  }
  wakeAt(ctx, v, ctx.now());
}

function joinFailure(self: ConsumerNode, error: string): string {
  const c = self.durable.config;
  switch (error) {
    case 'INVALID_SESSION_TIMEOUT':
      return `The coordinator rejected session.timeout.ms=${c.sessionTimeoutMs}: it must lie between group.min.session.timeout.ms and group.max.session.timeout.ms.`;
    case 'INCONSISTENT_GROUP_PROTOCOL':
      return `No assignor in partition.assignment.strategy (${c.assignmentStrategies.join(', ')}) is supported by every member of the group.`;
    case 'FENCED_INSTANCE_ID':
      return `Another consumer with group.instance.id ${c.groupInstanceId} is in the group.`;
    default:
      return `JoinGroup failed with ${error}.`;
  }
}

// ----- sync -----

function sendSync(
  ctx: NodeContext,
  self: ConsumerNode,
  assignments: { memberId: string; partitions: TopicPartition[] }[],
): void {
  const g = self.volatile.group!;
  if (!g.coordinator) {
    g.phase = 'idle';
    return;
  }
  const body: SyncGroupRequest = {
    groupId: self.durable.groupId!,
    generationId: g.generation,
    memberId: g.memberId,
    groupInstanceId: self.durable.config.groupInstanceId,
    assignments,
  };
  sendRequest(ctx, self, g.coordinator.node, 'SyncGroup', body, {
    kind: 'SyncGroup',
    generation: g.generation,
  });
  g.phase = 'syncing';
  ensureHeartbeat(ctx, self);
}

export function onSyncGroupResponse(
  ctx: NodeContext,
  self: ConsumerNode,
  req: Outstanding,
  body: SyncGroupResponse,
): void {
  const g = self.volatile.group;
  if (!g || g.phase !== 'syncing' || req.info.kind !== 'SyncGroup' || req.info.generation !== g.generation)
    return;
  const error = body.error;
  if (error === null) return applyAssignment(ctx, self, body.partitions);
  g.phase = 'idle';
  if (error === 'REBALANCE_IN_PROGRESS') requestRejoin(ctx, self);
  else if (error === 'UNKNOWN_MEMBER_ID' || error === 'ILLEGAL_GENERATION')
    resetGeneration(ctx, self, error === 'UNKNOWN_MEMBER_ID');
  else if (COORDINATOR_ERRORS.has(error)) markCoordinatorUnknown(ctx, self);
  else failGroup(ctx, self, error, `SyncGroup failed with ${error}.`);
}

// ----- heartbeat -----

export function ensureHeartbeat(ctx: NodeContext, self: ConsumerNode): void {
  const g = self.volatile.group!;
  if (g.heartbeatTimer === null)
    g.heartbeatTimer = ctx.setTimer('heartbeat', self.durable.config.heartbeatIntervalMs);
}

/** Kafka's heartbeat thread: while the member has a generation, every heartbeat.interval.ms. */
export function onHeartbeatTimer(ctx: NodeContext, self: ConsumerNode): void {
  const v = self.volatile;
  const g = v.group;
  if (!g) return;
  g.heartbeatTimer = null;
  // Kafka's heartbeat thread runs in STABLE (which covers onJoinPrepare's commit, 'preparing' here)
  // and COMPLETING_REBALANCE ('syncing'); a JoinGroup in flight keeps the member alive by itself.
  const beating = g.phase === 'stable' || g.phase === 'preparing' || g.phase === 'syncing';
  if (g.failed || !beating) return;
  const config = self.durable.config;
  if (ctx.now() - g.lastHeartbeatOkMs >= config.sessionTimeoutMs) {
    // No answer for a whole session: the coordinator is presumed dead (heartbeat.sessionTimeoutExpired).
    markCoordinatorUnknown(ctx, self);
    g.lastHeartbeatOkMs = ctx.now();
  } else if (g.coordinator && !hasRequest(v, 'Heartbeat')) {
    const body: HeartbeatRequest = {
      groupId: self.durable.groupId!,
      generationId: g.generation,
      memberId: g.memberId,
      groupInstanceId: config.groupInstanceId,
    };
    sendRequest(ctx, self, g.coordinator.node, 'Heartbeat', body, {
      kind: 'Heartbeat',
      generation: g.generation,
    });
  }
  ensureHeartbeat(ctx, self);
}

export function onHeartbeatResponse(
  ctx: NodeContext,
  self: ConsumerNode,
  req: Outstanding,
  body: HeartbeatResponse,
): void {
  const g = self.volatile.group;
  if (!g || req.info.kind !== 'Heartbeat' || req.info.generation !== g.generation) return;
  const error = body.error;
  // Kafka ignores these while the member is completing a rebalance: its SyncGroup answer decides.
  const settling = g.phase === 'syncing';
  if (error === null) g.lastHeartbeatOkMs = ctx.now();
  else if (error === 'REBALANCE_IN_PROGRESS') {
    if (g.phase === 'stable') requestRejoin(ctx, self);
  } else if (error === 'UNKNOWN_MEMBER_ID' || error === 'ILLEGAL_GENERATION') {
    if (!settling) resetGeneration(ctx, self, error === 'UNKNOWN_MEMBER_ID');
  } else if (error === 'FENCED_INSTANCE_ID') {
    if (!settling) failGroup(ctx, self, error, joinFailure(self, error));
  } else if (COORDINATOR_ERRORS.has(error)) markCoordinatorUnknown(ctx, self);
}

// ----- leave -----

/**
 * LeaveGroup on close (maybeLeaveGroup): only a dynamic member with an id and a known coordinator.
 * Static members never leave (reference §3.4): their session timeout decides. Returns the request id.
 */
export function sendLeave(
  ctx: NodeContext,
  self: ConsumerNode,
  reason = 'the consumer is being closed',
): number | null {
  const g = self.volatile.group;
  if (!g || !g.coordinator || g.memberId === '' || self.durable.config.groupInstanceId !== null) return null;
  const body: LeaveGroupRequest = { groupId: self.durable.groupId!, memberId: g.memberId, reason };
  const msgId = sendRequest(ctx, self, g.coordinator.node, 'LeaveGroup', body, { kind: 'LeaveGroup' });
  g.memberId = '';
  g.generation = -1;
  g.phase = 'idle';
  return msgId;
}

/**
 * Kafka's heartbeat thread when the application has not called poll() for max.poll.interval.ms:
 * the member leaves the group (dynamic members send LeaveGroup; static ones only forget their
 * generation), so the others can take its partitions. It rejoins on its next poll, and whatever it
 * had not committed is read again by someone: at-least-once, visibly.
 */
export function maybePollTimeout(ctx: NodeContext, self: ConsumerNode, nowMs: number): void {
  const v = self.volatile;
  const g = v.group;
  if (!g || g.failed || v.closing || !appBusy(v, nowMs)) return;
  if (g.generation < 0 && g.memberId === '') return; // not in the group: nothing to leave
  const deadline = v.polledAtMs + self.durable.config.maxPollIntervalMs;
  if (nowMs < deadline) return wakeAt(ctx, v, deadline);
  ctx.emit('consumer.pollTimedOut', {
    consumer: self.durable.name,
    groupId: self.durable.groupId!,
    maxPollIntervalMs: self.durable.config.maxPollIntervalMs,
    lastPollMs: v.polledAtMs,
  });
  sendLeave(ctx, self, 'consumer poll timeout has expired');
  resetGeneration(ctx, self, true);
}
