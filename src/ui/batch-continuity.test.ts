import { describe, expect, it } from 'vitest';
import { BatchContinuity } from './batch-continuity';

const batch = (line: number, from: number, traceLength: number, nowMs: number, opened = false) => ({
  origin: { line, from },
  traceLength,
  nowMs,
  ...(opened ? { opened: true as const } : {}),
});

describe('one rule: a step forward or a jump', () => {
  it('a batch on the same line that starts where the last one ended is a step', () => {
    const c = new BatchContinuity();
    expect(c.classify(batch(1, 0, 10, 5, true))).toEqual({
      kind: 'jump',
      opened: true,
      back: false,
      skipped: 0,
    });
    expect(c.classify(batch(1, 10, 25, 7))).toEqual({ kind: 'step' });
    // No events, no time: still a step (the checks' report, a refused command's answer).
    expect(c.classify(batch(1, 25, 25, 7))).toEqual({ kind: 'step' });
  });

  it('a cut (a new line) is a jump back, even when the trace grew past where it was', () => {
    const c = new BatchContinuity();
    c.classify(batch(1, 0, 100, 50, true));
    expect(c.classify(batch(2, 0, 60, 30))).toEqual({ kind: 'jump', opened: false, back: true, skipped: 0 });
    const c2 = new BatchContinuity();
    c2.classify(batch(1, 0, 100, 50, true));
    expect(c2.classify(batch(2, 100, 120, 60))).toMatchObject({ kind: 'jump', back: true });
  });

  it('events left out (too many at once) make a jump forward that says how many', () => {
    const c = new BatchContinuity();
    c.classify(batch(1, 0, 100, 50, true));
    expect(c.classify(batch(1, 2900, 3100, 80))).toEqual({
      kind: 'jump',
      opened: false,
      back: false,
      skipped: 2800,
    });
  });

  it('a session opened (or the first batch seen) is a jump that keeps nothing', () => {
    const c = new BatchContinuity();
    expect(c.classify(batch(4, 500, 700, 900))).toMatchObject({ kind: 'jump', opened: true });
    expect(c.classify(batch(5, 700, 700, 900, true))).toMatchObject({ kind: 'jump', opened: true });
  });
});
