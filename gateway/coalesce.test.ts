/** The clock's batches merged for a page (gateway/viewers.ts `coalesce`): only where continuity holds. */
import { describe, expect, it } from 'vitest';
import type { EngineEvent } from '../src/engine/index';
import type { Batch } from '../src/bridge/protocol';
import { coalesce } from './viewers';

const ev = (n: number) => ({ type: 'x', seq: n }) as unknown as EngineEvent;
function batch(line: number, from: number, to: number, extra: Partial<Batch> = {}): Batch {
  return {
    events: Array.from({ length: to - from }, (_, i) => ev(from + i)),
    reset: false,
    origin: { line, from },
    traceLength: to,
    snapshot: { nowMs: to } as unknown as Batch['snapshot'],
    nowMs: to,
    timeline: { endMs: to, inPast: false, canRestoreFuture: false, faults: [] },
    ...extra,
  };
}

describe('coalesce', () => {
  it('joins a batch that starts where the previous one ended: its start, the newer state', () => {
    const a = batch(1, 10, 12, { opened: true, reset: true });
    const b = batch(1, 12, 15);
    const ab = coalesce(a, b)!;
    expect(ab.events).toEqual([ev(10), ev(11), ev(12), ev(13), ev(14)]);
    expect(ab.origin).toEqual({ line: 1, from: 10 });
    expect(ab.traceLength).toBe(15);
    expect(ab.snapshot).toBe(b.snapshot);
    expect(ab.opened).toBe(true);
    expect(ab.reset).toBe(true);
  });

  it('keeps apart batches of another line, with a gap, or that jump', () => {
    expect(coalesce(batch(1, 0, 5), batch(2, 5, 6))).toBeUndefined();
    expect(coalesce(batch(1, 0, 5), batch(1, 6, 7))).toBeUndefined();
    expect(coalesce(batch(1, 0, 5), batch(1, 5, 7, { reset: true }))).toBeUndefined();
  });
});
