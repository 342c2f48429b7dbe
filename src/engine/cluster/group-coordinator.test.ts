import { describe, expect, it } from 'vitest';
import type { RpcBody, RpcKind } from '../protocol/rpc-kinds';
import type {
  FindCoordinatorResponse,
  JoinGroupRequest,
  JoinGroupResponse,
  OffsetFetchResponse,
  SyncGroupResponse,
} from '../protocol/consume';
import { replyTo, sendRaw, simulationWithRawClient } from '../testing/raw-client';
import { eventsOf, tail, untilReady } from '../testing/scenario';
import type { FacadeSimulation as Simulation } from '../simulation';

function ready(seed: number): Simulation {
  const sim = untilReady(
    simulationWithRawClient({ seed, brokers: 3, brokerConfig: { 'offsets.topic.num.partitions': 5 } }),
  );
  sim.dispatch({ type: 'topic.create', topic: 'orders', partitions: 2, replicationFactor: 3 });
  sim.runFor(500);
  return sim;
}

function call<T>(sim: Simulation, to: string, kind: RpcKind, body: RpcBody, maxMs = 10_000): T {
  const id = sendRaw(sim, to, kind, body);
  if (!sim.runUntil((s) => replyTo(s, id) !== undefined, maxMs))
    throw new Error(`no answer to ${kind} sent to ${to}\n${tail(sim, 20)}`);
  return replyTo(sim, id)!.body as T;
}

function findCoordinator(sim: Simulation, groupId: string): string {
  for (let i = 0; i < 20; i++) {
    const live = sim.snapshot().brokers.find((b) => b.alive)!.node;
    const res = call<FindCoordinatorResponse>(sim, live, 'FindCoordinator', {
      key: groupId,
      keyType: 'GROUP',
    });
    if (!res.error) return res.node!;
    sim.runFor(500);
  }
  throw new Error('no coordinator');
}

const join = (memberId: string): JoinGroupRequest => ({
  groupId: 'g',
  memberId,
  groupInstanceId: null,
  clientId: 'c1',
  sessionTimeoutMs: 10_000,
  rebalanceTimeoutMs: 10_000,
  protocolType: 'consumer',
  protocols: [{ name: 'range', metadata: { topics: ['orders'], ownedPartitions: [], generation: -1 } }],
});

describe('the group coordinator', () => {
  it('creates __consumer_offsets on first use and runs the join/sync handshake into Stable', () => {
    const sim = ready(61);
    const coordinator = findCoordinator(sim, 'g');
    expect(sim.snapshot().topics.find((t) => t.name === '__consumer_offsets')!.partitions).toHaveLength(5);
    const first = call<JoinGroupResponse>(sim, coordinator, 'JoinGroup', join(''));
    expect(first.error).toBe('MEMBER_ID_REQUIRED');
    expect(first.memberId).toMatch(/^c1-[0-9a-f]{8}$/);
    const start = sim.now();
    const joined = call<JoinGroupResponse>(sim, coordinator, 'JoinGroup', join(first.memberId));
    // The initial rebalance waits group.initial.rebalance.delay.ms for more members.
    expect(sim.now() - start).toBeGreaterThanOrEqual(3000);
    expect(joined).toMatchObject({
      error: null,
      generationId: 1,
      protocolName: 'range',
      leader: first.memberId,
    });
    expect(joined.members.map((m) => m.memberId)).toEqual([first.memberId]);
    const assignment = [
      { topic: 'orders', partition: 0 },
      { topic: 'orders', partition: 1 },
    ];
    const synced = call<SyncGroupResponse>(sim, coordinator, 'SyncGroup', {
      groupId: 'g',
      generationId: 1,
      memberId: first.memberId,
      groupInstanceId: null,
      assignments: [{ memberId: first.memberId, partitions: assignment }],
    });
    expect(synced).toEqual({ error: null, partitions: assignment });
    expect(
      call(sim, coordinator, 'Heartbeat', {
        groupId: 'g',
        generationId: 1,
        memberId: first.memberId,
        groupInstanceId: null,
      }),
    ).toEqual({ error: null });
    expect(eventsOf(sim, 'group.stateChanged').map((e) => e.to)).toEqual([
      'PreparingRebalance',
      'CompletingRebalance',
      'Stable',
    ]);
    expect(sim.snapshot().groups[0]).toMatchObject({
      groupId: 'g',
      state: 'Stable',
      generation: 1,
      leader: first.memberId,
    });
  });

  it('a coordinator that loses the offsets partition while alive marks the group Dead there', () => {
    const sim = ready(64);
    const coordinator = findCoordinator(sim, 'g');
    const first = call<JoinGroupResponse>(sim, coordinator, 'JoinGroup', join(''));
    call<JoinGroupResponse>(sim, coordinator, 'JoinGroup', join(first.memberId));
    const others = sim
      .snapshot()
      .nodes.map((n) => n.id)
      .filter((id) => id !== coordinator);
    sim.dispatch({ type: 'network.partition', sides: [[coordinator], others] });
    sim.runFor(15_000); // fenced: another replica leads the offsets partition
    const moved = findCoordinator(sim, 'g');
    expect(moved).not.toBe(coordinator);
    expect(eventsOf(sim, 'group.stateChanged').some((e) => e.to === 'Dead')).toBe(false);
    sim.dispatch({ type: 'network.heal' });
    // Back in touch, the old coordinator catches up on metadata at once (it does not wait out its
    // doubled retry timer) and learns it is a follower now.
    sim.runFor(3000);
    const broker = sim.snapshot().brokers.find((b) => b.node === coordinator)!.id;
    expect(eventsOf(sim, 'group.stateChanged').filter((e) => e.to === 'Dead')).toMatchObject([
      { groupId: 'g', broker, from: 'Empty' }, // the raw member never heartbeated: it timed out
    ]);
  });

  it('keeps committed offsets in __consumer_offsets: they survive a coordinator failover', () => {
    const sim = ready(62);
    const coordinator = findCoordinator(sim, 'g');
    const commit = call<{ partitions: { error: string | null }[] }>(sim, coordinator, 'OffsetCommit', {
      groupId: 'g',
      generationId: -1,
      memberId: '',
      groupInstanceId: null,
      offsets: [{ topic: 'orders', partition: 0, offset: 42, metadata: '' }],
    });
    expect(commit.partitions[0]!.error).toBeNull();
    expect(eventsOf(sim, 'group.offsetCommitted')).toMatchObject([
      { groupId: 'g', topic: 'orders', partition: 0, offset: 42 },
    ]);
    sim.dispatch({ type: 'node.crash', node: coordinator });
    sim.runFor(12_000); // fenced; another replica of the offsets partition leads
    const next = findCoordinator(sim, 'g');
    expect(next).not.toBe(coordinator);
    const fetched = call<OffsetFetchResponse>(sim, next, 'OffsetFetch', {
      groupId: 'g',
      partitions: [
        { topic: 'orders', partition: 0 },
        { topic: 'orders', partition: 1 },
      ],
    });
    expect(fetched.partitions.map((p) => p.offset)).toEqual([42, -1]);
  });

  it('removes a member that stops heartbeating after session.timeout.ms', () => {
    const sim = ready(63);
    const coordinator = findCoordinator(sim, 'g');
    const id = call<JoinGroupResponse>(sim, coordinator, 'JoinGroup', join('')).memberId;
    call<JoinGroupResponse>(sim, coordinator, 'JoinGroup', join(id));
    call(sim, coordinator, 'SyncGroup', {
      groupId: 'g',
      generationId: 1,
      memberId: id,
      groupInstanceId: null,
      assignments: [],
    });
    const silentFrom = sim.now();
    sim.runUntil((s) => eventsOf(s, 'group.memberRemoved').length > 0, 20_000);
    const removed = eventsOf(sim, 'group.memberRemoved')[0]!;
    expect(removed).toMatchObject({ memberId: id, reason: 'session-timeout' });
    expect(removed.atMs - silentFrom).toBeGreaterThan(10_000);
    sim.runFor(1000);
    expect(sim.snapshot().groups[0]!.state).toBe('Empty');
  });

  it('rejects a session timeout outside the broker limits and an unknown member', () => {
    const sim = ready(64);
    const coordinator = findCoordinator(sim, 'g');
    expect(
      call<JoinGroupResponse>(sim, coordinator, 'JoinGroup', { ...join(''), sessionTimeoutMs: 1000 }).error,
    ).toBe('INVALID_SESSION_TIMEOUT');
    expect(call<JoinGroupResponse>(sim, coordinator, 'JoinGroup', join('c1-ffffffff')).error).toBe(
      'UNKNOWN_MEMBER_ID',
    );
    const other = [1, 2, 3].map((b) => `broker-${b}`).find((b) => b !== coordinator)!;
    expect(call<JoinGroupResponse>(sim, other, 'JoinGroup', join('')).error).toBe('NOT_COORDINATOR');
  });
});
