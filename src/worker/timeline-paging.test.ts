import { describe, expect, it } from 'vitest';
import { formatTrace, replaySimulation, type EngineEvent, type SimulationOptions } from '../engine';
import { Timeline, type TimelineTuning } from './timeline';

const options: SimulationOptions = { seed: 5, brokers: 3 };
/** Everything but the newest page is paged out, and keyframes are thinned hard. */
const tuning: TimelineTuning = {
  keyframeEveryActions: 100,
  traceInHeap: 0,
  tracePageEvents: 256,
  keyframeLimits: { maxCount: 12, keepRecent: 3 },
};

function busy(t: Timeline, sends = 150): void {
  t.advance(3000);
  t.dispatch({ type: 'topic.create', topic: 'orders', partitions: 3, replicationFactor: 3 });
  t.advance(500);
  t.dispatch({ type: 'producer.create', producer: 'p1' });
  for (let i = 0; i < sends; i++) {
    t.dispatch({ type: 'producer.send', producer: 'p1', topic: 'orders', key: `k${i % 7}`, value: `v${i}` });
    t.advance(40);
    if (i === sends / 2) t.dispatch({ type: 'broker.crash', broker: 3 });
  }
  t.dispatch({ type: 'broker.restart', broker: 3 });
  t.advance(3000);
}

/** The whole trace read through the timeline (paged-out events read back), and the snapshot. */
const view = (t: Timeline) => ({
  trace: formatTrace(t.events(0) as EngineEvent[]),
  snapshot: t.sim.snapshot(),
});

function straight(t: Timeline, atMs: number) {
  const sim = replaySimulation(
    options,
    t.recorded().commands.filter((c) => c.atMs <= atMs),
  );
  sim.runFor(atMs - sim.now());
  return { trace: formatTrace(sim.events()), snapshot: sim.snapshot() };
}

const holes = (t: Timeline) => t.sim.trace().filter((e) => e === undefined).length;

/** The same, keeping the trace's array aside when going far back (any trace past 256 events). */
const withSpare: TimelineTuning = { ...tuning, spareFrom: 256 };

describe.each([
  ['', tuning],
  [', the trace array kept aside going far back', withSpare],
])('a long timeline stays light: old trace paged out, keyframes thinned%s', (_, tuning) => {
  it('pages old events out of the heap and reads them back exactly, at every seek', () => {
    const t = new Timeline(options, undefined, tuning);
    busy(t);
    const end = t.nowMs();
    expect(holes(t)).toBeGreaterThan(t.traceLength() - 256);
    expect(t.pagedTraceBytes()).toBeGreaterThan(0);
    expect(t.keyframeCount()).toBeLessThanOrEqual(12);
    for (const atMs of [end - 1, 0, 3600, 6000, 4100, end - 700, 3000, end, 3100, 0, end - 300, end]) {
      t.seek(atMs);
      expect(view(t)).toEqual(straight(t, atMs));
    }
  });

  it('a fork in the past drops the pages of the abandoned future; bringing it back is exact', () => {
    const t = new Timeline(options, undefined, tuning);
    busy(t);
    const end = t.nowMs();
    const before = view(t);
    t.seek(4200);
    t.dispatch({ type: 'producer.send', producer: 'p1', topic: 'orders', key: 'fork', value: 'new' });
    t.advance(3000);
    expect(holes(t)).toBeGreaterThan(0);
    expect(view(t)).toEqual(straight(t, t.nowMs()));
    expect(t.restoreFuture()).toBe(true);
    t.seek(end);
    expect(view(t)).toEqual(before);
  });
});

describe('going far back keeps the trace array aside for the jump ahead', () => {
  it('puts the very array back, holding the same events, and drops it when the future is replaced', () => {
    const t = new Timeline(options, undefined, withSpare);
    busy(t);
    const end = t.nowMs();
    const array = t.sim.trace();
    const before = view(t);
    t.seek(3100); // under half the trace: the array is kept aside, the trace is a short copy
    expect(t.sim.trace()).not.toBe(array);
    t.advance(200);
    // Its entries paged out before count as holes at once: the jump forgets only what the short
    // trace wrote over its start and the newest pages, not the whole paged-out past again.
    const forgotten: number[] = [];
    const forget = t.sim.forgetTrace.bind(t.sim);
    t.sim.forgetTrace = (from, to) => {
      forgotten.push(Math.max(0, Math.min(to, t.sim.trace().length) - Math.max(0, from)));
      forget(from, to);
    };
    const pagedOut = holes(t) + (array.length - t.sim.trace().length);
    t.seek(end);
    expect(t.sim.trace()).toBe(array); // not grown anew
    expect(pagedOut).toBeGreaterThan(2000);
    expect(forgotten.reduce((a, b) => a + b, 0)).toBeLessThan(3 * 256);
    expect(view(t)).toEqual(before);

    // A fork replaces the future: the array kept aside is dropped with it, and going ahead on the
    // new branch shows the new branch's events, not the old ones the array held.
    t.seek(3100);
    t.advance(900);
    t.dispatch({ type: 'producer.create', producer: 'p2' });
    t.dispatch({ type: 'producer.send', producer: 'p2', topic: 'orders', key: 'fork', value: 'new' });
    t.advance(6000);
    expect(view(t)).toEqual(straight(t, t.nowMs()));
    t.seek(3100);
    t.seek(t.recorded().endMs);
    expect(view(t)).toEqual(straight(t, t.nowMs()));
  });
});
