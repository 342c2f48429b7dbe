import { describe, expect, it } from 'vitest';
import type { Simulation } from '../../engine';
import { cluster, untilReady } from '../../engine/testing/scenario';
import { partitionName, RebalanceTracker } from './rebalance-tracker';

function consumer(sim: Simulation, name: string, strategy: string) {
  sim.dispatch({
    type: 'consumer.create',
    consumer: name,
    groupId: 'g1',
    config: { 'partition.assignment.strategy': strategy },
  });
  sim.dispatch({ type: 'consumer.subscribe', consumer: name, topics: ['orders'] });
}

function groupWithTwoConsumers(strategy: string) {
  const sim = untilReady(cluster(1));
  const tracker = new RebalanceTracker();
  let seen = sim.events().length;
  const feed = () => {
    tracker.apply(sim.events(seen));
    seen = sim.events().length;
  };
  sim.dispatch({ type: 'topic.create', topic: 'orders', partitions: 4, replicationFactor: 3 });
  sim.runFor(500);
  consumer(sim, 'c1', strategy);
  const stable = (generation: number) => () =>
    sim.runUntil(
      (s) =>
        s.snapshot().groups[0]?.state === 'Stable' && (s.snapshot().groups[0]?.generation ?? 0) >= generation,
      60_000,
    );
  expect(stable(1)()).toBe(true);
  sim.runFor(200);
  feed();
  consumer(sim, 'c2', strategy);
  expect(stable(2)()).toBe(true);
  sim.runFor(12_000); // a cooperative second round, if any, settles too
  feed();
  return { sim, tracker };
}

const names = (ps: { topic: string; partition: number }[] | null) => (ps ?? []).map(partitionName).sort();

describe('rebalances, step by step, from the engine’s events', () => {
  it('eager (range): every member gives up everything, rejoins, and the leader’s plan is handed out', () => {
    const { sim, tracker } = groupWithTwoConsumers('range');
    const [first, second] = tracker.of('g1');
    expect(first?.phase).toBe('stable');
    expect(first?.members.map((m) => [m.clientId, names(m.added)])).toEqual([
      ['c1', ['orders-0', 'orders-1', 'orders-2', 'orders-3']],
    ]);
    expect(second?.phase).toBe('stable');
    expect(second?.steps.map((s) => s.phase)).toEqual(
      expect.arrayContaining(['join', 'assign', 'sync', 'stable']),
    );
    const phases = second!.steps.map((s) => s.phase);
    expect(phases.indexOf('assign')).toBeGreaterThan(phases.indexOf('join'));
    expect(phases.at(-1)).toBe('stable');
    expect(second?.leader).toMatch(/^c[12]$/);
    const c1 = second!.members.find((m) => m.clientId === 'c1')!;
    expect(names(c1.revoked)).toEqual(['orders-0', 'orders-1', 'orders-2', 'orders-3']);
    // What each got is what the leader planned, and it matches the group's snapshot.
    const group = sim.snapshot().groups[0]!;
    for (const m of second!.members) {
      expect(names(m.added)).toEqual(names(m.planned));
      const member = group.members.find((x) => x.clientId === m.clientId)!;
      expect(names(m.planned)).toEqual(names(member.assignment));
    }
    expect(second?.generation).toBe(group.generation);
  });

  it('cooperative-sticky: partitions are revoked after the first sync and assigned in a second rebalance', () => {
    const { tracker } = groupWithTwoConsumers('cooperative-sticky');
    const rebalances = tracker.of('g1');
    const revoking = rebalances.find((r) => r.revokedAfterSync);
    expect(revoking).toBeDefined();
    const c1 = revoking!.members.find((m) => m.clientId === 'c1')!;
    expect(c1.revoked.length).toBe(2); // c1 keeps two, gives two up
    const next = rebalances[rebalances.indexOf(revoking!) + 1]!;
    expect(next.round).toBe(revoking!.round + 1);
    expect(next.phase).toBe('stable');
    const c2 = next.members.find((m) => m.clientId === 'c2')!;
    expect(names(c2.added)).toEqual(names(c1.revoked));
  });

  it('going back in time forgets what has not happened yet', () => {
    const { tracker } = groupWithTwoConsumers('range');
    const [first, second] = tracker.of('g1');
    tracker.rewind(second!.startedAtMs - 1);
    expect(tracker.of('g1').map((r) => r.id)).toEqual([first!.id]);
  });
});
