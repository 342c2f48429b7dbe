import { describe, expect, it } from 'vitest';
import { formatTrace, type SimulationOptions } from '../engine';
import { Timeline } from './timeline';

const options: SimulationOptions = { seed: 11, brokers: 3 };

/** A busy session: a topic, a producer sending steadily, a broker crash. */
function busy(t: Timeline, sends = 80): void {
  t.advance(3000);
  t.dispatch({ type: 'topic.create', topic: 'orders', partitions: 2, replicationFactor: 3 });
  t.advance(500);
  t.dispatch({ type: 'producer.create', producer: 'p1' });
  t.advance(200);
  for (let i = 0; i < sends; i++) {
    t.dispatch({ type: 'producer.send', producer: 'p1', topic: 'orders', key: `k${i % 5}`, value: `v${i}` });
    t.advance(i % 3 === 0 ? 7 : 1);
    if (i === sends / 2) t.dispatch({ type: 'broker.crash', broker: 2 });
  }
  t.advance(1200);
}

/** As IndexedDB would hand it back: a structured clone. */
const viaStorage = <T>(value: T): T => structuredClone(value);

describe('a timeline resumed from a stored keyframe', () => {
  it('is at the same point at once, and whole once its past is filled in: identical to a replay', () => {
    const original = new Timeline(options, undefined, { keyframeEveryActions: 100 });
    busy(original);
    const stored = viaStorage(original.storedKeyframe());
    const recorded = original.recorded();
    original.advance(700); // the learner went on; the position saved is later than the keyframe
    const position = original.position();

    const resumed = Timeline.resume(options, recorded, stored, { keyframeEveryActions: 100 });
    expect(resumed.position()).toEqual({ actions: stored.actions, nowMs: stored.nowMs });
    expect(resumed.backfillPending).toBe(true);
    resumed.seekPosition(position);
    expect(resumed.sim.snapshot()).toEqual(original.sim.snapshot());
    expect(resumed.traceLength()).toBe(original.traceLength());
    expect(resumed.sim.events(original.traceLength() - 200)).toEqual(
      original.sim.events(original.traceLength() - 200),
    );

    // The past comes back a budget at a time, then the whole trace is the replay's.
    let slices = 0;
    let spent = 0;
    while (!resumed.backfill({ exhausted: () => ++spent % 3 === 0 })) slices++;
    expect(slices).toBeGreaterThan(1);
    expect(resumed.backfillPending).toBe(false);
    expect(formatTrace(resumed.sim.events())).toBe(formatTrace(original.sim.events()));
    expect(resumed.keyframeCount()).toBeGreaterThan(10);

    // And it travels in time like the original: back to any point, then on past the end.
    resumed.seek(3600);
    original.seek(3600);
    expect(resumed.sim.snapshot()).toEqual(original.sim.snapshot());
    resumed.seek(position.nowMs + 500);
    original.seek(position.nowMs + 500);
    expect(formatTrace(resumed.sim.events())).toBe(formatTrace(original.sim.events()));
    expect(resumed.sim.commandLog()).toEqual(original.sim.commandLog());
  });

  it('fills in its past first when asked to go back before the keyframe', () => {
    const original = new Timeline(options);
    busy(original, 30);
    const stored = viaStorage(original.storedKeyframe());
    const resumed = Timeline.resume(options, original.recorded(), stored);
    resumed.stepBack();
    original.stepBack();
    expect(resumed.backfillPending).toBe(false);
    expect(formatTrace(resumed.sim.events())).toBe(formatTrace(original.sim.events()));
  });

  it('refuses a keyframe that does not fit the command log', () => {
    const original = new Timeline(options);
    busy(original, 10);
    const stored = viaStorage(original.storedKeyframe());
    const shorter = { commands: original.recorded().commands.slice(0, 2), endMs: 4000 };
    expect(() => Timeline.resume(options, shorter, stored)).toThrow(/does not fit/);
  });

  it('forks and restored futures change the branch, so stored keyframes past them are dropped', () => {
    const t = new Timeline(options);
    busy(t, 10);
    const before = t.branchVersion;
    t.seek(3600);
    t.dispatch({ type: 'broker.crash', broker: 1 });
    expect(t.branchVersion).toBe(before + 1);
    t.restoreFuture();
    expect(t.branchVersion).toBe(before + 2);
  });
});
