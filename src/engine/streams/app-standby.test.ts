/**
 * num.standby.replicas on the simulated cluster: a standby task keeps a warm copy of another
 * instance's store by following its changelog, so after that instance crashes the task moves to a
 * caught-up copy and restores nothing (without standbys it replays the whole changelog first).
 */
import { describe, expect, it } from 'vitest';
import { eventsOf, tail } from '../testing/scenario';
import { readTopic, streamsCluster, SUM_PER_KEY } from './app-kit';
import type { FacadeSimulation as Simulation } from '../simulation';

const FAST_GROUP = { 'session.timeout.ms': 6000, 'heartbeat.interval.ms': 1500 };

function send(sim: Simulation, keys: string[]) {
  for (const key of keys) {
    sim.dispatch({ type: 'producer.send', producer: 'shop', topic: 'purchases', key, value: '1' });
    sim.runFor(100);
  }
}

/** Two instances counting per key; then the owner of task 0_0 crashes. */
function failover(standbys: number) {
  const sim = streamsCluster(3);
  sim.dispatch({
    type: 'streams.create',
    app: 'shop',
    topology: { steps: SUM_PER_KEY },
    config: { 'commit.interval.ms': 1000, 'num.standby.replicas': standbys, ...FAST_GROUP },
  });
  sim.runFor(500);
  sim.dispatch({ type: 'streams.start', app: 'shop', instance: 'a' });
  sim.dispatch({ type: 'streams.start', app: 'shop', instance: 'b' });
  sim.runFor(5000);
  send(
    sim,
    Array.from({ length: 12 }, (_, i) => ['alice', 'bob', 'carol'][i % 3]!),
  );
  sim.runFor(2000);
  const assigned = eventsOf(sim, 'streams.tasksAssigned');
  const victim = assigned.filter((e) => e.active.includes('0_0')).at(-1)!.instance;
  const survivor = victim === 'a' ? 'b' : 'a';
  const before = sim.snapshot().streamsApps![0]!;
  const since = sim.events().at(-1)!.seq;
  sim.dispatch({ type: 'streams.crash', instance: victim });
  sim.runFor(15_000);
  return { sim, victim, survivor, before, since };
}

describe('num.standby.replicas', () => {
  it('keeps a warm copy of the other instance’s store, equal to the active one', () => {
    const { sim, victim, survivor, before } = failover(1);
    const active = before.instances.find((i) => i.instance === victim)!.tasks.find((t) => t.id === '0_0')!;
    const standby = before.instances.find((i) => i.instance === survivor)!.tasks.find((t) => t.id === '0_0');
    expect(standby?.state, tail(sim)).toBe('standby');
    expect(active.state).toBe('running');
    // The standby's store holds what the active task has committed to the changelog.
    expect(standby!.stores[0]!.rows).toEqual(active.stores[0]!.rows);
    expect(standby!.stores[0]!.rows.length).toBeGreaterThan(0);
    expect(eventsOf(sim, 'streams.standbyUpdated').some((e) => e.instance === survivor)).toBe(true);
    // A standby processes nothing: every node of its graph has seen 0 records.
    const processed = Object.values(standby!.stats).map((s) => s.processed);
    expect(processed.length).toBeGreaterThan(0);
    expect(processed.every((n) => n === 0)).toBe(true);
  });

  it('a failover to the standby restores nothing, where without it the whole changelog is replayed', () => {
    const warm = failover(1);
    const cold = failover(0);
    const runningOf = (r: typeof warm) =>
      eventsOf(r.sim, 'streams.taskRunning', r.since).find(
        (e) => e.task === '0_0' && e.instance === r.survivor,
      );
    const restoringOf = (r: typeof warm) =>
      eventsOf(r.sim, 'streams.taskRestoring', r.since).find((e) => e.task === '0_0');
    expect(restoringOf(warm)?.fromStandby, tail(warm.sim)).toBe(true);
    expect(runningOf(warm)?.restoredRecords).toBe(0);
    expect(eventsOf(warm.sim, 'streams.restored', warm.since)).toEqual([]);
    expect(restoringOf(cold)?.fromStandby).toBe(false);
    expect(runningOf(cold)?.restoredRecords).toBeGreaterThan(0);
    // The counts carry on from the warm copy.
    send(warm.sim, ['alice', 'bob', 'carol']);
    warm.sim.runFor(3000);
    const last = new Map(readTopic(warm.sim, 'totals', 'read_uncommitted').map((r) => [r.key, r.value]));
    expect(Object.fromEntries(last)).toEqual({ alice: '5', bob: '5', carol: '5' });
  });

  it('is a StreamsConfig key with Kafka’s bounds', () => {
    const sim = streamsCluster(3);
    expect(() =>
      sim.dispatch({
        type: 'streams.create',
        app: 'shop',
        topology: { steps: SUM_PER_KEY },
        config: { 'num.standby.replicas': -1 },
      }),
    ).toThrow(/num.standby.replicas: Value must be at least 0/);
  });
});
