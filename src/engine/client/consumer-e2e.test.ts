/**
 * The consume path end to end: the real consumer client against real brokers, the real group
 * coordinator and the replicated __consumer_offsets topic (createSimulation).
 */
import { describe, expect, it } from 'vitest';
import { replaySimulation } from '../index';
import type { FacadeSimulation as Simulation } from '../simulation';
import type { ConfigValue, ConsumerSnapshot } from '../types';
import { cluster, eventsOf as of, untilReady } from '../testing/scenario';
import { checkExclusiveOwnership } from './consumer-invariants';

const FAST: Record<string, ConfigValue> = {
  'heartbeat.interval.ms': 1000,
  'session.timeout.ms': 6000,
  'auto.offset.reset': 'earliest',
  'auto.commit.interval.ms': 1000,
};

function ready(seed: number, partitions: number): Simulation {
  const sim = untilReady(cluster(seed));
  sim.dispatch({ type: 'topic.create', topic: 'orders', partitions, replicationFactor: 3 });
  sim.runFor(1000);
  sim.dispatch({ type: 'producer.create', producer: 'p' });
  return sim;
}

function produce(sim: Simulation, n: number, from = 0): void {
  for (let i = from; i < from + n; i++) {
    sim.dispatch({ type: 'producer.send', producer: 'p', topic: 'orders', key: `k${i}`, value: `v${i}` });
  }
}

function subscribe(
  sim: Simulation,
  name: string,
  groupId: string,
  config: Record<string, ConfigValue> = {},
): void {
  sim.dispatch({ type: 'consumer.create', consumer: name, groupId, config: { ...FAST, ...config } });
  sim.dispatch({ type: 'consumer.subscribe', consumer: name, topics: ['orders'] });
}

const consumers = (sim: Simulation): Record<string, ConsumerSnapshot> =>
  Object.fromEntries(sim.snapshot().consumers.map((c) => [c.id, c]));
const received = (sim: Simulation, consumer: string, since = 0) =>
  of(sim, 'consumer.received', since)
    .filter((e) => e.consumer === consumer)
    .flatMap((e) => e.records);

/** Run, checking that no partition has two owners in one generation every 50 ms. */
function runChecked(sim: Simulation, ms: number): void {
  for (let t = 0; t < ms; t += 50) {
    sim.runFor(50);
    const bad = checkExclusiveOwnership(sim);
    if (bad) throw new Error(bad);
  }
}

describe('consuming from a real cluster', () => {
  it('a group consumer reads every record once, in order per partition, and commits its positions', () => {
    const sim = ready(61, 3);
    produce(sim, 12);
    subscribe(sim, 'c1', 'g');
    sim.runUntil((s) => received(s, 'c1').length === 12, 20_000);
    const records = received(sim, 'c1');
    for (const p of [0, 1, 2]) {
      const offsets = records.filter((r) => r.partition === p).map((r) => r.offset);
      expect(offsets).toEqual([...offsets.keys()]);
    }
    sim.runFor(2000);
    const c1 = consumers(sim).c1!;
    expect(c1).toMatchObject({ state: 'stable', generation: 1, received: 12 });
    for (const a of c1.assignment) expect(a.committed).toBe(a.position);
    for (const a of c1.assignment) expect(a.lag).toBe(0);
    const group = sim.snapshot().groups.find((g) => g.groupId === 'g')!;
    expect(group.offsets.map((o) => o.offset).reduce((a, b) => a + b, 0)).toBe(12);
  });

  it('groups read independently, each with its own offsets (the course example)', () => {
    const sim = ready(62, 2);
    produce(sim, 8);
    subscribe(sim, 'a1', 'A');
    subscribe(sim, 'a2', 'A');
    subscribe(sim, 'b1', 'B');
    for (const c of ['c1', 'c2', 'c3']) subscribe(sim, c, 'C');
    runChecked(sim, 15_000);
    const cs = consumers(sim);
    const count = (names: string[]) => names.reduce((n, c) => n + cs[c]!.received, 0);
    expect(count(['a1', 'a2'])).toBe(8);
    expect(count(['b1'])).toBe(8);
    expect(count(['c1', 'c2', 'c3'])).toBe(8);
    expect([cs.a1!, cs.a2!].map((c) => c.assignment.length)).toEqual([1, 1]);
    expect(cs.b1!.assignment).toHaveLength(2);
    expect([cs.c1!, cs.c2!, cs.c3!].map((c) => c.assignment.length).sort()).toEqual([0, 1, 1]);
    const groups = sim.snapshot().groups;
    expect(groups.map((g) => g.groupId)).toEqual(['A', 'B', 'C']);
  });

  it('12 partitions and 3 consumers give 4 each; after a crash and the session timeout, 6 each', () => {
    const sim = ready(63, 12);
    for (const c of ['c1', 'c2', 'c3']) subscribe(sim, c, 'g');
    runChecked(sim, 10_000);
    expect(Object.values(consumers(sim)).map((c) => c.assignment.length)).toEqual([4, 4, 4]);
    sim.dispatch({ type: 'consumer.crash', consumer: 'c2' });
    runChecked(sim, 4000);
    // Within the session timeout nothing changes: c2's partitions are simply not read.
    expect(consumers(sim).c1!.assignment).toHaveLength(4);
    runChecked(sim, 6000);
    const cs = consumers(sim);
    expect([cs.c1!.assignment.length, cs.c3!.assignment.length]).toEqual([6, 6]);
    expect(of(sim, 'group.memberRemoved').map((e) => [e.clientId, e.reason])).toEqual([
      ['c2', 'session-timeout'],
    ]);
  });

  it('after a crash, consumption resumes from the last committed offset: later records come again', () => {
    const sim = ready(64, 1);
    produce(sim, 5);
    subscribe(sim, 'c1', 'g', { 'enable.auto.commit': false });
    sim.runUntil((s) => received(s, 'c1').length === 5, 20_000);
    sim.dispatch({
      type: 'consumer.commit',
      consumer: 'c1',
      offsets: [{ topic: 'orders', partition: 0, offset: 3 }],
    });
    sim.runUntil((s) => of(s, 'consumer.committed').length === 1, 5000);
    sim.dispatch({ type: 'consumer.crash', consumer: 'c1' });
    sim.runFor(1000);
    const since = sim.events().length;
    sim.dispatch({ type: 'node.restart', node: 'consumer:c1' });
    sim.runUntil((s) => received(s, 'c1', since).length === 2, 30_000);
    expect(received(sim, 'c1', since).map((r) => [r.offset, r.value])).toEqual([
      [3, 'v3'],
      [4, 'v4'],
    ]);
  });

  it('cooperative-sticky end to end: a joining member gets partitions in two rounds, nobody stops reading', () => {
    const sim = ready(65, 6);
    const coop = { 'partition.assignment.strategy': 'cooperative-sticky' };
    for (const c of ['c1', 'c2']) subscribe(sim, c, 'g', coop);
    runChecked(sim, 8000);
    const since = sim.events().length;
    subscribe(sim, 'c3', 'g', coop);
    runChecked(sim, 8000);
    const cs = consumers(sim);
    expect([cs.c1!, cs.c2!, cs.c3!].map((c) => c.assignment.length)).toEqual([2, 2, 2]);
    // Each old member revoked exactly the partition that moved, never everything.
    const revoked = of(sim, 'consumer.revoked', since);
    expect(revoked.map((e) => [e.consumer, e.partitions.length]).sort()).toEqual([
      ['c1', 1],
      ['c2', 1],
    ]);
    // Two rebalances: the first moves nothing to c3 (the partitions are being revoked), the second does.
    const generations = of(sim, 'group.rebalanced', since).map((e) => e.generation);
    expect(generations).toHaveLength(2);
    expect(generations[1]).toBe(generations[0]! + 1);
    const c3Assigned = of(sim, 'consumer.assigned', since).filter((e) => e.consumer === 'c3');
    expect(c3Assigned.map((e) => [e.generation, e.partitions.length])).toEqual([
      [generations[0], 0],
      [generations[1], 2],
    ]);
  });

  it('a static member that restarts within the session timeout gets its partitions back without a rebalance', () => {
    const sim = ready(66, 2);
    subscribe(sim, 'c1', 'g', { 'group.instance.id': 'i1' });
    subscribe(sim, 'c2', 'g', { 'group.instance.id': 'i2' });
    runChecked(sim, 8000);
    const before = consumers(sim).c1!.assignment.map((a) => a.partition);
    const rebalances = of(sim, 'group.rebalanced').length;
    sim.dispatch({ type: 'consumer.crash', consumer: 'c1' });
    sim.runFor(2000);
    sim.dispatch({ type: 'node.restart', node: 'consumer:c1' });
    runChecked(sim, 3000);
    expect(consumers(sim).c1!.assignment.map((a) => a.partition)).toEqual(before);
    expect(of(sim, 'group.rebalanced')).toHaveLength(rebalances);
    sim.dispatch({ type: 'consumer.close', consumer: 'c1' });
    sim.runFor(2000);
    expect(of(sim, 'rpc.sent').filter((e) => e.kind === 'LeaveGroup')).toEqual([]);
  });

  it('a consume session replays event for event, and a checkpoint restore reproduces it', () => {
    const sim = ready(67, 3);
    produce(sim, 9);
    subscribe(sim, 'c1', 'g');
    subscribe(sim, 'c2', 'g');
    sim.runFor(8000);
    const checkpoint = sim.checkpoint();
    sim.dispatch({ type: 'consumer.crash', consumer: 'c1' });
    sim.runFor(10_000);
    const after = JSON.stringify(sim.events(checkpoint.traceLength));
    const replay = replaySimulation({ seed: 67, brokers: 3 }, sim.commandLog());
    replay.runFor(sim.now() - replay.now());
    expect(JSON.stringify(replay.events())).toBe(JSON.stringify(sim.events()));
    sim.restore(checkpoint);
    sim.dispatch({ type: 'consumer.crash', consumer: 'c1' });
    sim.runFor(10_000);
    expect(JSON.stringify(sim.events(checkpoint.traceLength))).toBe(after);
  });

  it('an application slower than max.poll.interval.ms is kicked out; its uncommitted records are read again', () => {
    const sim = ready(71, 2);
    produce(sim, 40);
    // c1 spends 1 s per record and takes 10 per poll: 10 s between polls, max.poll.interval.ms is 5 s.
    subscribe(sim, 'c1', 'g', {
      'processing.ms.per.record': 1000,
      'max.poll.records': 10,
      'max.poll.interval.ms': 5000,
    });
    sim.runUntil((s) => received(s, 'c1').length > 0, 20_000);
    const firstPoll = of(sim, 'consumer.received').find((e) => e.consumer === 'c1')!;
    expect(consumers(sim).c1!.processingUntilMs).toBe(sim.now() + 10_000);
    const firstMemberId = consumers(sim).c1!.memberId;
    expect(firstMemberId).toMatch(/^c1-/);
    subscribe(sim, 'c2', 'g');
    runChecked(sim, 8000);
    // The heartbeat thread notices at exactly 5 s after the poll and leaves the group.
    const timeout = of(sim, 'consumer.pollTimedOut')[0]!;
    expect(timeout).toMatchObject({ consumer: 'c1', groupId: 'g', maxPollIntervalMs: 5000 });
    expect(timeout.atMs).toBe(firstPoll.atMs + 5000);
    const leave = of(sim, 'rpc.sent').find((e) => e.kind === 'LeaveGroup')!;
    expect(leave.atMs).toBe(timeout.atMs);
    expect(of(sim, 'group.memberRemoved')).toMatchObject([{ clientId: 'c1', reason: 'left' }]);
    // c1 committed nothing while it was busy, so c2 starts from the beginning and reads c1's records again.
    sim.runUntil((s) => consumers(s).c2!.assignment.length === 2, 20_000);
    runChecked(sim, 6000);
    const firstBatch = firstPoll.records.map((r) => `${r.partition}/${r.offset}`);
    const byC2 = new Set(received(sim, 'c2').map((r) => `${r.partition}/${r.offset}`));
    expect(firstBatch.every((k) => byC2.has(k))).toBe(true);
    // Back in poll() after its 10 s, c1 rejoins with a new member id; the group rebalances again.
    sim.runUntil((s) => consumers(s).c1!.state === 'stable' && consumers(s).c2!.state === 'stable', 30_000);
    expect(consumers(sim).c1!.memberId).not.toBe(firstMemberId);
    expect(of(sim, 'group.memberJoined').filter((e) => e.clientId === 'c1').length).toBeGreaterThanOrEqual(2);
  });

  it('max.partition.fetch.bytes limits each fetch to about that much, but always returns a whole first batch', () => {
    const sim = ready(73, 1);
    for (let i = 0; i < 6; i++) {
      produce(sim, 1, i);
      sim.runFor(200); // one batch per record
    }
    subscribe(sim, 'small', 'g1', { 'max.partition.fetch.bytes': 1 });
    subscribe(sim, 'big', 'g2');
    sim.runUntil((s) => received(s, 'small').length === 6 && received(s, 'big').length === 6, 30_000);
    const polls = (c: string) => of(sim, 'consumer.received').filter((e) => e.consumer === c);
    expect(polls('small').every((e) => e.records.length === 1)).toBe(true);
    expect(polls('small')).toHaveLength(6);
    expect(polls('big').length).toBeLessThan(6);
  });

  it('a group assigned before the brokers knew a topic is assigned again once they do', () => {
    const sim = ready(79, 1);
    subscribe(sim, 'c1', 'g');
    sim.runUntil((s) => consumers(s).c1!.state === 'stable', 20_000);
    // The controllers create 'later', but the brokers cannot hear about it yet.
    const nodes = sim.snapshot().nodes.map((n) => n.id);
    const controllers = nodes.filter((id) => id.startsWith('controller-'));
    sim.dispatch({
      type: 'network.partition',
      sides: [controllers, nodes.filter((id) => !controllers.includes(id))],
    });
    sim.dispatch({ type: 'topic.create', topic: 'later', partitions: 2, replicationFactor: 3 });
    sim.runFor(300);
    sim.dispatch({ type: 'consumer.create', consumer: 'c2', groupId: 'g', config: FAST });
    sim.dispatch({ type: 'consumer.subscribe', consumer: 'c2', topics: ['later'] });
    sim.runUntil((s) => consumers(s).c2!.state === 'stable', 10_000);
    expect(consumers(sim).c2!.assignment).toEqual([]); // the leader saw no partitions for 'later'
    const asked = () =>
      of(sim, 'rpc.sent').filter((e) => e.kind === 'Metadata' && e.from.startsWith('consumer:')).length;
    const before = asked();
    sim.runFor(3000);
    // Members keep asking about the unknown topic, backing off to one request a second each.
    expect(asked() - before).toBeLessThanOrEqual(12);
    sim.dispatch({ type: 'network.heal' });
    sim.runUntil((s) => consumers(s).c2!.assignment.length === 2, 15_000);
    expect(consumers(sim).c2!.assignment.map((a) => `${a.topic}-${a.partition}`)).toEqual([
      'later-0',
      'later-1',
    ]);
  });
});
