/**
 * Keyframes for time travel: copies of the whole simulation state at known positions, so that
 * going back means restoring the nearest earlier keyframe and replaying deterministically from it.
 *
 * The engine's `checkpoint()` copies everything with `structuredClone`, record batches included
 * (40 ms at 100 000 produce-heavy events). Here the engine still does the bookkeeping — trace and
 * command-log lengths, the next command id — but on an empty stand-in state, and the worker keeps
 * its own copy of the real state (`cloneState`), which shares the immutable record batches and
 * message bodies instead of copying them (3.3 ms for the same state). Restoring works the same
 * way round: `restore` on the stand-in, then the copy is installed as the kernel's state.
 * If the engine grows a cheaper checkpoint, this module shrinks to two calls.
 */
import type { KernelState } from '../engine/kernel/kernel';
import type { EngineEvent, TimedCommand } from '../engine';
import type { Simulation, SimulationCheckpoint } from '../engine/simulation';
import { cloneState, emptyStateLike } from './state-clone';

export interface Keyframe {
  /** Actions (scheduler entries + commands) applied at this point: the position's identity. */
  actions: number;
  nowMs: number;
  traceLength: number;
  /** Commands applied at this point. */
  commands: number;
  /** The engine's bookkeeping, taken on a stand-in state. */
  bookkeeping: SimulationCheckpoint;
  state: KernelState;
}

/**
 * A keyframe as stored in IndexedDB (decision 0007): the state (logs included), the engine's
 * bookkeeping without its stand-in state, and what a fresh page needs besides: the action index up
 * to here and the newest events before it.
 */
export interface StoredKeyframe {
  actions: number;
  nowMs: number;
  traceLength: number;
  commands: number;
  bookkeeping: Omit<SimulationCheckpoint, 'state'>;
  state: KernelState;
  index: { timeMs: Float64Array; trace: Float64Array };
  recent: EngineEvent[];
}

export function captureKeyframe(sim: Simulation, actions: number, commands: number): Keyframe {
  const state = sim.kernel.state;
  sim.kernel.state = emptyStateLike(state);
  let bookkeeping: SimulationCheckpoint;
  try {
    bookkeeping = sim.checkpoint();
  } finally {
    sim.kernel.state = state;
  }
  return {
    actions,
    nowMs: sim.now(),
    traceLength: bookkeeping.traceLength,
    commands,
    bookkeeping,
    state: cloneState(state),
  };
}

/**
 * Return `sim` to the keyframe (which stays intact for the next time). `commandLog`: the commands
 * that led to it, for a simulation that has not applied them (resuming a stored keyframe).
 */
export function restoreKeyframe(
  sim: Simulation,
  keyframe: Keyframe,
  commandLog?: readonly TimedCommand[],
): void {
  // Trace, command log and ids; its state is the stand-in.
  sim.restore(keyframe.bookkeeping, commandLog ? { commandLog } : undefined);
  sim.kernel.state = cloneState(keyframe.state);
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
