import { describe, expect, it } from 'vitest';
import { formatTrace, replaySimulation, type SimulationOptions } from '../engine';
import { Timeline } from './timeline';

const options: SimulationOptions = { seed: 5, brokers: 3 };

function session(keyframeEveryActions = 400): Timeline {
  const t = new Timeline(options, undefined, { keyframeEveryActions });
  t.advance(3000);
  t.dispatch({ type: 'topic.create', topic: 'orders', partitions: 2, replicationFactor: 3 });
  t.advance(500);
  t.dispatch({ type: 'producer.create', producer: 'p1' });
  for (let i = 0; i < 40; i++) {
    t.dispatch({ type: 'producer.send', producer: 'p1', topic: 'orders', key: `k${i % 3}`, value: `v${i}` });
    t.advance(25);
  }
  t.advance(2000);
  return t;
}

describe('going back replays over the recorded events', () => {
  it('keeps the events between the keyframe and the target as they were, and cuts the trace at the target', () => {
    const t = session();
    const end = t.nowMs();
    const target = end - 1500;
    const before = t.events(0);
    const cuts: number[] = [];
    t.onTraceCut((length) => cuts.push(length));

    t.seek(target);
    const length = t.traceLength();
    expect(length).toBeLessThan(before.length);
    // Not rebuilt: the very objects the trace held (a replay that rebuilt them made new ones).
    for (let i = 0; i < length; i++) expect(t.eventAt(i)).toBe(before[i]);
    expect(cuts).toEqual([length]);

    // What a straight run to the target shows, and going forward again reaches the same end.
    const straight = replaySimulation(
      options,
      t.recorded().commands.filter((c) => c.atMs <= target),
    );
    straight.runFor(target - straight.now());
    expect(formatTrace(t.events(0) as never)).toEqual(formatTrace(straight.events()));
    expect(t.sim.snapshot()).toEqual(straight.snapshot());
    t.seek(end);
    expect(formatTrace(t.events(0) as never)).toEqual(formatTrace(before as never));
  });
});

describe('jumping ahead over recorded time replays over the recorded events too', () => {
  it('puts the very events recorded back up to the target, and shows what playing there shows', () => {
    const t = session(100);
    const end = t.nowMs();
    const before = t.events(0);
    t.seek(3200); // far back: what lies ahead is recorded future
    const target = end - 700; // several keyframe spacings ahead
    t.seek(target);
    const length = t.traceLength();
    // Counted, not built: every event up to the target is the object recorded the first time,
    // including those the replay from the keyframe made again (a replay that built them made new ones).
    for (let i = 0; i < length; i++) expect(t.eventAt(i)).toBe(before[i]);

    const straight = replaySimulation(
      options,
      t.recorded().commands.filter((c) => c.atMs <= target),
    );
    straight.runFor(target - straight.now());
    expect(length).toBe(straight.events().length);
    expect(t.sim.snapshot()).toEqual(straight.snapshot());
    t.seek(end);
    expect(formatTrace(t.events(0) as never)).toEqual(formatTrace(before as never));
  });
});
