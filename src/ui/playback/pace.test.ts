import { describe, expect, it } from 'vitest';
import { EASE_MS, HOLD_MS, paceOf, QUIET_SPEED, WATCH_SPEED } from './pace';

const base = { speed: 0.5, nowMs: 10_000, slowMotion: true, lastActivityMs: 10_000 };

describe('the pace around key moments', () => {
  it('slows to a watching speed around a moment, then eases back to the chosen speed', () => {
    expect(paceOf({ ...base, momentAtMs: 9_990 })).toEqual({ rate: WATCH_SPEED, mode: 'slow' });
    const mid = paceOf({ ...base, momentAtMs: 10_000 - HOLD_MS - EASE_MS / 2 });
    expect(mid.mode).toBe('easing');
    expect(mid.rate).toBeGreaterThan(WATCH_SPEED);
    expect(mid.rate).toBeLessThan(0.5);
    expect(paceOf({ ...base, momentAtMs: 10_000 - HOLD_MS - EASE_MS - 1 })).toEqual({
      rate: 0.5,
      mode: 'normal',
    });
    // A learner already slower than the watching speed is not sped up; "keep going" turns it off.
    expect(paceOf({ ...base, speed: 0.01, momentAtMs: 9_990 }).rate).toBe(0.01);
    expect(paceOf({ ...base, slowMotion: false, momentAtMs: 9_990 }).rate).toBe(0.5);
  });

  it('plays a quiet wait fast, only while a timer counts down, and not up to its end', () => {
    const quiet = { ...base, lastActivityMs: 9_000 };
    expect(paceOf({ ...quiet, countdownFromMs: 40_000 })).toEqual({ rate: QUIET_SPEED, mode: 'fast' });
    // No countdown: heartbeats alone are not a wait (the sandbox at rest stays at its speed).
    expect(paceOf(quiet).mode).toBe('normal');
    // Something happened just now: not quiet.
    expect(paceOf({ ...base, countdownFromMs: 40_000 }).mode).toBe('normal');
    // Close to the earliest end: back to the chosen speed to see it happen.
    expect(paceOf({ ...quiet, countdownFromMs: 10_200 }).mode).toBe('normal');
  });
});
