/**
 * The classic group coordinator (reference §3.3, §3.4): JoinGroup / SyncGroup / Heartbeat /
 * LeaveGroup and the group states Empty → PreparingRebalance → CompletingRebalance → Stable. It
 * runs on the broker that leads the group's __consumer_offsets partition.
 */
import type { ErrorCode } from '../errors';
import type { NodeContext, RpcMessage } from '../kernel/kernel';
import type {
  Assignor,
  HeartbeatRequest,
  JoinGroupRequest,
  JoinGroupResponse,
  LeaveGroupRequest,
  SyncGroupRequest,
} from '../protocol/consume';
import type { GroupState } from '../types';
import type { BrokerNode, Group, GroupMember } from './broker-state';
import { appendInternal, emptyGroup, groupKey, type GroupMetadataValue } from './group-storage';

export const GROUP_CONFIG = {
  minSessionTimeoutMs: 6000,
  maxSessionTimeoutMs: 1_800_000,
  initialRebalanceDelayMs: 3000,
  /**
   * Kafka's GroupCoordinator.NewMemberJoinTimeoutMs: a new member waiting in its first join is kept
   * this long, not its session timeout (a rebalance can outlast a session: the old incarnation of a
   * restarted consumer is only removed when ITS session expires).
   */
  newMemberJoinTimeoutMs: 300_000,
};

function setState(ctx: NodeContext, self: BrokerNode, g: Group, to: GroupState): void {
  if (g.state === to) return;
  const from = g.state;
  g.state = to;
  ctx.emit('group.stateChanged', {
    groupId: g.groupId,
    broker: self.durable.brokerId,
    from,
    to,
    generation: g.generation,
  });
}

function newMemberId(ctx: NodeContext, prefix: string): string {
  let id = '';
  for (let i = 0; i < 8; i++) id += '0123456789abcdef'[ctx.randomInt(16)];
  return `${prefix}-${id}`;
}

function rebalanceTimeoutMs(g: Group): number {
  return Math.max(0, ...Object.values(g.members).map((m) => m.rebalanceTimeoutMs));
}

type GroupTimer = 'groupJoinDelay' | 'groupJoinDeadline' | 'groupSyncDeadline';

function setTimer(ctx: NodeContext, g: Group, name: GroupTimer, delayMs: number): void {
  if (g.timer !== null) ctx.cancelTimer(g.timer);
  g.timer = ctx.setTimer(name, delayMs, { groupId: g.groupId });
}

function joinError(ctx: NodeContext, msg: RpcMessage, error: ErrorCode, memberId = ''): void {
  const res: JoinGroupResponse = {
    error,
    generationId: -1,
    protocolName: null,
    leader: '',
    memberId,
    members: [],
  };
  ctx.send(msg.from, 'JoinGroupResponse', res, msg.id);
}

function removeMember(
  ctx: NodeContext,
  g: Group,
  m: GroupMember,
  reason: 'session-timeout' | 'left' | 'join-timeout' | 'sync-timeout',
) {
  delete g.members[m.memberId];
  if (g.leader === m.memberId) g.leader = null;
  ctx.emit('group.memberRemoved', { groupId: g.groupId, memberId: m.memberId, clientId: m.clientId, reason });
}

/** Start (or continue) a rebalance (prepareRebalance). */
export function prepareRebalance(ctx: NodeContext, self: BrokerNode, g: Group): void {
  if (g.state === 'CompletingRebalance') {
    for (const m of Object.values(g.members)) {
      if (m.awaitingSync !== null) {
        ctx.send(
          m.node,
          'SyncGroupResponse',
          { error: 'REBALANCE_IN_PROGRESS', partitions: [] },
          m.awaitingSync,
        );
        m.awaitingSync = null;
      }
    }
  }
  const wasEmpty = g.state === 'Empty';
  setState(ctx, self, g, 'PreparingRebalance');
  if (wasEmpty) {
    // Initial rebalance: wait for more members to arrive (group.initial.rebalance.delay.ms).
    g.initialDelayRemainingMs = Math.max(rebalanceTimeoutMs(g) - GROUP_CONFIG.initialRebalanceDelayMs, 0);
    g.joinedDuringDelay = false;
    setTimer(ctx, g, 'groupJoinDelay', GROUP_CONFIG.initialRebalanceDelayMs);
  } else {
    g.initialDelayRemainingMs = null;
    setTimer(ctx, g, 'groupJoinDeadline', rebalanceTimeoutMs(g));
  }
}

function allJoined(g: Group): boolean {
  return (
    Object.keys(g.pending).length === 0 && Object.values(g.members).every((m) => m.awaitingJoin !== null)
  );
}

function maybeCompleteJoin(ctx: NodeContext, self: BrokerNode, g: Group): void {
  if (g.state === 'PreparingRebalance' && g.initialDelayRemainingMs === null && allJoined(g))
    completeJoin(ctx, self, g);
}

/** The join phase is over: drop who did not rejoin, pick leader and protocol, answer every join. */
export function completeJoin(ctx: NodeContext, self: BrokerNode, g: Group): void {
  for (const m of Object.values(g.members)) {
    if (m.awaitingJoin === null && m.groupInstanceId === null) removeMember(ctx, g, m, 'join-timeout');
  }
  g.generation++;
  g.initialDelayRemainingMs = null;
  const members = Object.values(g.members);
  if (members.length === 0) {
    g.protocol = null;
    g.leader = null;
    setState(ctx, self, g, 'Empty');
    if (g.timer !== null) ctx.cancelTimer(g.timer);
    g.timer = null;
    return;
  }
  if (!g.leader || !g.members[g.leader] || g.members[g.leader]!.awaitingJoin === null) {
    g.leader = (members.find((m) => m.awaitingJoin !== null) ?? members[0]!).memberId;
  }
  g.protocol = selectProtocol(members);
  setState(ctx, self, g, 'CompletingRebalance');
  for (const m of members) {
    if (m.awaitingJoin === null) continue;
    const isLeader = m.memberId === g.leader;
    const res: JoinGroupResponse = {
      error: null,
      generationId: g.generation,
      protocolName: g.protocol,
      leader: g.leader,
      memberId: m.memberId,
      members: isLeader
        ? members.map((x) => ({
            memberId: x.memberId,
            groupInstanceId: x.groupInstanceId,
            metadata: (x.protocols.find((p) => p.name === g.protocol) ?? x.protocols[0]!).metadata,
          }))
        : [],
    };
    ctx.send(m.node, 'JoinGroupResponse', res, m.awaitingJoin);
    m.awaitingJoin = null;
    m.isNew = false;
  }
  setTimer(ctx, g, 'groupSyncDeadline', rebalanceTimeoutMs(g));
}

/** The protocol every member supports that gets the most first-choice votes (ties: the leader's order). */
function selectProtocol(members: GroupMember[]): Assignor | null {
  const common = members[0]!.protocols
    .map((p) => p.name)
    .filter((n) => members.every((m) => m.protocols.some((p) => p.name === n)));
  if (common.length === 0) return null;
  const votes = (n: Assignor) =>
    members.filter((m) => m.protocols.find((p) => common.includes(p.name))?.name === n).length;
  return [...common].sort((a, b) => votes(b) - votes(a))[0] ?? null;
}

function sharesProtocol(g: Group, req: JoinGroupRequest): boolean {
  const others = Object.values(g.members).filter((m) => m.memberId !== req.memberId);
  return others.every((m) => m.protocols.some((p) => req.protocols.some((q) => q.name === p.name)));
}

export function handleJoinGroup(
  ctx: NodeContext,
  self: BrokerNode,
  msg: RpcMessage<JoinGroupRequest>,
  g: Group,
): void {
  const req = msg.body;
  if (
    req.sessionTimeoutMs < GROUP_CONFIG.minSessionTimeoutMs ||
    req.sessionTimeoutMs > GROUP_CONFIG.maxSessionTimeoutMs
  ) {
    return joinError(ctx, msg, 'INVALID_SESSION_TIMEOUT');
  }
  if (g.state === 'Dead') return joinError(ctx, msg, 'COORDINATOR_NOT_AVAILABLE');
  if (req.protocols.length === 0 || !sharesProtocol(g, req))
    return joinError(ctx, msg, 'INCONSISTENT_GROUP_PROTOCOL');
  const now = ctx.now();
  const staticOwner = req.groupInstanceId
    ? Object.values(g.members).find((m) => m.groupInstanceId === req.groupInstanceId)
    : undefined;
  if (req.memberId === '') {
    if (req.groupInstanceId) return joinStatic(ctx, self, msg, g, staticOwner);
    // A new dynamic member gets its id first and must come back with it (KIP-394).
    const memberId = newMemberId(ctx, req.clientId);
    g.pending[memberId] = now;
    return joinError(ctx, msg, 'MEMBER_ID_REQUIRED', memberId);
  }
  if (staticOwner && staticOwner.memberId !== req.memberId)
    return joinError(ctx, msg, 'FENCED_INSTANCE_ID', req.memberId);
  let m = g.members[req.memberId];
  if (!m) {
    if (g.pending[req.memberId] === undefined) return joinError(ctx, msg, 'UNKNOWN_MEMBER_ID', req.memberId);
    delete g.pending[req.memberId];
    m = addMember(ctx, g, msg, req);
  }
  const changed = JSON.stringify(m.protocols) !== JSON.stringify(req.protocols);
  m.protocols = req.protocols;
  m.lastHeartbeatMs = now;
  m.node = msg.from;
  m.awaitingJoin = msg.id;
  if (g.state === 'Stable' || g.state === 'CompletingRebalance' || g.state === 'Empty') {
    const sameAsBefore = g.state !== 'Empty' && !m.isNew && !changed && m.memberId !== g.leader;
    if (sameAsBefore) {
      // A follower re-sending the same metadata: it gets the current generation again, no rebalance.
      m.awaitingJoin = null;
      const res: JoinGroupResponse = {
        error: null,
        generationId: g.generation,
        protocolName: g.protocol,
        leader: g.leader ?? '',
        memberId: m.memberId,
        members: [],
      };
      ctx.send(msg.from, 'JoinGroupResponse', res, msg.id);
      return;
    }
    prepareRebalance(ctx, self, g);
  }
  maybeCompleteJoin(ctx, self, g);
}

function addMember(
  ctx: NodeContext,
  g: Group,
  msg: RpcMessage<JoinGroupRequest>,
  req: JoinGroupRequest,
  memberId = req.memberId,
): GroupMember {
  const m: GroupMember = {
    memberId,
    groupInstanceId: req.groupInstanceId,
    clientId: req.clientId,
    node: msg.from,
    sessionTimeoutMs: req.sessionTimeoutMs,
    rebalanceTimeoutMs: req.rebalanceTimeoutMs,
    protocols: req.protocols,
    assignment: [],
    awaitingJoin: null,
    awaitingSync: null,
    lastHeartbeatMs: ctx.now(),
    isNew: true,
  };
  g.members[memberId] = m;
  if (!g.leader) g.leader = memberId;
  if (g.initialDelayRemainingMs !== null) g.joinedDuringDelay = true;
  ctx.emit('group.memberJoined', {
    groupId: g.groupId,
    memberId,
    clientId: req.clientId,
    groupInstanceId: req.groupInstanceId,
  });
  return m;
}

/** A static member (re)joining without a member id (reference §3.4). */
function joinStatic(
  ctx: NodeContext,
  self: BrokerNode,
  msg: RpcMessage<JoinGroupRequest>,
  g: Group,
  owner: GroupMember | undefined,
) {
  const req = msg.body;
  const memberId = newMemberId(ctx, req.groupInstanceId!);
  if (owner) {
    // The instance comes back: its old member id is replaced by a new one.
    delete g.members[owner.memberId];
    const m: GroupMember = {
      ...owner,
      memberId,
      node: msg.from,
      lastHeartbeatMs: ctx.now(),
      awaitingJoin: null,
      awaitingSync: null,
    };
    g.members[memberId] = m;
    if (g.leader === owner.memberId) g.leader = memberId;
    const sameProtocols = JSON.stringify(owner.protocols) === JSON.stringify(req.protocols);
    if (g.state === 'Stable' && sameProtocols) {
      // No rebalance: the member gets its current generation and assignment back.
      const res: JoinGroupResponse = {
        error: null,
        generationId: g.generation,
        protocolName: g.protocol,
        leader: g.leader ?? '',
        memberId,
        members: [],
      };
      ctx.send(msg.from, 'JoinGroupResponse', res, msg.id);
      return;
    }
    m.protocols = req.protocols;
    m.awaitingJoin = msg.id;
    if (g.state !== 'PreparingRebalance') prepareRebalance(ctx, self, g);
    maybeCompleteJoin(ctx, self, g);
    return;
  }
  const m = addMember(ctx, g, msg, req, memberId);
  m.awaitingJoin = msg.id;
  if (g.state !== 'PreparingRebalance') prepareRebalance(ctx, self, g);
  maybeCompleteJoin(ctx, self, g);
}

export function handleSyncGroup(
  ctx: NodeContext,
  self: BrokerNode,
  msg: RpcMessage<SyncGroupRequest>,
  g: Group,
): void {
  const req = msg.body;
  const reply = (error: ErrorCode | null, partitions: { topic: string; partition: number }[] = []): void => {
    ctx.send(msg.from, 'SyncGroupResponse', { error, partitions }, msg.id);
  };
  const m = g.members[req.memberId];
  if (!m) return reply('UNKNOWN_MEMBER_ID');
  if (req.generationId !== g.generation) return reply('ILLEGAL_GENERATION');
  m.lastHeartbeatMs = ctx.now();
  if (g.state === 'PreparingRebalance') return reply('REBALANCE_IN_PROGRESS');
  if (g.state === 'Stable') return reply(null, m.assignment);
  if (g.state !== 'CompletingRebalance') return reply('UNKNOWN_MEMBER_ID');
  m.awaitingSync = msg.id;
  m.node = msg.from;
  if (req.memberId !== g.leader) return;
  // The leader's assignment: members it leaves out get nothing. It is persisted first; the group
  // goes Stable and the members get their assignments only once the write is replicated
  // (reference §3.3 step 6): a coordinator cut off from its followers cannot finish a rebalance.
  for (const x of Object.values(g.members)) {
    x.assignment = req.assignments.find((a) => a.memberId === x.memberId)?.partitions ?? [];
  }
  persistGroup(ctx, self, g);
}

/** The assignment of `generation` is replicated: Stable, and every waiting member gets its part. */
export function completeSync(ctx: NodeContext, self: BrokerNode, groupId: string, generation: number): void {
  const g = self.volatile.groups[groupId];
  if (!g || g.state !== 'CompletingRebalance' || g.generation !== generation) return;
  if (g.timer !== null) ctx.cancelTimer(g.timer);
  g.timer = null;
  setState(ctx, self, g, 'Stable');
  for (const x of Object.values(g.members)) {
    if (x.awaitingSync === null) continue;
    ctx.send(x.node, 'SyncGroupResponse', { error: null, partitions: x.assignment }, x.awaitingSync);
    x.awaitingSync = null;
  }
  ctx.emit('group.rebalanced', {
    groupId: g.groupId,
    generation: g.generation,
    leader: g.leader ?? '',
    protocol: g.protocol,
    members: Object.keys(g.members),
  });
}

/** Persisting the assignment failed: waiting members get the error and the group rebalances again. */
export function failSync(
  ctx: NodeContext,
  self: BrokerNode,
  groupId: string,
  generation: number,
  error: ErrorCode,
): void {
  const g = self.volatile.groups[groupId];
  if (!g || g.state !== 'CompletingRebalance' || g.generation !== generation) return;
  for (const x of Object.values(g.members)) {
    x.assignment = [];
    if (x.awaitingSync === null) continue;
    ctx.send(x.node, 'SyncGroupResponse', { error, partitions: [] }, x.awaitingSync);
    x.awaitingSync = null;
  }
  prepareRebalance(ctx, self, g);
}

function persistGroup(ctx: NodeContext, self: BrokerNode, g: Group): void {
  const value: GroupMetadataValue = {
    generation: g.generation,
    protocol: g.protocol,
    leader: g.leader,
    members: Object.values(g.members).map((m) => ({
      memberId: m.memberId,
      groupInstanceId: m.groupInstanceId,
      clientId: m.clientId,
      assignment: m.assignment,
    })),
  };
  const written = appendInternal(ctx, self, g.offsetsPartition, [{ key: groupKey(g.groupId), value }], {
    sync: { groupId: g.groupId, generation: g.generation },
  });
  if (!written) failSync(ctx, self, g.groupId, g.generation, 'NOT_COORDINATOR');
}

export function handleHeartbeat(
  ctx: NodeContext,
  self: BrokerNode,
  msg: RpcMessage<HeartbeatRequest>,
  g: Group,
): void {
  const req = msg.body;
  const reply = (error: ErrorCode | null): void => {
    ctx.send(msg.from, 'HeartbeatResponse', { error }, msg.id);
  };
  const m = g.members[req.memberId];
  if (!m || g.state === 'Empty') return reply('UNKNOWN_MEMBER_ID');
  if (g.state === 'Dead') return reply('COORDINATOR_NOT_AVAILABLE');
  m.lastHeartbeatMs = ctx.now();
  if (g.state === 'PreparingRebalance') return reply('REBALANCE_IN_PROGRESS');
  if (req.generationId !== g.generation) return reply('ILLEGAL_GENERATION');
  reply(null);
}

export function handleLeaveGroup(
  ctx: NodeContext,
  self: BrokerNode,
  msg: RpcMessage<LeaveGroupRequest>,
  g: Group,
): void {
  const m = g.members[msg.body.memberId];
  if (!m) {
    ctx.send(msg.from, 'LeaveGroupResponse', { error: 'UNKNOWN_MEMBER_ID' }, msg.id);
    return;
  }
  removeMember(ctx, g, m, 'left');
  ctx.send(msg.from, 'LeaveGroupResponse', { error: null }, msg.id);
  afterRemoval(ctx, self, g);
}

function afterRemoval(ctx: NodeContext, self: BrokerNode, g: Group): void {
  if (g.state === 'Stable' || g.state === 'CompletingRebalance') prepareRebalance(ctx, self, g);
  else if (g.state === 'PreparingRebalance') {
    if (Object.keys(g.members).length === 0 && Object.keys(g.pending).length === 0)
      completeJoin(ctx, self, g);
    else maybeCompleteJoin(ctx, self, g);
  }
}

/** Timers: initial delay, join deadline, sync deadline. */
export function onGroupTimer(
  ctx: NodeContext,
  self: BrokerNode,
  name: string,
  groupId: string,
  timerId: number,
): void {
  const g = self.volatile.groups[groupId];
  if (!g || g.timer !== timerId) return; // stale
  g.timer = null;
  if (name === 'groupJoinDelay' && g.state === 'PreparingRebalance') {
    // Reference §3.3 step 3: while members keep arriving, wait again, min(delay, remaining).
    const remaining = g.initialDelayRemainingMs ?? 0;
    if (g.joinedDuringDelay && remaining > 0) {
      const delay = Math.min(GROUP_CONFIG.initialRebalanceDelayMs, remaining);
      g.initialDelayRemainingMs = remaining - delay;
      g.joinedDuringDelay = false;
      setTimer(ctx, g, 'groupJoinDelay', delay);
      return;
    }
    g.initialDelayRemainingMs = null;
    completeJoin(ctx, self, g);
  } else if (name === 'groupJoinDeadline' && g.state === 'PreparingRebalance') {
    completeJoin(ctx, self, g);
  } else if (name === 'groupSyncDeadline' && g.state === 'CompletingRebalance') {
    for (const m of Object.values(g.members))
      if (m.awaitingSync === null) removeMember(ctx, g, m, 'sync-timeout');
    prepareRebalance(ctx, self, g);
  }
}

/** Session expiry (heartbeat manager): remove members silent for longer than their session timeout. */
export function expireMembers(ctx: NodeContext, self: BrokerNode): void {
  const now = ctx.now();
  for (const g of Object.values(self.volatile.groups)) {
    let removed = false;
    for (const m of Object.values(g.members)) {
      // Kafka's MemberMetadata.shouldKeepAlive: a new member lives NewMemberJoinTimeoutMs, a member
      // with a join or sync in purgatory counts as alive, the others live a session timeout.
      const waiting = m.awaitingJoin !== null || m.awaitingSync !== null;
      const limit = m.isNew ? GROUP_CONFIG.newMemberJoinTimeoutMs : waiting ? Infinity : m.sessionTimeoutMs;
      if (now - m.lastHeartbeatMs > limit) {
        removeMember(ctx, g, m, 'session-timeout');
        removed = true;
      }
    }
    for (const [id, since] of Object.entries(g.pending)) {
      if (now - since > Math.max(GROUP_CONFIG.minSessionTimeoutMs, 10_000)) delete g.pending[id];
    }
    if (removed) afterRemoval(ctx, self, g);
  }
}

export function groupFor(self: BrokerNode, groupId: string, offsetsPartition: number): Group {
  return (self.volatile.groups[groupId] ??= emptyGroup(groupId, offsetsPartition));
}
