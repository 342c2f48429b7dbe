/**
 * Keyframes for time travel: the engine's checkpoints at known positions, so that going back means
 * restoring the nearest earlier keyframe and replaying deterministically from it. The engine's
 * `checkpoint()` shares what never changes (record batches, scheduled entries), so a keyframe of a
 * produce-heavy state at 100 000 events costs about 3 ms; `restore()` copies it back the same way,
 * leaving the keyframe intact for the next time.
 */
import type { EngineEvent, Simulation, SimulationCheckpoint } from '../engine';

export interface Keyframe {
  /** Actions (scheduler entries + commands) applied at this point: the position's identity. */
  actions: number;
  nowMs: number;
  traceLength: number;
  /** Commands applied at this point. */
  commands: number;
  checkpoint: SimulationCheckpoint;
}

/**
 * A keyframe as stored in IndexedDB (decision 0007): the engine's checkpoint split into its state
 * (logs included) and its bookkeeping, and what a fresh page needs besides: the action index up to
 * here and the newest events before it.
 */
export interface StoredKeyframe {
  actions: number;
  nowMs: number;
  traceLength: number;
  commands: number;
  bookkeeping: Omit<SimulationCheckpoint, 'state'>;
  state: SimulationCheckpoint['state'];
  index: { timeMs: Float64Array; trace: Float64Array };
  recent: EngineEvent[];
}

/** `previous`: the keyframe before this one, whose unchanged parts the new one shares. */
export function captureKeyframe(
  sim: Simulation,
  actions: number,
  commands: number,
  previous?: Keyframe,
): Keyframe {
  const checkpoint = sim.checkpoint(previous?.checkpoint);
  return { actions, nowMs: sim.now(), traceLength: checkpoint.traceLength, commands, checkpoint };
}

/**
 * Return `sim` to the keyframe (which stays intact for the next time). `past.commandLog`: the
 * commands that led to it, for a simulation that has not applied them (resuming a stored
 * keyframe); `past.trace`: the trace up to it, when the simulation does not hold it.
 */
export function restoreKeyframe(
  sim: Simulation,
  keyframe: Keyframe,
  past?: Parameters<Simulation['restore']>[1],
): void {
  sim.restore(keyframe.checkpoint, past);
}

/** Limits on the keyframes kept (decision 0021). */
export interface KeyframeLimits {
  /** Most keyframes kept. */
  maxCount?: number;
  /**
   * Most parts (objects and array slots, `SimulationCheckpoint.freshParts`) the kept keyframes
   * copied rather than shared: the memory cap. Measured on the lesson-sized cluster: ~1300 parts
   * and ~110 kB a keyframe early on (message bodies in flight included), ~3500 parts and ~150 kB
   * at the hour. At 1 200 000 parts (growth 2) the hour's heap was 100 MB with keyframes 2000
   * actions apart; at 2 000 000 (growth 1.5) 143 MB and 1268 apart; 1 600 000 with growth 1.25
   * is the middle (decision 0021, follow-up). Since keyframes share their logs' unchanged chunks
   * (follow-up 3) a keyframe at the hour copies ~1 400–1 800 parts (~160 kB), and the same cap
   * holds 605 keyframes 1000 actions apart in a 127 MB heap (343, 2000 apart, 105 MB before).
   */
  maxParts?: number;
  /** The newest keyframes, kept at capture spacing for stepping back. */
  keepRecent?: number;
  /**
   * How much the allowed gap grows each time thinning to it is not enough. A quarter rather than
   * doubling: the gap is what a scrub replays (half of it on average), and with doubling the
   * hour's gap jumped from 1000 to 2000 actions where the memory cap would have held ~1300.
   */
  growth?: number;
}

export const KEYFRAME_LIMITS: Required<KeyframeLimits> = {
  maxCount: 2048,
  maxParts: 1_600_000,
  keepRecent: 16,
  growth: 1.25,
};

/**
 * Keyframes in position order, with memory bounded. Past a limit the old ones (all but the newest
 * `keepRecent`) are thinned evenly: first to the gap the old ones already have, and if that is not
 * enough the allowed gap between two kept keyframes grows by half (`growth`); a keyframe whose neighbours are within
 * the gap is dropped. Every old stretch of the timeline
 * keeps the same spacing (so a scrub anywhere replays at most one gap), instead of the oldest
 * stretches growing ever sparser.
 */
export class KeyframeList {
  private frames: Keyframe[] = [];
  private readonly limits: Required<KeyframeLimits>;
  /** The gap (in actions) old keyframes are thinned to; 0 before the first thinning. */
  private gap = 0;
  private parts = 0;

  constructor(limits: KeyframeLimits = {}) {
    this.limits = {
      maxCount: limits.maxCount ?? KEYFRAME_LIMITS.maxCount,
      maxParts: limits.maxParts ?? KEYFRAME_LIMITS.maxParts,
      keepRecent: limits.keepRecent ?? KEYFRAME_LIMITS.keepRecent,
      growth: limits.growth ?? KEYFRAME_LIMITS.growth,
    };
  }

  get length(): number {
    return this.frames.length;
  }

  /** The largest distance, in actions, between two neighbouring old keyframes it aims for. */
  get oldSpacing(): number {
    return this.gap;
  }

  all(): readonly Keyframe[] {
    return this.frames;
  }

  add(keyframe: Keyframe): void {
    const last = this.frames.at(-1);
    if (last && last.actions >= keyframe.actions) throw new Error('keyframes must be added in order');
    this.frames.push(keyframe);
    this.parts += partsOf(keyframe);
    this.fit();
  }

  /** The latest keyframe at or before `actions` (the first keyframe is always at 0). */
  atOrBefore(actions: number): Keyframe | undefined {
    let lo = 0;
    let hi = this.frames.length - 1;
    let found: Keyframe | undefined;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const k = this.frames[mid]!;
      if (k.actions <= actions) {
        found = k;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    return found;
  }

  /** Remove and return the keyframes after `actions` (a fork abandons them). */
  cutAfter(actions: number): Keyframe[] {
    const i = this.frames.findIndex((k) => k.actions > actions);
    const cut = i < 0 ? [] : this.frames.splice(i);
    for (const k of cut) this.parts -= partsOf(k);
    return cut;
  }

  /** Add keyframes anywhere (the past of a resumed timeline, filled in later); same positions are skipped. */
  merge(keyframes: readonly Keyframe[]): void {
    const known = new Set(this.frames.map((k) => k.actions));
    const added = keyframes.filter((k) => !known.has(k.actions));
    for (const k of added) this.parts += partsOf(k);
    this.frames = [...this.frames, ...added].sort((a, b) => a.actions - b.actions);
    this.fit();
  }

  append(keyframes: readonly Keyframe[]): void {
    for (const k of keyframes) this.add(k);
  }

  private fit(): void {
    const { maxCount, maxParts, keepRecent, growth } = this.limits;
    const over = () =>
      (this.frames.length > maxCount || this.parts > maxParts) && this.frames.length > keepRecent + 2;
    if (!over()) return;
    // Keyframes that have just left the recent ones are thinned to the spacing the old ones have.
    if (this.gap > 0) this.thinTo(this.gap);
    while (over()) {
      if (this.gap === 0) {
        // The first time: start from the spacing the old keyframes have now (their median gap).
        const old = this.frames.slice(0, this.frames.length - keepRecent);
        const gaps = old.slice(1).map((k, i) => k.actions - old[i]!.actions);
        gaps.sort((x, y) => x - y);
        this.gap = Math.max(1, gaps[gaps.length >> 1] ?? 1);
      }
      this.gap = Math.max(this.gap + 1, Math.ceil(this.gap * growth));
      this.thinTo(this.gap);
    }
  }

  /** Drop the old keyframes not needed for a spacing of at most `gap` actions. */
  private thinTo(gap: number): void {
    const frames = this.frames;
    const old = frames.length - this.limits.keepRecent;
    const kept: Keyframe[] = [frames[0]!];
    for (let i = 1; i < frames.length; i++) {
      const k = frames[i]!;
      const next = frames[i + 1];
      // Old, and the kept one before it reaches the next one within the gap: not needed.
      if (i < old && next && next.actions - kept.at(-1)!.actions <= gap) {
        this.parts -= partsOf(k);
        continue;
      }
      kept.push(k);
    }
    this.frames = kept;
  }
}

/** Parts a keyframe copied (unknown for keyframes from elsewhere: count them as one). */
function partsOf(k: Keyframe): number {
  return k.checkpoint?.freshParts ?? 1;
}
