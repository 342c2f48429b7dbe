import { describe, expect, it } from 'vitest';
import { busyCluster } from './testing/scenario';

describe('a replay over recorded events (restoreForReplay / endReplay)', () => {
  it('reaches the same state and trace length, counting events instead of building them', () => {
    const sim = busyCluster();
    const keyframe = sim.checkpoint();
    const from = sim.trace().length;
    let steps = 0;
    while (sim.trace().length < from + 400 && sim.nextEventAtMs() !== undefined) {
      sim.step();
      steps++;
    }
    const snapshot = sim.snapshot();
    const length = sim.trace().length;
    const events = sim.trace().slice();
    sim.runFor(500); // further on: the trace now holds more than the replay will make

    sim.restoreForReplay(keyframe);
    for (let i = 0; i < steps; i++) expect(sim.step()).toEqual([]); // counted, not built
    expect(sim.position().traceLength).toBe(length);
    expect(sim.trace().length).toBeGreaterThan(length); // left as it was until the replay ends
    expect(sim.endReplay()).toBe(length);
    expect(sim.trace()).toEqual(events); // cut at the replay's end, the events before it the same objects
    expect(sim.trace()[length - 1]).toBe(events[length - 1]);
    expect(sim.snapshot()).toEqual(snapshot);

    // Recording again: the next event follows on.
    sim.step();
    expect(sim.trace().length).toBeGreaterThan(length);
    expect(sim.trace()[length]!.seq).toBe(length + 1);
  });

  it('refuses a replay that makes more events than the trace holds', () => {
    const sim = busyCluster();
    const keyframe = sim.checkpoint();
    sim.restoreForReplay(keyframe); // the trace ends at the checkpoint
    sim.runFor(200);
    expect(() => sim.endReplay()).toThrow(/past the events the trace holds/);
    expect(() => sim.endReplay()).toThrow(/No replay to end/);
  });
});
