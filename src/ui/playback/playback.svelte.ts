/**
 * Playback: play, pause, speed, step, seek and the frame loop that moves virtual time. The UI
 * drives time: each animation frame asks the worker for (wall ms elapsed × speed) virtual ms, and
 * the worker answers with one batch. requestAnimationFrame stops in hidden tabs, and playback also
 * pauses on `hidden()` (the session's `visibilitychange`), so a background tab costs nothing.
 *
 * It knows the worker only through `PlaybackPort` (the session's connection), so it is tested with
 * a fake port and a fake frame clock.
 */
import type { RunResult, StopCondition } from '../../bridge/protocol';
import { isMomentKind, MOMENT_NAMES } from '../../bridge/key-moments';

/**
 * Virtual ms per wall ms, on a log scale. A message takes 2–6 ms of virtual time, so it is a
 * blink at 1×, a short dash at 0.1× and a journey at 0.03× or 0.01× (teaching speeds).
 */
export const SPEEDS = [0.01, 0.03, 0.1, 0.25, 0.5, 1, 2, 5] as const;
export type Speed = (typeof SPEEDS)[number];
/**
 * Where playback starts: slow enough to see messages travel (20–60 ms each), fast enough that
 * a controller election (about a second of virtual time) does not keep the learner waiting.
 */
export const DEFAULT_SPEED: Speed = 0.1;

/** A frame longer than this (a stalled tab, a debugger pause) counts as this long. */
export const MAX_FRAME_WALL_MS = 100;
/** How much wall time the worker may fall behind before time is dropped instead of owed. */
export const MAX_OWED_WALL_MS = 250;
/** How far "step to the next …" looks before giving up, in virtual time. */
export const STEP_LIMIT_MS = 10 * 60_000;

/** What playback asks of the worker connection (EngineSession). */
export interface PlaybackPort {
  /** The playhead, as the last batch said. */
  readonly nowMs: number;
  /** The worker is open: frames may ask it for time. */
  readonly ready: boolean;
  advance(ms: number, maxOwedMs: number): void;
  run(condition: StopCondition, limitMs: number): Promise<RunResult | 'cancelled' | undefined>;
  seek(atMs: number): void;
  stepBack(): void;
  restoreFuture(): void;
  /** Stop a `run` still searching forward. */
  cancelRun(): void;
  /** Say something to the learner (undefined: clear it). */
  notify(notice: string | undefined): void;
}

/** requestAnimationFrame, or a test's stand-in. */
export interface FrameClock {
  request(callback: (at: number) => void): number;
  cancel(handle: number): void;
}

const animationFrames: FrameClock = {
  request: (callback) => requestAnimationFrame(callback),
  cancel: (handle) => cancelAnimationFrame(handle),
};

export class Playback {
  playing = $state(false);
  speed = $state<Speed>(DEFAULT_SPEED);
  /** A step forward is searching for its event (it may take several frames). */
  stepping = $state(false);
  /**
   * Virtual ms per wall ms for the frame loop, given the playhead and the chosen speed (slow
   * motion around a key moment, fast over a quiet wait: pacer.svelte.ts); undefined: the speed.
   */
  rate: ((nowMs: number, speed: Speed) => number) | undefined = undefined;

  private frame: number | undefined;
  private lastFrameAt: number | undefined;
  private carryMs = 0;
  private resumeWhenVisible = false;

  constructor(
    private readonly port: PlaybackPort,
    options: { playing?: boolean; frames?: FrameClock } = {},
  ) {
    this.playing = options.playing ?? false;
    this.frames = options.frames ?? animationFrames;
  }

  private readonly frames: FrameClock;

  play(): void {
    this.resumeWhenVisible = false;
    this.playing = true;
    this.loop();
  }

  pause(): void {
    this.resumeWhenVisible = false;
    this.playing = false;
    this.halt();
  }

  toggle(): void {
    if (this.playing) this.pause();
    else this.play();
  }

  setSpeed(speed: Speed): void {
    this.speed = speed;
  }

  /** The worker became ready: start the frame loop if playing. */
  start(): void {
    this.loop();
  }

  /** The tab was hidden: pause, and play again when it is back (unless the learner paused). */
  hidden(): void {
    if (!this.playing) return;
    this.pause();
    this.resumeWhenVisible = true;
  }

  visible(): void {
    if (this.resumeWhenVisible) this.play();
  }

  // ----- time travel (each pauses first: moving by hand and playing do not mix) -----

  stepBack(): void {
    this.takeOver();
    this.port.stepBack();
  }

  /**
   * Forward to the next event, or the next event of `eventType` (`moment:<kind>`: the next key
   * moment of a kind). With no match within STEP_LIMIT_MS, the clock goes back to where it was
   * and the notice says so plainly.
   */
  async stepForward(eventType?: string): Promise<void> {
    this.takeOver();
    const fromMs = this.port.nowMs;
    this.stepping = true;
    const condition = stopConditionFor(eventType);
    const result = await this.port.run(condition, STEP_LIMIT_MS);
    this.stepping = false;
    if (result !== 'limit') {
      this.port.notify(undefined);
      return;
    }
    this.port.seek(fromMs);
    const what =
      condition.kind === 'moment'
        ? MOMENT_NAMES[condition.moment]
        : condition.kind === 'eventType'
          ? `“${plainEventName(condition.eventType)}”`
          : 'event';
    this.port.notify(
      `Nothing found: no ${what} in the next ${STEP_LIMIT_MS / 60_000} minutes of virtual time, so the clock stayed at ${(fromMs / 1000).toFixed(3)} s.`,
    );
  }

  seek(atMs: number): void {
    this.takeOver();
    this.port.seek(atMs);
  }

  /** Go to `atMs` and play on from there ("Replay this moment"). */
  playFrom(atMs: number): void {
    this.seek(atMs);
    this.play();
  }

  restoreFuture(): void {
    this.takeOver();
    this.port.restoreFuture();
  }

  /** A move by hand supersedes playing and any step still searching forward. */
  private takeOver(): void {
    this.pause();
    this.port.cancelRun();
  }

  // ----- the frame loop -----

  /** Start the frame loop if it should run and is not running. */
  private loop(): void {
    if (!this.playing || !this.port.ready || this.frame !== undefined) return;
    this.lastFrameAt = undefined;
    this.frame = this.frames.request(this.tick);
  }

  private halt(): void {
    if (this.frame !== undefined) this.frames.cancel(this.frame);
    this.frame = undefined;
    this.lastFrameAt = undefined;
  }

  private readonly tick = (at: number): void => {
    this.frame = undefined;
    if (!this.playing || !this.port.ready) return;
    if (this.lastFrameAt !== undefined) {
      // The pace around key moments (pacer.svelte.ts) applies on top of the chosen speed.
      const rate = this.rate?.(this.port.nowMs, this.speed) ?? this.speed;
      this.carryMs += Math.min(at - this.lastFrameAt, MAX_FRAME_WALL_MS) * rate;
      const wholeMs = Math.floor(this.carryMs);
      if (wholeMs > 0) {
        this.carryMs -= wholeMs;
        this.port.advance(wholeMs, MAX_OWED_WALL_MS * rate);
      }
    }
    this.lastFrameAt = at;
    this.frame = this.frames.request(this.tick);
  };
}

/** The stop condition "step forward" asks for: any event, an event type, or `moment:<kind>`. */
export function stopConditionFor(eventType?: string): StopCondition {
  const moment = eventType?.startsWith('moment:') ? eventType.slice('moment:'.length) : undefined;
  if (moment !== undefined && isMomentKind(moment)) return { kind: 'moment', moment };
  return eventType ? { kind: 'eventType', eventType } : { kind: 'event' };
}

/** `broker.unfenced` → "broker unfenced", `raft.leaderElected` → "raft leader elected". */
export function plainEventName(type: string): string {
  return type
    .replace(/([a-z])([A-Z])/g, '$1 $2')
    .replace(/[._]/g, ' ')
    .toLowerCase();
}
