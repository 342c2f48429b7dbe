/**
 * The pace of playback around key moments (issue 15), pure: given the learner's speed, the
 * playhead, the last key moment and whether the cluster is only waiting on a timer, how fast
 * virtual time should run now. The learner's chosen speed is never changed; this is a factor the
 * frame loop applies on top of it.
 *
 *   moment − LEAD … moment + HOLD   slow motion (a tenth of the speed, at least WATCH_SPEED)
 *   … + EASE                       back to the chosen speed, evenly on a log scale
 *   a quiet wait                   fast (QUIET_SPEED): no engine event but RPCs for QUIET_AFTER_MS
 *                                  while a countdown runs, until QUIET_MARGIN_MS before it can end
 */

/** Virtual ms per wall ms in slow motion: a 20 ms hop takes 0.4 s to watch. */
export const WATCH_SPEED = 0.05;
/** Virtual ms watched in slow motion before (on a replay) and after a moment, then eased out. */
export const LEAD_MS = 40;
export const HOLD_MS = 250;
export const EASE_MS = 250;
/** A quiet wait: nothing but RPC traffic (heartbeats, empty fetches) for this long. */
export const QUIET_AFTER_MS = 300;
export const QUIET_SPEED = 10;
/** Fast-forwarding stops this long before the earliest moment the timer can run out. */
export const QUIET_MARGIN_MS = 500;

export type PaceMode = 'slow' | 'easing' | 'fast' | 'normal';

export interface PaceInput {
  /** The learner's speed. */
  speed: number;
  nowMs: number;
  /** The newest key moment's virtual time, if any. */
  momentAtMs?: number | undefined;
  /** Slow motion around moments is on (the "keep going" setting turns it off). */
  slowMotion: boolean;
  /** The newest engine event that is not an RPC (a quiet wait has none for a while). */
  lastActivityMs: number;
  /** The earliest a running countdown can end (undefined: no timer is counting down). */
  countdownFromMs?: number | undefined;
}

export function paceOf(p: PaceInput): { rate: number; mode: PaceMode } {
  // Ten times slower than the chosen speed, but no slower than WATCH_SPEED (nor faster than chosen).
  const watch = Math.min(p.speed, Math.max(WATCH_SPEED, p.speed / 10));
  if (p.slowMotion && p.momentAtMs !== undefined) {
    const after = p.nowMs - p.momentAtMs;
    if (after >= -LEAD_MS && after <= HOLD_MS) return { rate: watch, mode: 'slow' };
    if (after > HOLD_MS && after < HOLD_MS + EASE_MS) {
      const t = (after - HOLD_MS) / EASE_MS;
      return { rate: Math.exp(Math.log(watch) + t * (Math.log(p.speed) - Math.log(watch))), mode: 'easing' };
    }
  }
  if (
    p.countdownFromMs !== undefined &&
    p.nowMs - p.lastActivityMs >= QUIET_AFTER_MS &&
    p.nowMs < p.countdownFromMs - QUIET_MARGIN_MS
  )
    return { rate: Math.max(p.speed, QUIET_SPEED), mode: 'fast' };
  return { rate: p.speed, mode: 'normal' };
}
