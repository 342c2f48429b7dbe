/**
 * The consumer's side of the classic group protocol against the scripted fake coordinator
 * (consumer-fake-group.ts): the join handshake, the leader's assignment, eager and cooperative
 * rebalancing, heartbeats and the errors that send a member back to (re)join.
 */
import { describe, expect, it } from 'vitest';
import { assignPartitions } from '../group/assignors';
import type { JoinGroupRequest, SyncGroupRequest } from '../protocol/consume';
import type { FacadeSimulation as Simulation } from '../simulation';
import type { ConfigValue, EngineEvent } from '../types';
import { eventsOf as of } from '../testing/scenario';
import {
  consumeWorld,
  fakeAppend,
  fakeConsumeFault,
  fakeConsumeTopic,
  fakeGroupOf,
  fakeRebalance,
  fakeSetCoordinator,
} from './consumer-fake-cluster';
import { checkExclusiveOwnership } from './consumer-invariants';

const FAST: Record<string, ConfigValue> = {
  'heartbeat.interval.ms': 100,
  'session.timeout.ms': 6000,
  'auto.offset.reset': 'earliest',
};

function join(
  sim: Simulation,
  name: string,
  config: Record<string, ConfigValue> = {},
  topics = ['orders'],
): void {
  sim.dispatch({ type: 'consumer.create', consumer: name, groupId: 'g', config: { ...FAST, ...config } });
  sim.dispatch({ type: 'consumer.subscribe', consumer: name, topics });
}

const consumer = (sim: Simulation, name: string) => sim.snapshot().consumers.find((c) => c.id === name)!;
const owned = (sim: Simulation, name: string) => consumer(sim, name).assignment.map((a) => a.partition);
const sent = (sim: Simulation, kind: string, from?: string) =>
  of(sim, 'rpc.sent').filter((e) => e.kind === kind && (from === undefined || e.from === `consumer:${from}`));
const kindsOf = (events: EngineEvent[]) =>
  events.flatMap((e) => (e.type === 'rpc.sent' ? [e.kind] : e.type.startsWith('consumer.') ? [e.type] : []));

function until(sim: Simulation, done: () => boolean, maxMs = 10_000): void {
  if (!sim.runUntil(done, maxMs)) throw new Error('condition not reached');
}

describe('joining a group', () => {
  it('finds the coordinator, is told its member id (MEMBER_ID_REQUIRED), joins again, leads, syncs', () => {
    const sim = consumeWorld();
    join(sim, 'c1');
    until(sim, () => consumer(sim, 'c1').state === 'stable');
    const flow = kindsOf(sim.events()).filter((k) => !['Metadata', 'MetadataResponse'].includes(k));
    expect(flow.slice(0, 10)).toEqual([
      'FindCoordinator',
      'FindCoordinatorResponse',
      'JoinGroup',
      'JoinGroupResponse',
      'JoinGroup',
      'JoinGroupResponse',
      'SyncGroup',
      'SyncGroupResponse',
      'consumer.assigned',
      'OffsetFetch',
    ]);
    const joins = sent(sim, 'JoinGroup').map((e) => e.body as JoinGroupRequest);
    expect(joins.map((j) => j.memberId)).toEqual(['', 'c1-1']);
    expect(joins[0]).toMatchObject({
      groupId: 'g',
      groupInstanceId: null,
      clientId: 'c1',
      sessionTimeoutMs: 6000,
      rebalanceTimeoutMs: 300000,
      protocolType: 'consumer',
    });
    // Kafka 3.x's default list, in preference order, each with the subscription.
    expect(joins[0]!.protocols).toEqual([
      { name: 'range', metadata: { topics: ['orders'], ownedPartitions: [], generation: -1 } },
      { name: 'cooperative-sticky', metadata: { topics: ['orders'], ownedPartitions: [], generation: -1 } },
    ]);
    const responses = sent(sim, 'JoinGroupResponse');
    expect(responses[0]!.body).toMatchObject({ error: 'MEMBER_ID_REQUIRED', memberId: 'c1-1' });
    expect(of(sim, 'consumer.assigned')).toMatchObject([
      {
        consumer: 'c1',
        groupId: 'g',
        generation: 1,
        partitions: [0, 1, 2].map((p) => ({ topic: 'orders', partition: p })),
      },
    ]);
    expect(consumer(sim, 'c1')).toMatchObject({ state: 'stable', memberId: 'c1-1', generation: 1 });
  });

  it('heartbeats every heartbeat.interval.ms while stable', () => {
    const sim = consumeWorld();
    join(sim, 'c1', { 'heartbeat.interval.ms': 250 });
    until(sim, () => consumer(sim, 'c1').state === 'stable');
    const t0 = sim.now();
    sim.runFor(1000);
    const beats = sent(sim, 'Heartbeat').filter((e) => e.atMs > t0);
    expect(beats).toHaveLength(4);
    expect(beats[1]!.atMs - beats[0]!.atMs).toBe(250);
    expect(beats[0]!.body).toEqual({
      groupId: 'g',
      generationId: 1,
      memberId: 'c1-1',
      groupInstanceId: null,
    });
  });

  it('the leader runs range over every member subscription; followers send no assignment', () => {
    const sim = consumeWorld();
    join(sim, 'c1');
    join(sim, 'c2');
    until(
      sim,
      () =>
        consumer(sim, 'c1').generation === consumer(sim, 'c2').generation &&
        consumer(sim, 'c2').state === 'stable' &&
        consumer(sim, 'c1').state === 'stable',
    );
    const g = fakeGroupOf(sim, 'g')!;
    const syncs = sent(sim, 'SyncGroup')
      .map((e) => e.body as SyncGroupRequest)
      .filter((s) => s.generationId === g.generation);
    const leader = syncs.find((s) => s.memberId === g.leader)!;
    const expected = assignPartitions('range', { orders: 3 }, [
      { memberId: 'c1-1', topics: ['orders'] },
      { memberId: 'c2-2', topics: ['orders'] },
    ]);
    expect(leader.assignments).toEqual(
      Object.entries(expected).map(([memberId, partitions]) => ({ memberId, partitions })),
    );
    expect(syncs.filter((s) => s.memberId !== g.leader).every((s) => s.assignments.length === 0)).toBe(true);
    expect(owned(sim, 'c1')).toEqual([0, 1]);
    expect(owned(sim, 'c2')).toEqual([2]);
  });

  it('the leader asks Metadata for topics only other members subscribe to before assigning', () => {
    const sim = consumeWorld();
    fakeConsumeTopic(sim, 'payments', [2, 3]);
    join(sim, 'c1');
    until(sim, () => consumer(sim, 'c1').state === 'stable');
    join(sim, 'c2', {}, ['payments']);
    until(sim, () => owned(sim, 'c2').length === 2 && owned(sim, 'c1').length === 3, 5000);
    const leaderMeta = sent(sim, 'Metadata', 'c1').map((e) => (e.body as { topics: string[] }).topics);
    expect(leaderMeta.at(-1)).toEqual(['orders', 'payments']);
    expect(consumer(sim, 'c2').assignment.map((a) => `${a.topic}-${a.partition}`)).toEqual([
      'payments-0',
      'payments-1',
    ]);
    expect(owned(sim, 'c1')).toEqual([0, 1, 2]);
  });
});

describe('eager and cooperative rebalancing', () => {
  it('eager (range): the member commits, revokes everything, then joins; nothing is received meanwhile', () => {
    const sim = consumeWorld();
    join(sim, 'c1');
    until(sim, () => consumer(sim, 'c1').state === 'stable');
    fakeAppend(sim, 'orders', 0, ['a', 'b']);
    sim.runFor(200);
    const since = sim.events().length;
    join(sim, 'c2');
    until(sim, () => consumer(sim, 'c1').generation === 2 && consumer(sim, 'c1').state === 'stable');
    const story = kindsOf(sim.events(since)).filter((k) =>
      ['OffsetCommit', 'consumer.committed', 'consumer.revoked', 'JoinGroup', 'consumer.assigned'].includes(
        k,
      ),
    );
    // c2's own JoinGroups come first; then c1's onJoinPrepare: commit, revoke all, join.
    const c1Story = sim
      .events(since)
      .filter((e) =>
        e.type === 'rpc.sent' ? e.from === 'consumer:c1' : 'consumer' in e && e.consumer === 'c1',
      );
    expect(kindsOf(c1Story).filter((k) => story.includes(k))).toEqual([
      'OffsetCommit',
      'consumer.committed',
      'consumer.revoked',
      'JoinGroup',
      'consumer.assigned',
    ]);
    expect(of(sim, 'consumer.revoked', since)).toMatchObject([
      { consumer: 'c1', partitions: [0, 1, 2].map((p) => ({ topic: 'orders', partition: p })) },
    ]);
    expect(of(sim, 'consumer.committed', since)[0]!.offsets).toContainEqual({
      topic: 'orders',
      partition: 0,
      offset: 2,
    });
    // Eager: the new assignment is announced whole.
    expect(of(sim, 'consumer.assigned', since).find((e) => e.consumer === 'c1')!.partitions).toEqual([
      { topic: 'orders', partition: 0 },
      { topic: 'orders', partition: 1 },
    ]);
  });

  it('cooperative-sticky: the owner revokes only what moves, rejoins at once, and the partition moves in a second round', () => {
    const sim = consumeWorld();
    const coop = { 'partition.assignment.strategy': 'cooperative-sticky' };
    join(sim, 'c1', coop);
    until(sim, () => consumer(sim, 'c1').state === 'stable');
    const since = sim.events().length;
    join(sim, 'c2', coop);
    let violation: string | null = null;
    until(sim, () => {
      violation ??= checkExclusiveOwnership(sim);
      return owned(sim, 'c2').length === 1;
    });
    expect(violation).toBeNull();
    // Reference §2.4 #21: round 1 gives c1 [0, 1] and c2 nothing (orders-2 is revoked); round 2 gives c2 orders-2.
    expect(of(sim, 'consumer.revoked', since)).toMatchObject([
      { consumer: 'c1', partitions: [{ topic: 'orders', partition: 2 }] },
    ]);
    const assigned = of(sim, 'consumer.assigned', since).map((e) => [
      e.consumer,
      e.generation,
      e.partitions.map((p) => p.partition),
    ]);
    expect(assigned).toEqual([
      ['c1', 2, []],
      ['c2', 2, []],
      ['c1', 3, []],
      ['c2', 3, [2]],
    ]);
    expect(owned(sim, 'c1')).toEqual([0, 1]);
    // c1 rejoined the moment it revoked, not at its next heartbeat: onJoinPrepare's commit, then JoinGroup.
    const revokedAt = of(sim, 'consumer.revoked', since)[0]!.atMs;
    const commit = sent(sim, 'OffsetCommit', 'c1').find((e) => e.atMs >= revokedAt)!;
    expect(commit.atMs).toBe(revokedAt);
    const rejoin = sent(sim, 'JoinGroup', 'c1').find((e) => e.atMs >= revokedAt)!;
    const committedAt = of(sim, 'consumer.committed', since).find((e) => e.atMs >= revokedAt)!.atMs;
    expect(rejoin.atMs).toBe(committedAt);
    expect(sent(sim, 'Heartbeat', 'c1').some((e) => e.atMs > revokedAt && e.atMs < rejoin.atMs)).toBe(false);
    // Its JoinGroup told the leader what it still owns, and in which generation.
    expect((rejoin.body as JoinGroupRequest).protocols[0]!.metadata).toEqual({
      topics: ['orders'],
      ownedPartitions: [
        { topic: 'orders', partition: 0 },
        { topic: 'orders', partition: 1 },
      ],
      generation: 2,
    });
  });

  it('a changed subscription rebalances; cooperative members drop the topics they left before joining', () => {
    const sim = consumeWorld();
    fakeConsumeTopic(sim, 'payments', [1]);
    join(sim, 'c1', { 'partition.assignment.strategy': 'cooperative-sticky' }, ['orders', 'payments']);
    until(sim, () => owned(sim, 'c1').length === 4);
    const since = sim.events().length;
    sim.dispatch({ type: 'consumer.subscribe', consumer: 'c1', topics: ['orders'] });
    until(sim, () => consumer(sim, 'c1').generation === 2 && consumer(sim, 'c1').state === 'stable');
    expect(of(sim, 'consumer.revoked', since)).toMatchObject([
      { partitions: [{ topic: 'payments', partition: 0 }] },
    ]);
    expect(owned(sim, 'c1')).toEqual([0, 1, 2]);
  });
});

describe('heartbeat answers', () => {
  function stable(config: Record<string, ConfigValue> = {}) {
    const sim = consumeWorld();
    join(sim, 'c1', config);
    until(sim, () => consumer(sim, 'c1').state === 'stable');
    sim.runFor(200); // positions settled: nothing but fetches and heartbeats in flight
    return { sim, since: sim.events().length };
  }

  it('REBALANCE_IN_PROGRESS: the member rejoins with its id and gets the next generation', () => {
    const { sim, since } = stable();
    fakeRebalance(sim, 'g');
    until(sim, () => consumer(sim, 'c1').generation === 2 && consumer(sim, 'c1').state === 'stable');
    expect(
      sent(sim, 'HeartbeatResponse').some(
        (e) => e.seq > since && (e.body as { error: string }).error === 'REBALANCE_IN_PROGRESS',
      ),
    ).toBe(true);
    expect(
      sent(sim, 'JoinGroup')
        .filter((e) => e.seq > since)
        .map((e) => (e.body as JoinGroupRequest).memberId),
    ).toEqual(['c1-1']);
  });

  it('UNKNOWN_MEMBER_ID: partitions are lost (no commit), the member id is dropped, it joins as new', () => {
    const { sim, since } = stable();
    fakeConsumeFault(sim, { kind: 'Heartbeat', error: 'UNKNOWN_MEMBER_ID' });
    until(sim, () => consumer(sim, 'c1').state === 'stable' && consumer(sim, 'c1').generation === 2);
    expect(of(sim, 'consumer.revoked', since)).toHaveLength(1);
    expect(sent(sim, 'OffsetCommit').filter((e) => e.seq > since)).toEqual([]);
    expect(
      sent(sim, 'JoinGroup')
        .filter((e) => e.seq > since)
        .map((e) => (e.body as JoinGroupRequest).memberId),
    ).toEqual(['', 'c1-2']);
    expect(consumer(sim, 'c1').memberId).toBe('c1-2');
  });

  it('ILLEGAL_GENERATION: partitions are lost, the member keeps its id', () => {
    const { sim, since } = stable();
    fakeConsumeFault(sim, { kind: 'Heartbeat', error: 'ILLEGAL_GENERATION' });
    until(sim, () => consumer(sim, 'c1').state === 'stable' && consumer(sim, 'c1').generation === 2);
    expect(of(sim, 'consumer.revoked', since)).toHaveLength(1);
    const join1 = sent(sim, 'JoinGroup').find((e) => e.seq > since)!.body as JoinGroupRequest;
    expect(join1.memberId).toBe('c1-1');
    expect(join1.protocols[0]!.metadata.generation).toBe(-1);
  });

  it('NOT_COORDINATOR: the member looks the coordinator up again and goes on heartbeating there', () => {
    const { sim, since } = stable();
    fakeSetCoordinator(sim, 2);
    fakeConsumeFault(sim, { kind: 'Heartbeat', error: 'NOT_COORDINATOR' });
    sim.runFor(500);
    expect(sent(sim, 'FindCoordinator').filter((e) => e.seq > since)).toHaveLength(1);
    expect(sent(sim, 'Heartbeat').at(-1)!.to).toBe('broker-2');
    expect(consumer(sim, 'c1')).toMatchObject({ state: 'stable', generation: 1 });
    expect(of(sim, 'consumer.revoked', since)).toEqual([]);
  });

  it('the coordinator broker down: the heartbeat fails at once and the member finds the new coordinator', () => {
    const { sim, since } = stable();
    fakeSetCoordinator(sim, 3);
    sim.dispatch({ type: 'broker.crash', broker: 1 });
    sim.runFor(500);
    expect(
      of(sim, 'rpc.dropped', since).some((e) => e.kind === 'Heartbeat' && e.reason === 'node-down'),
    ).toBe(true);
    expect(sent(sim, 'Heartbeat').at(-1)!.to).toBe('broker-3');
    expect(consumer(sim, 'c1')).toMatchObject({ state: 'stable', generation: 1 });
  });

  it('no heartbeat answer for a whole session: the member presumes the coordinator dead', () => {
    const { sim, since } = stable();
    fakeConsumeFault(sim, { kind: 'Heartbeat', silent: true, times: 1000 });
    sim.runFor(6200);
    const finds = sent(sim, 'FindCoordinator').filter((e) => e.seq > since);
    expect(finds.length).toBeGreaterThanOrEqual(1);
    expect(finds[0]!.atMs - sent(sim, 'Heartbeat').find((e) => e.seq > since)!.atMs).toBeGreaterThanOrEqual(
      5900,
    );
  });
});

describe('join errors', () => {
  it('a fatal JoinGroup error (INVALID_SESSION_TIMEOUT) fails the member: it stops joining', () => {
    const sim = consumeWorld();
    fakeConsumeFault(sim, { kind: 'JoinGroup', error: 'INVALID_SESSION_TIMEOUT' });
    join(sim, 'c1');
    sim.runFor(2000);
    expect(of(sim, 'consumer.failed')).toMatchObject([{ consumer: 'c1', error: 'INVALID_SESSION_TIMEOUT' }]);
    expect(of(sim, 'consumer.failed')[0]!.message).toMatch(/session\.timeout\.ms=6000/);
    expect(sent(sim, 'JoinGroup')).toHaveLength(1);
    expect(consumer(sim, 'c1')).toMatchObject({ state: 'failed', error: 'INVALID_SESSION_TIMEOUT' });
  });

  it('NOT_COORDINATOR on JoinGroup: find the coordinator again, then join there', () => {
    const sim = consumeWorld();
    fakeConsumeFault(sim, { kind: 'JoinGroup', error: 'NOT_COORDINATOR' });
    join(sim, 'c1');
    until(sim, () => consumer(sim, 'c1').state === 'stable');
    expect(sent(sim, 'FindCoordinator')).toHaveLength(2);
  });

  it('REBALANCE_IN_PROGRESS on SyncGroup: join again (without another commit)', () => {
    const sim = consumeWorld();
    fakeConsumeFault(sim, { kind: 'SyncGroup', error: 'REBALANCE_IN_PROGRESS' });
    join(sim, 'c1');
    until(sim, () => consumer(sim, 'c1').state === 'stable');
    expect(sent(sim, 'JoinGroup').map((e) => (e.body as JoinGroupRequest).memberId)).toEqual([
      '',
      'c1-1',
      'c1-1',
    ]);
    expect(consumer(sim, 'c1').generation).toBe(2);
  });
});

describe('static membership and leaving', () => {
  it('a static member joins with its group.instance.id at once and never sends LeaveGroup', () => {
    const sim = consumeWorld();
    join(sim, 'c1', { 'group.instance.id': 'web-1' });
    until(sim, () => consumer(sim, 'c1').state === 'stable');
    expect(sent(sim, 'JoinGroup').map((e) => e.body as JoinGroupRequest)).toMatchObject([
      { memberId: '', groupInstanceId: 'web-1' },
    ]);
    sim.runFor(300);
    expect(sent(sim, 'Heartbeat').at(-1)!.body).toMatchObject({ groupInstanceId: 'web-1' });
    sim.dispatch({ type: 'consumer.close', consumer: 'c1' });
    sim.runFor(1000);
    expect(sent(sim, 'LeaveGroup')).toEqual([]);
    expect(consumer(sim, 'c1').state).toBe('closed');
  });

  it('close: commit, revoke, LeaveGroup, closed; nothing is sent after', () => {
    const sim = consumeWorld();
    join(sim, 'c1');
    until(sim, () => consumer(sim, 'c1').state === 'stable');
    fakeAppend(sim, 'orders', 1, ['x']);
    sim.runFor(100);
    const since = sim.events().length;
    sim.dispatch({ type: 'consumer.close', consumer: 'c1' });
    sim.runFor(2000);
    const mine = sim
      .events(since)
      .filter((e) => (e.type === 'rpc.sent' ? e.from === 'consumer:c1' : e.type.startsWith('consumer.')));
    // Fetches already out are answered to a closed consumer, which ignores them.
    expect(kindsOf(mine)).toEqual(['OffsetCommit', 'consumer.committed', 'consumer.revoked', 'LeaveGroup']);
    expect(sent(sim, 'LeaveGroup')[0]!.body).toMatchObject({ groupId: 'g', memberId: 'c1-1' });
    expect(consumer(sim, 'c1')).toMatchObject({ state: 'closed', memberId: null, assignment: [] });
  });
});
