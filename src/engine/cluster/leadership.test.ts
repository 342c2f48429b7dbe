import type { FacadeSimulation } from '../simulation';
import { describe, expect, it } from 'vitest';
import type { PartitionSnapshot } from '../types';
import { cluster, eventsOf, lastSeq, untilReady } from '../testing/scenario';

function partition(sim: FacadeSimulation, topic: string, p: number): PartitionSnapshot {
  return sim.snapshot().topics.find((t) => t.name === topic)!.partitions[p]!;
}

describe('partition leadership', () => {
  it('moves leadership to the next ISR replica, in replica order, when the leader broker dies', () => {
    const sim = untilReady(cluster(11));
    sim.dispatch({ type: 'topic.create', topic: 'orders', partitions: 3, replicationFactor: 3 });
    sim.runFor(100);
    const before = partition(sim, 'orders', 0);
    const since = lastSeq(sim);
    sim.dispatch({ type: 'broker.crash', broker: before.leader });
    // Fenced after broker.session.timeout.ms (9000) without heartbeats.
    expect(sim.runUntil((s) => partition(s, 'orders', 0).leader !== before.leader, 12_000)).toBe(true);
    const after = partition(sim, 'orders', 0);
    expect(after.leader).toBe(before.replicas[1]);
    expect(after.leaderEpoch).toBe(before.leaderEpoch + 1);
    expect(after.isr).toEqual(before.replicas.filter((b) => b !== before.leader));
    expect(eventsOf(sim, 'broker.fenced', since)).toMatchObject([
      { broker: before.leader, reason: 'session-timeout' },
    ]);
    // Every partition it led moved; none is led by a dead broker.
    for (const p of sim.snapshot().topics[0]!.partitions) expect(p.leader).not.toBe(before.leader);
  });

  it('takes a partition offline when no ISR member is alive, and back online when one returns', () => {
    const sim = untilReady(cluster(12));
    sim.dispatch({ type: 'topic.create', topic: 'pay', partitions: 1, replicationFactor: 2 });
    sim.runFor(100);
    const [first, second] = partition(sim, 'pay', 0).replicas as [number, number];
    sim.dispatch({ type: 'broker.crash', broker: second });
    sim.runFor(12_000);
    expect(partition(sim, 'pay', 0).isr).toEqual([first]);
    sim.dispatch({ type: 'broker.crash', broker: first });
    sim.runFor(12_000);
    let p = partition(sim, 'pay', 0);
    expect(p.leader).toBe(-1);
    expect(p.isr).toEqual([first]); // the ISR keeps its last member
    // The out-of-sync replica returns: without unclean election the partition stays offline.
    sim.dispatch({ type: 'broker.restart', broker: second });
    sim.runFor(8000);
    expect(partition(sim, 'pay', 0).leader).toBe(-1);
    // The last ISR member returns: it leads again, cleanly.
    sim.dispatch({ type: 'broker.restart', broker: first });
    sim.runFor(8000);
    p = partition(sim, 'pay', 0);
    expect(p.leader).toBe(first);
    expect(p.leaderRecoveryState).toBe('RECOVERED');
  });

  it('with unclean.leader.election.enable, an out-of-sync replica takes over', () => {
    const sim = untilReady(cluster(13));
    sim.dispatch({
      type: 'topic.create',
      topic: 'pay',
      partitions: 1,
      replicationFactor: 2,
      config: { 'unclean.leader.election.enable': true },
    });
    sim.runFor(100);
    const [first, second] = partition(sim, 'pay', 0).replicas as [number, number];
    sim.dispatch({ type: 'broker.crash', broker: second });
    sim.runFor(12_000);
    sim.dispatch({ type: 'broker.crash', broker: first });
    sim.runFor(12_000);
    expect(partition(sim, 'pay', 0).leader).toBe(-1);
    const since = lastSeq(sim);
    sim.dispatch({ type: 'broker.restart', broker: second });
    sim.runFor(8000);
    const p = partition(sim, 'pay', 0);
    expect(p.leader).toBe(second);
    expect(p.isr).toEqual([second]);
    expect(p.leaderRecoveryState).toBe('RECOVERING');
    expect(eventsOf(sim, 'partition.changed', since)).toMatchObject([{ leader: second, reason: 'unclean' }]);
  });

  it('fences a broker that comes back with a new incarnation before its session expired', () => {
    const sim = untilReady(cluster(14));
    sim.dispatch({ type: 'topic.create', topic: 'orders', partitions: 3, replicationFactor: 3 });
    sim.runFor(100);
    const since = lastSeq(sim);
    sim.dispatch({ type: 'broker.crash', broker: 2 });
    sim.runFor(1000);
    sim.dispatch({ type: 'broker.restart', broker: 2 });
    sim.runFor(6000);
    expect(eventsOf(sim, 'broker.fenced', since)).toMatchObject([{ broker: 2, reason: 'reregistered' }]);
    expect(sim.snapshot().brokers.find((b) => b.id === 2)!.state).toBe('unfenced');
    // It was taken out of every ISR at once, then rejoined each one by catching up again.
    const changes = eventsOf(sim, 'partition.changed', since);
    for (const p of [0, 1, 2]) {
      const mine = changes.filter((c) => c.partition === p);
      expect(mine[0]!.isr).not.toContain(2);
      expect(mine.at(-1)).toMatchObject({ reason: 'isr-expand' });
      expect(mine.at(-1)!.isr).toContain(2);
    }
  });
});

describe('preferred leader election', () => {
  it('moves leadership back to the preferred replica once it has rejoined the ISR', () => {
    const sim = untilReady(cluster(15, { brokerConfig: { 'leader.imbalance.check.interval.seconds': 10 } }));
    sim.dispatch({ type: 'topic.create', topic: 'orders', partitions: 1, replicationFactor: 3 });
    sim.runFor(100);
    const preferred = partition(sim, 'orders', 0).replicas[0]!;
    sim.dispatch({ type: 'broker.crash', broker: preferred });
    expect(sim.runUntil((s) => partition(s, 'orders', 0).leader !== preferred, 12_000)).toBe(true);
    sim.dispatch({ type: 'broker.restart', broker: preferred });
    expect(sim.runUntil((s) => partition(s, 'orders', 0).isr.includes(preferred), 15_000)).toBe(true);
    const since = lastSeq(sim);
    expect(sim.runUntil((s) => partition(s, 'orders', 0).leader === preferred, 12_000)).toBe(true);
    expect(eventsOf(sim, 'partition.changed', since).at(-1)).toMatchObject({
      leader: preferred,
      reason: 'preferred',
    });
  });
});
