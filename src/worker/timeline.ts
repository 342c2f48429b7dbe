/**
 * A session as a timeline: the simulation, every command with its exact place (the timed command
 * log, future included when the learner has gone back), keyframes, and the time and trace length
 * after every action. It moves the simulation anywhere along the timeline:
 *
 * - forward: process scheduler entries and re-apply recorded commands at exactly their recorded
 *   place (`processed`), then run live past the recorded end;
 * - back: restore the nearest earlier keyframe and replay deterministically to the target;
 * - acting in the past forks: the recorded future is set aside (restorable once, until the next
 *   fork) and the new command starts a new future.
 *
 * An "action" is one scheduler entry processed or one command applied; a position is the number of
 * actions applied plus the clock, which identifies a point exactly even inside one millisecond.
 */
import {
  createSimulation,
  type Command,
  type CommandId,
  type SimulationOptions,
  type TimedCommand,
} from '../engine';
import type { Simulation } from '../engine/simulation';
import { ActionIndex } from './action-index';
import { captureKeyframe, KeyframeList, restoreKeyframe, type Keyframe } from './keyframes';
import { matchesEvents, type RunResult, type StopCondition } from './stop-conditions';

export interface Position {
  actions: number;
  nowMs: number;
}

/** A timeline as stored or shared: enough to rebuild it exactly. */
export interface RecordedTimeline {
  commands: TimedCommand[];
  /** The furthest virtual time the timeline reached. */
  endMs: number;
}

export interface TimelineTuning {
  /** A keyframe is taken once this many actions have passed since the previous one. */
  keyframeEveryActions?: number;
  maxKeyframes?: number;
}

/** Lets long operations stop early and report `budget`, so the worker keeps answering. */
export interface Budget {
  exhausted(): boolean;
}

/**
 * Keyframe spacing, in actions: replay cost is per action (a cancelled timer costs a step but
 * emits nothing), so spacing by events would make the replay after a restore unpredictable.
 * Measured choice, see decision 0004.
 */
export const KEYFRAME_EVERY_ACTIONS = 500;
/** How many actions run between two looks at the budget (a clock read is not free). */
const BUDGET_STRIDE = 64;

interface AbandonedFuture {
  fork: Position;
  commands: TimedCommand[];
  index: ReturnType<ActionIndex['cutAfter']>;
  keyframes: Keyframe[];
  endMs: number;
}

export class TimelineError extends Error {
  override name = 'TimelineError';
}

export class Timeline {
  readonly sim: Simulation;
  readonly options: SimulationOptions;
  private readonly commands: TimedCommand[];
  /** How many of `commands` the simulation has applied (its own command log's length). */
  private applied = 0;
  private readonly index: ActionIndex;
  private readonly keyframes: KeyframeList;
  private readonly keyframeEvery: number;
  private endMs: number;
  private abandoned: AbandonedFuture | undefined;
  /** Lowest command index changed since `takeCommandChanges` (for the storage writer). */
  private changedFrom: number | undefined;

  /** Throws EngineError for bad options. `recorded`: a stored or shared timeline to replay. */
  constructor(options: SimulationOptions, recorded?: RecordedTimeline, tuning: TimelineTuning = {}) {
    this.sim = createSimulation(options);
    this.options = structuredClone(options);
    this.commands = structuredClone([...(recorded?.commands ?? [])]);
    this.endMs = recorded?.endMs ?? 0;
    this.keyframeEvery = tuning.keyframeEveryActions ?? KEYFRAME_EVERY_ACTIONS;
    this.keyframes = new KeyframeList(tuning.maxKeyframes);
    this.index = new ActionIndex(this.trace().length);
    this.keyframes.add(captureKeyframe(this.sim, 0, 0));
  }

  // ----- where we are -----

  position(): Position {
    return { actions: this.actions(), nowMs: this.sim.now() };
  }

  nowMs(): number {
    return this.sim.now();
  }

  /** The end of the timeline: the furthest time reached or recorded. */
  timelineEndMs(): number {
    return Math.max(this.endMs, this.sim.now());
  }

  traceLength(): number {
    return this.trace().length;
  }

  /** Is there recorded future ahead (so acting now would fork)? */
  hasFuture(): boolean {
    return (
      this.sim.now() < this.endMs || this.applied < this.commands.length || this.actions() < this.index.length
    );
  }

  canRestoreFuture(): boolean {
    return this.abandoned !== undefined;
  }

  /** The whole timeline's commands, recorded future included (copies). */
  recorded(): RecordedTimeline {
    return { commands: structuredClone(this.commands), endMs: this.timelineEndMs() };
  }

  commandCount(): number {
    return this.commands.length;
  }

  /** Commands applied at the current position (the rest is recorded future). */
  appliedCommands(): number {
    return this.applied;
  }

  /** Commands from this index on changed since the last call (undefined: none). */
  takeCommandChanges(): { from: number; commands: TimedCommand[] } | undefined {
    const from = this.changedFrom;
    this.changedFrom = undefined;
    return from === undefined ? undefined : { from, commands: structuredClone(this.commands.slice(from)) };
  }

  keyframeCount(): number {
    return this.keyframes.length;
  }

  // ----- moving -----

  /** Run forward `ms` of virtual time. */
  advance(ms: number, budget?: Budget): boolean {
    return this.forwardTo(this.sim.now() + ms, budget);
  }

  /**
   * Go to virtual time `atMs`, forward or back. Returns false if the budget ran out first (the
   * position is then part of the way there; call again to continue).
   */
  seek(atMs: number, budget?: Budget): boolean {
    if (atMs >= this.sim.now()) return this.forwardTo(atMs, budget);
    const target = Math.max(0, this.index.lastAtOrBefore(atMs));
    this.rewindTo(target, true);
    this.sim.kernel.advanceTo(atMs);
    return true;
  }

  /** Go exactly to a stored position (a reload). Throws TimelineError if the log cannot reach it. */
  seekPosition(position: Position): void {
    const here = this.actions();
    if (position.actions < here || (position.actions === here && position.nowMs < this.sim.now())) {
      this.rewindTo(position.actions, true);
    }
    while (this.actions() < position.actions) {
      if (this.nextActionAtMs() === undefined)
        throw new TimelineError('The stored position is past the end.');
      this.act();
    }
    this.sim.kernel.advanceTo(position.nowMs);
    this.endMs = Math.max(this.endMs, position.nowMs);
  }

  /** Back to just before the newest event group. False at the very start. */
  stepBack(): boolean {
    const target = this.index.lastWithTraceBelow(this.trace().length, this.actions());
    if (target < 0) return false;
    this.rewindTo(target, true);
    return true;
  }

  /** Run until the condition holds, `limitMs` of virtual time passes, or the budget runs out. */
  runUntil(condition: StopCondition, limitMs: number, budget?: Budget): RunResult {
    if (condition.kind === 'time') return this.seek(condition.atMs, budget) ? 'matched' : 'budget';
    const deadline = this.sim.now() + limitMs;
    for (let n = 1; ; n++) {
      const at = this.nextActionAtMs();
      if (at === undefined || at > deadline) {
        this.forwardTo(deadline);
        return 'limit';
      }
      const from = this.trace().length;
      this.act();
      if (matchesEvents(condition, this.trace(), from)) return 'matched';
      if (n % BUDGET_STRIDE === 0 && budget?.exhausted()) return 'budget';
    }
  }

  // ----- acting -----

  /** Apply a command now; in the past this forks the timeline. Throws EngineError and changes nothing if refused. */
  dispatch(command: Command): CommandId {
    const atMs = this.sim.now();
    const processed = this.sim.kernel.state.processed;
    const here = this.actions();
    const forks = this.hasFuture();
    const id = this.sim.dispatch(command);
    if (forks) this.fork({ actions: here, nowMs: atMs });
    this.commands.push({ atMs, processed, command: structuredClone(command) });
    this.noteChange(this.applied);
    this.applied++;
    this.record();
    return id;
  }

  /** Bring back the future abandoned by the last fork (once); the position goes to the fork point. */
  restoreFuture(): boolean {
    const future = this.abandoned;
    if (!future) return false;
    this.abandoned = undefined;
    this.seekPosition(future.fork); // the branches share everything up to here
    this.commands.length = this.applied;
    this.commands.push(...future.commands);
    this.noteChange(this.applied);
    this.index.cutAfter(future.fork.actions);
    this.index.append(future.index);
    this.keyframes.cutAfter(future.fork.actions);
    this.keyframes.append(future.keyframes);
    this.endMs = future.endMs;
    return true;
  }

  // ----- internals -----

  private trace() {
    return this.sim.kernel.trace;
  }

  private actions(): number {
    return this.sim.kernel.state.processed + this.applied;
  }

  /** The recorded command that comes next, if nothing else is processed before it. */
  private pendingCommand(): TimedCommand | undefined {
    const next = this.commands[this.applied];
    return next && next.processed === this.sim.kernel.state.processed ? next : undefined;
  }

  private nextActionAtMs(): number | undefined {
    return this.pendingCommand()?.atMs ?? this.sim.nextEventAtMs();
  }

  /** One action: the recorded command due now, else the next scheduler entry. */
  private act(): void {
    const command = this.pendingCommand();
    if (command) {
      const due = this.sim.nextEventAtMs();
      if (command.atMs < this.sim.now() || (due !== undefined && due < command.atMs)) {
        throw new TimelineError('The command log does not match this simulation.');
      }
      this.sim.kernel.advanceTo(command.atMs);
      this.sim.dispatch(command.command);
      this.applied++;
    } else {
      const next = this.commands[this.applied];
      const at = this.sim.nextEventAtMs();
      if (
        at === undefined ||
        (next && (at > next.atMs || this.sim.kernel.state.processed > next.processed))
      ) {
        throw new TimelineError('The command log does not match this simulation.');
      }
      this.sim.step();
    }
    this.record();
  }

  /** After an action: extend the index (and take a keyframe) when this is new ground. */
  private record(): void {
    const actions = this.actions();
    if (actions <= this.index.length) return;
    const traceLength = this.trace().length;
    this.index.push(this.sim.now(), traceLength);
    this.endMs = Math.max(this.endMs, this.sim.now());
    const last = this.keyframes.all().at(-1);
    if (!last || actions - last.actions >= this.keyframeEvery) {
      this.keyframes.add(captureKeyframe(this.sim, actions, this.applied));
    }
  }

  private forwardTo(atMs: number, budget?: Budget): boolean {
    for (let n = 1; ; n++) {
      const at = this.nextActionAtMs();
      if (at === undefined || at > atMs) break;
      this.act();
      if (n % BUDGET_STRIDE === 0 && budget?.exhausted()) return false;
    }
    this.sim.kernel.advanceTo(atMs);
    this.endMs = Math.max(this.endMs, atMs);
    return true;
  }

  /** Replay to position `target` (≤ here), from the nearest keyframe when going back. */
  private rewindTo(target: number, clockBack: boolean): void {
    if (target < this.actions() || clockBack) {
      const keyframe = this.keyframes.atOrBefore(target);
      if (!keyframe) throw new TimelineError('No keyframe before that point.');
      restoreKeyframe(this.sim, keyframe);
      this.applied = keyframe.commands;
    }
    while (this.actions() < target) this.act();
  }

  private fork(at: Position): void {
    this.abandoned = {
      fork: at,
      commands: this.commands.splice(this.applied),
      index: this.index.cutAfter(at.actions),
      keyframes: this.keyframes.cutAfter(at.actions),
      endMs: this.endMs,
    };
    this.endMs = at.nowMs;
    this.noteChange(this.applied);
  }

  private noteChange(from: number): void {
    this.changedFrom = Math.min(this.changedFrom ?? from, from);
  }
}
