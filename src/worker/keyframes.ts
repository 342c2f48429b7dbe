/**
 * Keyframes for time travel: the engine's checkpoints at known positions, so that going back means
 * restoring the nearest earlier keyframe and replaying deterministically from it. The engine's
 * `checkpoint()` shares what never changes (record batches, scheduled entries), so a keyframe of a
 * produce-heavy state at 100 000 events costs about 3 ms; `restore()` copies it back the same way,
 * leaving the keyframe intact for the next time.
 */
import type { EngineEvent, Simulation, SimulationCheckpoint, TimedCommand } from '../engine';

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

export function captureKeyframe(sim: Simulation, actions: number, commands: number): Keyframe {
  const checkpoint = sim.checkpoint();
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
  past?: {
    commandLog?: readonly TimedCommand[];
    trace?: readonly EngineEvent[];
    traceTail?: readonly EngineEvent[];
  },
): void {
  sim.restore(keyframe.checkpoint, past);
}

/**
 * Keyframes in position order. Past `maxCount`, every other old keyframe is dropped (the newest
 * `keepRecent` stay dense, where stepping back happens most), so memory stays bounded and the
 * spacing of old keyframes doubles instead.
 */
export class KeyframeList {
  private frames: Keyframe[] = [];

  constructor(
    private readonly maxCount = 256,
    private readonly keepRecent = 16,
  ) {}

  get length(): number {
    return this.frames.length;
  }

  all(): readonly Keyframe[] {
    return this.frames;
  }

  add(keyframe: Keyframe): void {
    const last = this.frames.at(-1);
    if (last && last.actions >= keyframe.actions) throw new Error('keyframes must be added in order');
    this.frames.push(keyframe);
    if (this.frames.length > this.maxCount) this.thin();
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
    return i < 0 ? [] : this.frames.splice(i);
  }

  /** Add keyframes anywhere (the past of a resumed timeline, filled in later); same positions are skipped. */
  merge(keyframes: readonly Keyframe[]): void {
    const known = new Set(this.frames.map((k) => k.actions));
    this.frames = [...this.frames, ...keyframes.filter((k) => !known.has(k.actions))].sort(
      (a, b) => a.actions - b.actions,
    );
    while (this.frames.length > this.maxCount) this.thin();
  }

  append(keyframes: readonly Keyframe[]): void {
    for (const k of keyframes) this.add(k);
  }

  private thin(): void {
    const old = this.frames.length - this.keepRecent;
    // Keep the first (position 0) and every second one after it among the old ones.
    this.frames = this.frames.filter((_, i) => i >= old || i % 2 === 0);
  }
}
