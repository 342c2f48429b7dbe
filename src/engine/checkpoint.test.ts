import { describe, expect, it } from 'vitest';
import { createSimulation, formatTrace } from './index';

describe('checkpoints (keyframes for time travel)', () => {
  it('restoring a checkpoint and replaying the same commands gives the same future', () => {
    const sim = createSimulation({ seed: 5, brokers: 3 });
    sim.runFor(3000);
    const cp = sim.checkpoint();
    const at = sim.now();
    sim.dispatch({ type: 'topic.create', topic: 'orders', partitions: 3, replicationFactor: 3 });
    sim.runFor(2000);
    sim.dispatch({ type: 'broker.crash', broker: 2 });
    sim.runFor(12_000);
    const future = formatTrace(sim.events());
    const snap = sim.snapshot();

    sim.restore(cp);
    expect(sim.now()).toBe(at);
    expect(sim.events()).toHaveLength(cp.traceLength);
    expect(sim.snapshot().topics).toEqual([]);
    sim.dispatch({ type: 'topic.create', topic: 'orders', partitions: 3, replicationFactor: 3 });
    sim.runFor(2000);
    sim.dispatch({ type: 'broker.crash', broker: 2 });
    sim.runFor(12_000);
    expect(formatTrace(sim.events())).toBe(future);
    expect(sim.snapshot()).toEqual(snap);
  });

  it('acting in the past forks the timeline', () => {
    const sim = createSimulation({ seed: 6, brokers: 3 });
    sim.runFor(3000);
    const cp = sim.checkpoint();
    sim.dispatch({ type: 'broker.crash', broker: 1 });
    sim.runFor(1000);
    sim.restore(cp);
    sim.dispatch({ type: 'broker.crash', broker: 3 });
    sim.runFor(1000);
    expect(
      sim
        .snapshot()
        .nodes.filter((n) => !n.alive)
        .map((n) => n.id),
    ).toEqual(['broker-3']);
    expect(sim.commandLog().map((c) => c.command)).toEqual([{ type: 'broker.crash', broker: 3 }]);
  });

  it('a fresh simulation resumes from a stored checkpoint given the command log that led to it', () => {
    const original = createSimulation({ seed: 7, brokers: 3 });
    original.runFor(4000);
    original.dispatch({ type: 'topic.create', topic: 'orders', partitions: 2, replicationFactor: 3 });
    original.runFor(3000);
    const stored = structuredClone(original.checkpoint());
    const commands = original.commandLog();
    original.dispatch({ type: 'broker.crash', broker: 1 });
    original.runFor(12_000);
    const future = formatTrace(original.events(stored.traceLength));

    const fresh = createSimulation({ seed: 7, brokers: 3 });
    fresh.runFor(30_000); // its own trace, long enough to hold the checkpoint's place
    expect(() => fresh.restore(stored)).toThrow(/different timeline/);
    expect(() => fresh.restore(stored, { commandLog: [] })).toThrow(/does not lead to this checkpoint/);
    fresh.restore(stored, { commandLog: commands });
    expect(fresh.commandLog()).toEqual(commands);
    fresh.dispatch({ type: 'broker.crash', broker: 1 });
    fresh.runFor(12_000);
    expect(formatTrace(fresh.events(stored.traceLength))).toBe(future);
    expect(fresh.snapshot()).toEqual(original.snapshot());
  });
});
