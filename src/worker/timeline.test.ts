import { describe, expect, it, vi } from 'vitest';
import {
  createSimulation,
  formatTrace,
  replaySimulation,
  type Command,
  type SimulationOptions,
} from '../engine';
import { Timeline } from './timeline';

const options: SimulationOptions = { seed: 11, brokers: 3 };
const createTopic: Command = { type: 'topic.create', topic: 'orders', partitions: 2, replicationFactor: 3 };

/** A busy session: a topic, a producer sending steadily, a broker crash and restart. */
function busy(t: Timeline, sends = 60): void {
  t.advance(3000);
  t.dispatch(createTopic);
  t.advance(500);
  t.dispatch({ type: 'producer.create', producer: 'p1' });
  t.advance(200);
  for (let i = 0; i < sends; i++) {
    t.dispatch({ type: 'producer.send', producer: 'p1', topic: 'orders', key: `k${i % 5}`, value: `v${i}` });
    t.advance(i % 3 === 0 ? 7 : 1);
    if (i === sends / 2) t.dispatch({ type: 'broker.crash', broker: 2 });
  }
  t.advance(1500);
  t.dispatch({ type: 'broker.restart', broker: 2 });
  t.advance(3000);
}

/** What a position looks like from outside: the trace and the snapshot. */
const view = (t: Timeline) => ({ trace: formatTrace(t.sim.events()), snapshot: t.sim.snapshot() });

/** The same session played straight through without any time travel, stopped at `atMs`. */
function straight(t: Timeline, atMs: number) {
  const sim = replaySimulation(
    options,
    t.recorded().commands.filter((c) => c.atMs <= atMs),
  );
  sim.runFor(atMs - sim.now());
  return { trace: formatTrace(sim.events()), snapshot: sim.snapshot() };
}

describe('the timeline', () => {
  it('records commands exactly as the engine does', () => {
    const t = new Timeline(options, undefined, { keyframeEveryActions: 100 });
    busy(t);
    expect(t.recorded().commands).toEqual(t.sim.commandLog());
    expect(t.keyframeCount()).toBeGreaterThan(5);
  });

  it('goes on from a restored copy of its newest keyframe now and then, changing nothing that happens', () => {
    const t = new Timeline(options, undefined, { keyframeEveryActions: 4 });
    const restore = vi.spyOn(t.sim, 'restore');
    busy(t);
    // Every 16th keyframe on new ground: many times in this session, crash and restart included.
    expect(restore.mock.calls.length).toBeGreaterThan(10);
    expect(view(t)).toEqual(straight(t, t.nowMs()));
    // Time travel over those points still replays exactly.
    t.seek(3760);
    expect(view(t)).toEqual(straight(t, 3760));
  });

  it('seeks back to any time and shows exactly what a straight run shows there', () => {
    const t = new Timeline(options, undefined, { keyframeEveryActions: 100 });
    busy(t);
    const end = t.nowMs();
    for (const atMs of [0, 1, 2999, 3000, 3700, 3703, 3760, 5000, end - 1]) {
      t.seek(atMs);
      expect(t.nowMs()).toBe(atMs);
      expect(view(t)).toEqual(straight(t, atMs));
    }
    // And forward again, through the recorded commands, to the end.
    t.seek(end);
    expect(view(t)).toEqual(straight(t, end));
    expect(t.hasFuture()).toBe(false);
  });

  it('seeks forward over recorded time from the nearest keyframe ahead, not by replaying it all', () => {
    const t = new Timeline(options, undefined, { keyframeEveryActions: 100 });
    busy(t);
    const end = t.nowMs();
    const actionsAtEnd = t.position().actions;
    t.seek(0);
    let steps = 0;
    const step = t.sim.step.bind(t.sim);
    t.sim.step = () => {
      steps++;
      return step();
    };
    for (const atMs of [3703, 5000, end - 1, end]) {
      steps = 0;
      t.seek(atMs);
      expect(steps).toBeLessThanOrEqual(100); // at most one keyframe spacing replayed
      expect(view(t)).toEqual(straight(t, atMs));
    }
    expect(t.position().actions).toBe(actionsAtEnd);
    // Back, forward a little by replay (regenerating some kept events), then a jump again.
    t.seek(3000);
    t.advance(300);
    steps = 0;
    t.seek(end - 1);
    expect(steps).toBeLessThanOrEqual(100);
    expect(view(t)).toEqual(straight(t, end - 1));
    // A fork drops the kept future: the new future is replayed, never patched from the old one.
    t.seek(4000);
    t.dispatch({ type: 'broker.crash', broker: 3 });
    t.advance(2000);
    const forked = view(t);
    t.seek(4000);
    t.seek(6000);
    expect(view(t)).toEqual(forked);
  });

  it('steps back one event group at a time and forward again to the same place', () => {
    const t = new Timeline(options, undefined, { keyframeEveryActions: 80 });
    busy(t, 20);
    const end = view(t);
    const endMs = t.nowMs();
    const lengths: number[] = [];
    for (let i = 0; i < 40; i++) {
      expect(t.stepBack()).toBe(true);
      lengths.push(t.traceLength());
    }
    expect(lengths).toEqual([...lengths].sort((a, b) => b - a));
    expect(new Set(lengths).size).toBe(lengths.length);
    t.seek(endMs);
    expect(view(t)).toEqual(end);
  });

  it('cannot step back before the start', () => {
    const t = new Timeline(options);
    t.advance(20);
    while (t.stepBack());
    expect(t.traceLength()).toBe(createSimulation(options).events().length);
  });

  it('stops at the next event of a chosen type', () => {
    const t = new Timeline(options);
    t.advance(3000);
    t.dispatch(createTopic);
    expect(t.runUntil({ kind: 'eventType', eventType: 'topic.created' }, 10_000)).toBe('matched');
    // It stops right after the action that emitted it (which may emit more, like its messages).
    const last = t.sim.events().filter((e) => e.atMs === t.nowMs());
    expect(last.map((e) => e.type)).toContain('topic.created');
    t.advance(1000);
    t.dispatch({ type: 'broker.crash', broker: 1 });
    expect(t.runUntil({ kind: 'eventType', eventType: 'partition.changed' }, 30_000)).toBe('matched');
    expect(t.sim.events().some((e) => e.type === 'partition.changed' && e.atMs === t.nowMs())).toBe(true);
    expect(t.runUntil({ kind: 'eventType', eventType: 'no.such' }, 100)).toBe('limit');
    expect(t.runUntil({ kind: 'event' }, 1000)).toBe('matched');
  });

  it('acting in the past forks; the abandoned future comes back once', () => {
    const t = new Timeline(options, undefined, { keyframeEveryActions: 100 });
    busy(t, 10);
    const end = view(t);
    const endMs = t.nowMs();
    t.seek(3600);
    expect(t.hasFuture()).toBe(true);
    t.dispatch({ type: 'broker.crash', broker: 3 });
    expect(t.hasFuture()).toBe(false);
    expect(t.timelineEndMs()).toBe(3600);
    t.advance(1000);
    const forked = t.recorded().commands.map((c) => c.command.type);
    expect(forked).toEqual(['topic.create', 'producer.create', 'broker.crash']);
    expect(view(t)).toEqual(straight(t, 4600));

    expect(t.restoreFuture()).toBe(true);
    expect(t.nowMs()).toBe(3600);
    expect(t.restoreFuture()).toBe(false);
    t.seek(endMs);
    expect(view(t)).toEqual(end);
  });

  it('refuses a bad command in the past without forking', () => {
    const t = new Timeline(options);
    t.advance(3000);
    t.dispatch(createTopic);
    t.advance(1000);
    t.seek(100);
    expect(() => t.dispatch({ type: 'broker.crash', broker: 9 })).toThrow(/broker-9/);
    expect(t.hasFuture()).toBe(true);
    expect(t.canRestoreFuture()).toBe(false);
  });

  it('rebuilds a recorded timeline at a stored position, exactly', () => {
    const t = new Timeline(options, undefined, { keyframeEveryActions: 100 });
    busy(t, 30);
    t.seek(3710);
    t.stepBack();
    const position = t.position();
    const here = view(t);
    const copy = new Timeline(options, t.recorded());
    copy.seekPosition(position);
    expect(view(copy)).toEqual(here);
    expect(copy.timelineEndMs()).toBe(t.timelineEndMs());
    copy.seek(t.timelineEndMs());
    t.seek(t.timelineEndMs());
    expect(view(copy)).toEqual(view(t));
  });

  it('stops early when the budget runs out and carries on when asked again', () => {
    const t = new Timeline(options);
    let calls = 0;
    const budget = { exhausted: () => ++calls > 2 };
    expect(t.seek(60_000, budget)).toBe(false);
    expect(t.nowMs()).toBeLessThan(60_000);
    expect(t.seek(60_000)).toBe(true);
    expect(t.nowMs()).toBe(60_000);
  });

  it('refuses a command log that does not fit the simulation', () => {
    const bad = { commands: [{ atMs: 10, processed: 999, command: createTopic }], endMs: 10 };
    const t = new Timeline(options, bad);
    expect(() => t.seek(20)).toThrow(/does not match/);
  });
});
