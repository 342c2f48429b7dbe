import { describe, expect, it } from 'vitest';
import { busyCluster } from '../engine/testing/scenario';
import { ActionIndex } from './action-index';
import { captureKeyframe, KeyframeList, restoreKeyframe, type Keyframe } from './keyframes';

const frame = (actions: number) => ({ actions }) as Keyframe;

describe('the keyframe list', () => {
  it('finds the latest keyframe at or before a position', () => {
    const list = new KeyframeList();
    for (const a of [0, 10, 20, 30]) list.add(frame(a));
    expect(list.atOrBefore(25)?.actions).toBe(20);
    expect(list.atOrBefore(30)?.actions).toBe(30);
    expect(list.atOrBefore(0)?.actions).toBe(0);
    expect(list.cutAfter(15).map((k) => k.actions)).toEqual([20, 30]);
    expect(list.all().map((k) => k.actions)).toEqual([0, 10]);
  });

  it('thins old keyframes past its limit, keeping the first and the recent ones dense', () => {
    const list = new KeyframeList({ maxCount: 8, keepRecent: 3 });
    for (let a = 0; a <= 80; a += 10) list.add(frame(a));
    const kept = list.all().map((k) => k.actions);
    expect(kept.length).toBeLessThanOrEqual(8);
    expect(kept[0]).toBe(0);
    expect(kept.slice(-3)).toEqual([60, 70, 80]);
  });
});

describe('keyframes thinned under a limit', () => {
  it('keep an even spacing over the whole past, not ever sparser old stretches', () => {
    const list = new KeyframeList({ maxCount: 40, keepRecent: 4 });
    for (let a = 0; a <= 20_000; a += 10) list.add(frame(a));
    const kept = list.all().map((k) => k.actions);
    expect(kept.length).toBeLessThanOrEqual(40);
    expect(kept[0]).toBe(0);
    expect(kept.slice(-4)).toEqual([19_970, 19_980, 19_990, 20_000]);
    const old = kept.slice(0, -4);
    const gaps = old.slice(1).map((a, i) => a - old[i]!);
    // Every old gap, the oldest stretch's too, is within the list's spacing, and that spacing
    // uses the allowance well (36 old keyframes over 20 000 actions: about 555 apart, at most twice).
    expect(Math.max(...gaps)).toBeLessThanOrEqual(list.oldSpacing);
    expect(list.oldSpacing).toBeLessThanOrEqual(1250);
  });

  it('thin to a memory cap counted in copied parts', () => {
    const list = new KeyframeList({ maxParts: 1000, keepRecent: 2 });
    for (let a = 0; a <= 5000; a += 10)
      list.add({ actions: a, checkpoint: { freshParts: 50 } } as unknown as Keyframe);
    expect(list.length * 50).toBeLessThanOrEqual(1000);
    expect(list.length).toBeGreaterThan(5);
  });
});

describe('the action index', () => {
  it('finds positions by time and by trace length', () => {
    const index = new ActionIndex(5);
    const entries: [number, number][] = [
      [0, 5],
      [2, 7],
      [2, 9],
      [4, 9],
      [9, 12],
    ];
    for (const [t, trace] of entries) index.push(t, trace);
    expect(index.lastAtOrBefore(2)).toBe(3);
    expect(index.lastAtOrBefore(3)).toBe(3);
    expect(index.lastAtOrBefore(100)).toBe(5);
    expect(index.lastWithTraceBelow(12, 5)).toBe(4);
    expect(index.lastWithTraceBelow(9, 4)).toBe(2);
    expect(index.lastWithTraceBelow(5, 5)).toBe(-1);
    const cut = index.cutAfter(2);
    expect(index.length).toBe(2);
    index.append(cut);
    expect(index.traceAt(5)).toBe(12);
  });
});

describe('keyframes', () => {
  it('a restored keyframe replays to the same future as the original run', () => {
    const sim = busyCluster();
    const keyframe = captureKeyframe(sim, 0, sim.commandLog().length);
    sim.runFor(2000);
    const future = sim.events().slice(keyframe.traceLength);
    const snapshot = sim.snapshot();
    restoreKeyframe(sim, keyframe);
    expect(sim.now()).toBe(keyframe.nowMs);
    sim.runFor(2000);
    expect(sim.events().slice(keyframe.traceLength)).toEqual(future);
    expect(sim.snapshot()).toEqual(snapshot);
  });
});
