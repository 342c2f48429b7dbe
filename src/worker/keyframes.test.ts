import { describe, expect, it } from 'vitest';
import { createSimulation } from '../engine';
import type { KernelState } from '../engine/kernel/kernel';
import { ActionIndex } from './action-index';
import { brokerLogs } from './broker-logs';
import { captureKeyframe, KeyframeList, restoreKeyframe, type Keyframe } from './keyframes';
import { cloneState } from './state-clone';

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
    const list = new KeyframeList(8, 3);
    for (let a = 0; a <= 80; a += 10) list.add(frame(a));
    const kept = list.all().map((k) => k.actions);
    expect(kept.length).toBeLessThanOrEqual(8);
    expect(kept[0]).toBe(0);
    expect(kept.slice(-3)).toEqual([60, 70, 80]);
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

describe('keyframes share what never changes', () => {
  function busy() {
    const sim = createSimulation({ seed: 4, brokers: 3 });
    sim.runFor(3000);
    sim.dispatch({ type: 'topic.create', topic: 't', partitions: 2, replicationFactor: 3 });
    sim.runFor(300);
    sim.dispatch({ type: 'producer.create', producer: 'p' });
    sim.runFor(300);
    for (let i = 0; i < 50; i++) {
      sim.dispatch({ type: 'producer.send', producer: 'p', topic: 't', key: `k${i}`, value: `v${i}` });
      sim.runFor(3);
    }
    return sim;
  }

  it('copies the state like structuredClone does, aliasing included, but shares record batches', () => {
    const sim = busy();
    const state = sim.kernel.state;
    const copy = cloneState(state);
    expect(copy).toEqual(structuredClone(state));
    const [live, copied] = [brokerLogs(state)[0]!, brokerLogs(copy)[0]!];
    expect(copied.log.batches).not.toBe(live.log.batches);
    expect(copied.log.batches[0]).toBe(live.log.batches[0]);
    // An object reached twice is copied once (as the engine's shared metadata records are).
    const aliased = { x: 1 };
    const withAlias = { ...state, shared: { a: aliased, b: aliased } } as KernelState;
    const c = cloneState(withAlias).shared as { a: object; b: object };
    expect(c.a).toBe(c.b);
    expect(c.a).not.toBe(aliased);
  });

  it('a restored keyframe replays to the same future as the original run', () => {
    const sim = busy();
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

describe('what keyframes share, the engine never changes', () => {
  /** Freeze an object graph (arrays and objects), so that any later write to it throws. */
  function deepFreeze(value: unknown, seen = new Set<object>()): void {
    if (typeof value !== 'object' || value === null || seen.has(value)) return;
    seen.add(value);
    for (const v of Object.values(value)) deepFreeze(v, seen);
    Object.freeze(value);
  }

  it('runs a busy cluster on with every scheduled entry and record batch frozen', () => {
    const sim = createSimulation({ seed: 9, brokers: 3 });
    sim.runFor(3000);
    sim.dispatch({ type: 'topic.create', topic: 't', partitions: 3, replicationFactor: 3 });
    sim.runFor(300);
    sim.dispatch({ type: 'producer.create', producer: 'p', config: { acks: 1 } });
    sim.runFor(300);
    const freezeShared = () => {
      for (const item of sim.kernel.state.sched.heap) deepFreeze(item);
      for (const { log } of brokerLogs(sim.kernel.state)) for (const b of log.batches) deepFreeze(b);
    };
    for (let round = 0; round < 12; round++) {
      for (let i = 0; i < 20; i++) {
        sim.dispatch({
          type: 'producer.send',
          producer: 'p',
          topic: 't',
          key: `k${i}`,
          value: `v${round}-${i}`,
        });
      }
      freezeShared(); // ES modules are strict: a write to a frozen object throws a TypeError
      if (round === 4) sim.dispatch({ type: 'broker.crash', broker: 2 });
      if (round === 8) sim.dispatch({ type: 'broker.restart', broker: 2 });
      expect(() => sim.runFor(700)).not.toThrow();
    }
    expect(sim.snapshot().producers[0]?.acked).toBeGreaterThan(100);
  });
});
