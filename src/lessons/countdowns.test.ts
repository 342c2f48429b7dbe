import { describe, expect, it } from 'vitest';
import { createSimulation, type EngineEvent, type Simulation } from '../engine';
import { countdowns, countdownText } from './countdowns';

/** Run until `done` holds (checked every 100 ms of virtual time). */
function runUntil(sim: Simulation, done: () => boolean, maxMs = 60_000): void {
  for (let t = 0; t < maxMs && !done(); t += 100) sim.runFor(100);
}

const nonRpc = (sim: Simulation): EngineEvent[] => sim.events().filter((e) => !e.type.startsWith('rpc.'));

describe('countdowns', () => {
  it('a crashed broker: the fence by broker.session.timeout.ms, gone once the controller fences it', () => {
    const sim = createSimulation({
      seed: 3,
      brokers: 3,
      brokerConfig: { 'broker.session.timeout.ms': 4000 },
    });
    runUntil(sim, () => sim.snapshot().brokers.every((b) => b.state === 'unfenced'));
    sim.dispatch({ type: 'broker.crash', broker: 2 });
    const crashAt = sim.now();
    sim.runFor(500);
    const [c] = countdowns(sim.snapshot(), nonRpc(sim), { 'broker.session.timeout.ms': 4000 });
    expect(c).toMatchObject({ key: 'broker.session.timeout.ms', timeoutMs: 4000, byMs: crashAt + 4000 });
    expect(c!.earliestMs).toBe(crashAt + 4000 - 2000);
    expect(c!.leftMs).toBe(3500);
    expect(countdownText(c!)).toMatch(
      /fences broker 2 .*`broker.session.timeout.ms` \(4000 ms\).*3\.5 s to go/,
    );
    runUntil(sim, () => nonRpc(sim).some((e) => e.type === 'broker.fenced'));
    // It happened inside the window the countdown gave.
    const fenced = nonRpc(sim).find((e) => e.type === 'broker.fenced')!;
    expect(fenced.atMs).toBeGreaterThanOrEqual(c!.earliestMs - 100);
    // The controller acts at its next check after the timer runs out, and commits the fence.
    expect(fenced.atMs).toBeLessThanOrEqual(c!.byMs + 500);
    expect(countdowns(sim.snapshot(), nonRpc(sim), { 'broker.session.timeout.ms': 4000 })).toEqual([]);
  });

  it('a crashed group member: its removal by the consumer’s own session.timeout.ms', () => {
    const sim = createSimulation({
      seed: 5,
      brokers: 1,
      brokerConfig: { 'offsets.topic.replication.factor': 1 },
    });
    runUntil(sim, () => sim.snapshot().brokers.every((b) => b.state === 'unfenced'));
    sim.dispatch({ type: 'topic.create', topic: 't', partitions: 1, replicationFactor: 1 });
    runUntil(sim, () => sim.snapshot().topics.some((t) => t.name === 't'));
    sim.dispatch({
      type: 'consumer.create',
      consumer: 'c1',
      groupId: 'g',
      config: { 'session.timeout.ms': 6000 },
    });
    sim.dispatch({ type: 'consumer.subscribe', consumer: 'c1', topics: ['t'] });
    runUntil(sim, () => sim.snapshot().groups.some((g) => g.state === 'Stable'));
    sim.dispatch({ type: 'consumer.crash', consumer: 'c1' });
    const crashAt = sim.now();
    sim.runFor(100);
    const [c] = countdowns(sim.snapshot(), nonRpc(sim));
    expect(c).toMatchObject({ key: 'session.timeout.ms', timeoutMs: 6000, byMs: crashAt + 6000 });
    expect(c!.what).toMatch(/removes c1 from group g/);
    runUntil(sim, () => nonRpc(sim).some((e) => e.type === 'group.memberRemoved'));
    expect(countdowns(sim.snapshot(), nonRpc(sim))).toEqual([]);
  });
});
