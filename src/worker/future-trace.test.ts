import { describe, expect, it } from 'vitest';
import type { EngineEvent } from '../engine';
import { FutureTrace } from './future-trace';

const ev = (seq: number) => ({ seq, atMs: seq, type: 'node.started', node: 'n' }) as unknown as EngineEvent;
/** A trace of `n` positions whose first `holes` are paged out. */
const traceOf = (n: number, holes: number) =>
  Array.from({ length: n }, (_, i) => (i < holes ? undefined : ev(i + 1)));

describe('future trace', () => {
  it('keeps a cut as a count of holes and a copy of the events in the heap, and gives them back in order', () => {
    const f = new FutureTrace();
    f.prepend(traceOf(10, 4), 2, 4);
    expect([f.base, f.end, f.length]).toEqual([2, 10, 8]);
    // A second, deeper cut is prepended before the first.
    f.prepend(traceOf(2, 1), 0, 1);
    expect([f.base, f.end]).toEqual([0, 10]);
    const back = f.takeFront(7);
    expect(Array.from(back, (e) => e?.seq)).toEqual([undefined, 2, undefined, undefined, 5, 6, 7]);
    expect(f.base).toBe(7);
    expect(Array.from(f.takeFront(3), (e) => e?.seq)).toEqual([8, 9, 10]);
    expect(f.length).toBe(0);
  });

  it('gives a long run of holes back as one count, not one slot each', () => {
    const f = new FutureTrace();
    f.prepend(traceOf(100_000, 99_990), 5, 99_990);
    const stretches = f.takeStretches(99_993);
    expect(stretches.map((s) => (typeof s === 'number' ? s : s.map((e) => e?.seq)))).toEqual([
      99_985,
      [99_991, 99_992, 99_993, 99_994, 99_995, 99_996, 99_997, 99_998],
    ]);
    expect([f.base, f.length]).toEqual([99_998, 2]);
  });

  it('drops what a replay regenerated, and nothing when the trace has not reached it', () => {
    const f = new FutureTrace();
    f.prepend(traceOf(6, 0), 3, 0);
    f.settle(3);
    expect(f.length).toBe(3);
    f.settle(5);
    expect([f.base, f.length, f.takeFront(1)[0]?.seq]).toEqual([5, 1, 6]);
  });

  it('refuses a cut that does not end where the future starts', () => {
    const f = new FutureTrace();
    f.prepend(traceOf(6, 0), 3, 0);
    expect(() => f.prepend(traceOf(8, 0), 2, 0)).toThrow();
  });
});
