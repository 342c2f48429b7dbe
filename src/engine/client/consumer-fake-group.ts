/**
 * A small scripted classic group coordinator for consumer tests (see consumer-fake-cluster.ts). It
 * follows the shape of reference §3.3 without its timers' finer points: MEMBER_ID_REQUIRED for a new
 * dynamic member, a join phase that completes when every known member has rejoined (or after
 * `rebalanceTimeoutMs`, dropping the rest), the leader's SyncGroup relayed to everyone, heartbeats
 * that answer REBALANCE_IN_PROGRESS while a join phase runs, and offsets in a plain map.
 *
 * Test-only: its state lives in the kernel's shared bookkeeping, which real nodes never read.
 */
import { responseTo, type ResponseKind, type RpcBodies, type RpcMessageOf } from '../protocol/rpc-kinds';
import type { ErrorCode } from '../errors';
import type { NodeContext } from '../kernel/kernel';
import type {
  HeartbeatRequest,
  JoinGroupRequest,
  JoinGroupResponse,
  LeaveGroupRequest,
  OffsetCommitRequest,
  OffsetCommitResponse,
  OffsetFetchRequest,
  OffsetFetchResponse,
  SyncGroupRequest,
} from '../protocol/consume';
import type { GroupState, NodeId, TopicPartition } from '../types';

export interface FakeMember {
  memberId: string;
  instanceId: string | null;
  node: NodeId;
  protocols: JoinGroupRequest['protocols'];
  joinRequest: number | null;
  syncRequest: number | null;
  assignment: TopicPartition[];
}

export interface FakeGroup {
  groupId: string;
  state: GroupState;
  generation: number;
  leader: string | null;
  protocol: string | null;
  members: Record<string, FakeMember>;
  pending: string[];
  offsets: Record<string, number>;
  nextId: number;
  timer: number | null;
  /** Every JoinGroup, SyncGroup and Heartbeat body as it arrived, for assertions. */
  seen: { kind: string; body: unknown; atMs: number }[];
}

export function newFakeGroup(groupId: string): FakeGroup {
  return {
    groupId,
    state: 'Empty',
    generation: 0,
    leader: null,
    protocol: null,
    members: {},
    pending: [],
    offsets: {},
    nextId: 0,
    timer: null,
    seen: [],
  };
}

const joinAnswer = (error: ErrorCode | null, memberId = '', over: Partial<JoinGroupResponse> = {}) =>
  ({
    error,
    generationId: -1,
    protocolName: null,
    leader: '',
    memberId,
    members: [],
    ...over,
  }) as JoinGroupResponse;

/** Leave Stable/CompletingRebalance for a new join phase (prepareRebalance). */
export function prepareRebalance(ctx: NodeContext, g: FakeGroup, rebalanceTimeoutMs: number): void {
  for (const m of Object.values(g.members)) {
    if (m.syncRequest === null) continue;
    ctx.send(m.node, 'SyncGroupResponse', { error: 'REBALANCE_IN_PROGRESS', partitions: [] }, m.syncRequest);
    m.syncRequest = null;
  }
  if (g.state === 'PreparingRebalance') return;
  g.state = 'PreparingRebalance';
  if (g.timer !== null) ctx.cancelTimer(g.timer);
  g.timer = ctx.setTimer('fakeJoinDeadline', rebalanceTimeoutMs, { groupId: g.groupId });
}

/** Complete the join phase: drop who did not rejoin, bump the generation, answer every join. */
export function completeJoin(ctx: NodeContext, g: FakeGroup): void {
  if (g.state !== 'PreparingRebalance') return;
  if (g.timer !== null) ctx.cancelTimer(g.timer);
  g.timer = null;
  for (const m of Object.values(g.members)) if (m.joinRequest === null) delete g.members[m.memberId];
  const members = Object.values(g.members);
  g.generation++;
  if (members.length === 0) {
    g.state = 'Empty';
    g.leader = null;
    return;
  }
  if (!g.leader || !g.members[g.leader]) g.leader = members[0]!.memberId;
  const leader = g.members[g.leader]!;
  g.protocol =
    leader.protocols
      .map((p) => p.name)
      .find((n) => members.every((m) => m.protocols.some((p) => p.name === n))) ?? null;
  g.state = 'CompletingRebalance';
  for (const m of members) {
    const isLeader = m.memberId === g.leader;
    ctx.send(
      m.node,
      'JoinGroupResponse',
      joinAnswer(null, m.memberId, {
        generationId: g.generation,
        protocolName: g.protocol as JoinGroupResponse['protocolName'],
        leader: g.leader,
        members: isLeader
          ? members.map((x) => ({
              memberId: x.memberId,
              groupInstanceId: x.instanceId,
              metadata: (x.protocols.find((p) => p.name === g.protocol) ?? x.protocols[0]!).metadata,
            }))
          : [],
      }),
      m.joinRequest!,
    );
    m.joinRequest = null;
  }
}

function maybeCompleteJoin(ctx: NodeContext, g: FakeGroup): void {
  const all = Object.values(g.members);
  if (g.pending.length === 0 && all.length > 0 && all.every((m) => m.joinRequest !== null))
    completeJoin(ctx, g);
}

/** The requests the fake coordinator answers. */
export const FAKE_GROUP_KINDS = [
  'JoinGroup',
  'SyncGroup',
  'Heartbeat',
  'LeaveGroup',
  'OffsetCommit',
  'OffsetFetch',
] as const;
export type FakeGroupKind = (typeof FAKE_GROUP_KINDS)[number];

export function handleGroupRequest(
  ctx: NodeContext,
  g: FakeGroup,
  msg: RpcMessageOf<FakeGroupKind>,
  rebalanceTimeoutMs: number,
): void {
  g.seen.push({ kind: msg.kind, body: msg.body, atMs: ctx.now() });
  const reply = (body: RpcBodies[ResponseKind<FakeGroupKind>]): void => {
    ctx.send(msg.from, responseTo(msg.kind), body, msg.id);
  };
  switch (msg.kind) {
    case 'JoinGroup': {
      const req = msg.body as JoinGroupRequest;
      let memberId = req.memberId;
      if (memberId === '') {
        if (req.groupInstanceId === null) {
          memberId = `${req.clientId}-${++g.nextId}`;
          g.pending.push(memberId);
          return reply(joinAnswer('MEMBER_ID_REQUIRED', memberId));
        }
        // A static member gets its id at once; it replaces an earlier member with its instance id.
        memberId = `${req.groupInstanceId}-${++g.nextId}`;
        for (const m of Object.values(g.members)) {
          if (m.instanceId !== req.groupInstanceId) continue;
          delete g.members[m.memberId];
          if (g.leader === m.memberId) g.leader = memberId;
        }
        g.pending.push(memberId);
      }
      const known = g.members[memberId];
      if (!known && !g.pending.includes(memberId)) return reply(joinAnswer('UNKNOWN_MEMBER_ID', memberId));
      g.pending = g.pending.filter((id) => id !== memberId);
      const m: FakeMember = known ?? {
        memberId,
        instanceId: req.groupInstanceId,
        node: msg.from,
        protocols: req.protocols,
        joinRequest: null,
        syncRequest: null,
        assignment: [],
      };
      m.protocols = req.protocols;
      m.node = msg.from;
      m.joinRequest = msg.id;
      g.members[memberId] = m;
      g.leader ??= memberId;
      prepareRebalance(ctx, g, rebalanceTimeoutMs);
      return maybeCompleteJoin(ctx, g);
    }
    case 'SyncGroup': {
      const req = msg.body as SyncGroupRequest;
      const m = g.members[req.memberId];
      if (!m) return reply({ error: 'UNKNOWN_MEMBER_ID', partitions: [] });
      if (req.generationId !== g.generation) return reply({ error: 'ILLEGAL_GENERATION', partitions: [] });
      if (g.state === 'PreparingRebalance') return reply({ error: 'REBALANCE_IN_PROGRESS', partitions: [] });
      if (g.state === 'Stable') return reply({ error: null, partitions: m.assignment });
      m.syncRequest = msg.id;
      if (req.memberId !== g.leader) return;
      for (const x of Object.values(g.members)) {
        x.assignment = req.assignments.find((a) => a.memberId === x.memberId)?.partitions ?? [];
      }
      g.state = 'Stable';
      for (const x of Object.values(g.members)) {
        if (x.syncRequest === null) continue;
        ctx.send(x.node, 'SyncGroupResponse', { error: null, partitions: x.assignment }, x.syncRequest);
        x.syncRequest = null;
      }
      return;
    }
    case 'Heartbeat': {
      const req = msg.body as HeartbeatRequest;
      if (!g.members[req.memberId]) return reply({ error: 'UNKNOWN_MEMBER_ID' });
      if (g.state === 'PreparingRebalance') return reply({ error: 'REBALANCE_IN_PROGRESS' });
      if (req.generationId !== g.generation) return reply({ error: 'ILLEGAL_GENERATION' });
      return reply({ error: null });
    }
    case 'LeaveGroup': {
      const req = msg.body as LeaveGroupRequest;
      if (!g.members[req.memberId]) return reply({ error: 'UNKNOWN_MEMBER_ID' });
      delete g.members[req.memberId];
      if (g.leader === req.memberId) g.leader = Object.keys(g.members)[0] ?? null;
      reply({ error: null });
      if (Object.keys(g.members).length === 0) {
        g.state = 'Empty';
        return;
      }
      prepareRebalance(ctx, g, rebalanceTimeoutMs);
      return maybeCompleteJoin(ctx, g);
    }
    case 'OffsetCommit': {
      const req = msg.body as OffsetCommitRequest;
      let error: ErrorCode | null = null;
      if (req.generationId >= 0 || req.memberId !== '') {
        if (!g.members[req.memberId]) error = 'UNKNOWN_MEMBER_ID';
        else if (req.generationId !== g.generation) error = 'ILLEGAL_GENERATION';
        else if (g.state === 'CompletingRebalance') error = 'REBALANCE_IN_PROGRESS';
      }
      if (error === null) for (const o of req.offsets) g.offsets[`${o.topic}-${o.partition}`] = o.offset;
      const body: OffsetCommitResponse = {
        partitions: req.offsets.map((o) => ({ topic: o.topic, partition: o.partition, error })),
      };
      return reply(body);
    }
    case 'OffsetFetch': {
      const req = msg.body as OffsetFetchRequest;
      const body: OffsetFetchResponse = {
        error: null,
        partitions: req.partitions.map((p) => ({
          ...p,
          offset: g.offsets[`${p.topic}-${p.partition}`] ?? -1,
          error: null,
        })),
      };
      return reply(body);
    }
  }
}
