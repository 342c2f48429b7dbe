/**
 * A session as a timeline: the simulation, every command with its exact place (the timed command
 * log, future included when the learner has gone back), keyframes, and the time and trace length
 * after every action. It moves the simulation anywhere along the timeline:
 *
 * - forward: process scheduler entries and re-apply recorded commands at exactly their recorded
 *   place (`processed`), then run live past the recorded end;
 * - back: restore the nearest earlier keyframe and replay deterministically to the target; the
 *   events cut from the trace are kept, so going forward again over recorded time can restore the
 *   nearest keyframe ahead instead of replaying the whole distance;
 * - acting in the past forks: the recorded future is set aside (restorable once, until the next
 *   fork) and the new command starts a new future.
 *
 * An "action" is one scheduler entry processed or one command applied; a position is the number of
 * actions applied plus the clock, which identifies a point exactly even inside one millisecond.
 */
import {
  createSimulation,
  EngineError,
  formatEvent,
  type Command,
  type CommandId,
  type SimulationOptions,
  type TimedCommand,
} from '../engine';
import type { EngineEvent, Simulation } from '../engine';
import { ActionIndex } from './action-index';
import {
  captureKeyframe,
  KeyframeList,
  restoreKeyframe,
  type KeyframeLimits,
  type Keyframe,
  type StoredKeyframe,
} from './keyframes';
import { SCENARIO_LIMITS } from '../bridge/scenario';
import { FutureTrace } from './future-trace';
import { TracePager, type TracePageStore } from './trace-pager';
import { matchesEvents, type RunResult, type StopCondition } from '../bridge/stop-conditions';

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
  /** Limits on the keyframes kept (count, memory); see `KEYFRAME_LIMITS`. */
  keyframeLimits?: KeyframeLimits;
  /** Newest events kept as objects; older ones are paged out (`TRACE_IN_HEAP_EVENTS`). */
  traceInHeap?: number;
  /** Where paged-out trace goes (memory by default). */
  traceStore?: TracePageStore;
  /** Events per trace page (`PAGE_EVENTS`; small in tests). */
  tracePageEvents?: number;
  /** Going back to under half a trace this long keeps its array for jumping ahead (`SPARE_FROM`). */
  spareFrom?: number;
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
export const KEYFRAME_EVERY_ACTIONS = 250;
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

/** Events stored with a keyframe: what the first batch after a reload shows (≥ RECENT_EVENTS). */
const STORED_RECENT_EVENTS = 256;

/** A resumed timeline's past, being filled in by replaying it on the side (see `backfill`). */
interface Backfill {
  /** Made on the first call to `backfill`, so that resuming does not pay for it. */
  shadow: Timeline | undefined;
  options: SimulationOptions;
  recorded: RecordedTimeline;
  tuning: TimelineTuning;
  keyframe: Keyframe;
  recent: EngineEvent[];
}

/**
 * Every this many keyframes taken, the simulation goes on from a restored copy of the newest one
 * (the same state). Why: a restore builds the state's objects key by key, so they have other
 * hidden classes than the object literals the engine builds them with. A simulation that ran for
 * long without a restore has its code optimized for the literals' shapes only, and the first
 * scrubs after it deoptimized ~100 engine functions: at the hour, the first ten seeks took 15–45 ms
 * against 5–12 ms once warm. Going on from a restored copy now and then keeps both shapes known
 * to the optimizing compiler all along, for ~1.5 ms every 4 000 actions.
 */
const RESTORE_EVERY_KEYFRAMES = 16;

/** A trace shorter than this is cut and grown again as it is (cheap at that size). */
const SPARE_FROM = 65_536;

export class Timeline {
  readonly sim: Simulation;
  readonly options: SimulationOptions;
  private readonly commands: TimedCommand[];
  /** How many of `commands` the simulation has applied (its own command log's length). */
  private applied = 0;
  private readonly index: ActionIndex;
  private readonly keyframes: KeyframeList;
  private readonly keyframeEvery: number;
  /** Keyframes taken on new ground (`RESTORE_EVERY_KEYFRAMES`). */
  private captured = 0;
  private endMs: number;
  private abandoned: AbandonedFuture | undefined;
  /** Lowest command index changed since `takeCommandChanges` (for the storage writer). */
  private changedFrom: number | undefined;
  /** Bumped whenever the command log changes (a command, a fork, a restored future). */
  private commandsChanged = 0;
  /** Bumped when the timeline's future is replaced (a fork, a restored future). */
  private branches = 0;
  private backfilling: Backfill | undefined;
  /**
   * The recorded future's events, cut from the trace by going back (going back prepends, jumping
   * forward takes from the front). Deterministic replay regenerates exactly these, so they stay
   * valid until the future is replaced (a fork, a restored future).
   */
  private readonly future = new FutureTrace();
  /**
   * The trace's array as it was before going far back (`Simulation.detachTrace`): its entries are
   * this timeline's events (holes where paged out), so jumping ahead again puts it back instead of
   * growing the cut trace to ~580 000 entries anew. Dropped when the future is replaced.
   * `holesBelow`: its entries below this were paged out when it was set aside.
   */
  private spare: { events: readonly (EngineEvent | undefined)[]; holesBelow: number } | undefined;
  private readonly spareFrom: number;
  private readonly pager: TracePager;
  private readonly cutListeners: ((length: number) => void)[] = [];

  /** Throws EngineError for bad options. `recorded`: a stored or shared timeline to replay. */
  constructor(options: SimulationOptions, recorded?: RecordedTimeline, tuning: TimelineTuning = {}) {
    this.sim = createSimulation(options);
    this.options = structuredClone(options);
    this.commands = structuredClone([...(recorded?.commands ?? [])]);
    this.endMs = recorded?.endMs ?? 0;
    this.keyframeEvery = tuning.keyframeEveryActions ?? KEYFRAME_EVERY_ACTIONS;
    this.spareFrom = tuning.spareFrom ?? SPARE_FROM;
    this.keyframes = new KeyframeList(tuning.keyframeLimits);
    this.index = new ActionIndex(this.trace().length);
    this.keyframes.add(captureKeyframe(this.sim, 0, 0));
    this.pager = new TracePager(this.sim, tuning.traceInHeap, tuning.traceStore, tuning.tracePageEvents);
  }

  /**
   * A stored timeline resumed from a stored keyframe instead of replayed from the start: the
   * state, clock, action index and newest events come from the keyframe; the older events (the
   * trace before them) and the keyframes before it are filled in by `backfill`, which replays the
   * past on the side and checks that it arrives at the very same point. Throws if the keyframe
   * does not fit the command log; the caller then replays.
   */
  static resume(
    options: SimulationOptions,
    recorded: RecordedTimeline,
    stored: StoredKeyframe,
    tuning: TimelineTuning = {},
  ): Timeline {
    const t = new Timeline(options, recorded, tuning);
    if (stored.commands > t.commands.length || stored.index.timeMs.length !== stored.actions) {
      throw new TimelineError('The stored keyframe does not fit this command log.');
    }
    // Until the backfill, the trace holds the newest events only, at their places (seq intact).
    const missing = stored.traceLength - stored.recent.length;
    const trace = new Array<EngineEvent>(missing);
    for (const e of stored.recent) trace.push(e);
    const keyframe: Keyframe = {
      actions: stored.actions,
      nowMs: stored.nowMs,
      traceLength: stored.traceLength,
      commands: stored.commands,
      checkpoint: { ...stored.bookkeeping, state: stored.state },
    };
    restoreKeyframe(t.sim, keyframe, { commandLog: t.commands.slice(0, stored.commands), trace });
    t.applied = stored.commands;
    t.index.load(stored.index);
    t.keyframes.merge([keyframe]);
    t.backfilling = { shadow: undefined, options, recorded, tuning, keyframe, recent: stored.recent };
    return t;
  }

  /** This point as a keyframe to store: state, bookkeeping, the action index and the newest events. */
  storedKeyframe(): StoredKeyframe {
    const actions = this.actions();
    const k = captureKeyframe(this.sim, actions, this.applied);
    const { state, ...bookkeeping } = k.checkpoint;
    const trace = this.trace();
    return {
      actions,
      nowMs: k.nowMs,
      traceLength: k.traceLength,
      commands: k.commands,
      bookkeeping,
      state,
      index: this.index.head(actions),
      recent: this.events(Math.max(0, trace.length - STORED_RECENT_EVENTS)) as EngineEvent[],
    };
  }

  /** Is the past of a resumed timeline still being filled in? */
  get backfillPending(): boolean {
    return this.backfilling !== undefined;
  }

  /**
   * Replay a resumed timeline's past on the side, a budget at a time; once it reaches the stored
   * keyframe, check that it arrives at the same point (clock, actions, the newest events, event
   * for event) and adopt its trace and keyframes. True when done. Throws TimelineError if the
   * replay disagrees with the keyframe (the caller should then replay the session instead).
   */
  backfill(budget?: Budget): boolean {
    const b = this.backfilling;
    if (!b) return true;
    b.shadow ??= new Timeline(b.options, b.recorded, b.tuning);
    const { shadow, keyframe } = b;
    for (let n = 1; shadow.actions() < keyframe.actions; n++) {
      if (shadow.nextActionAtMs() === undefined) break;
      shadow.act();
      if (n % BUDGET_STRIDE === 0 && budget?.exhausted()) return false;
    }
    this.backfilling = undefined;
    const past = shadow.trace();
    const same =
      shadow.actions() === keyframe.actions &&
      past.length === keyframe.traceLength &&
      b.recent.every((e, i) => formatEvent(e) === formatEvent(past[past.length - b.recent.length + i]!));
    if (!same) throw new TimelineError('The stored keyframe does not match a replay of its session.');
    this.sim.fillTrace(past.slice(0, keyframe.traceLength - b.recent.length));
    this.keyframes.merge(shadow.keyframes.all().filter((k) => k.actions > 0 && k.actions < keyframe.actions));
    return true;
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

  /**
   * Trace events [from, to), paged-out ones read back (holes only where the past is not known
   * yet: a resumed session before its backfill). Read the trace through this, not `sim.trace()`.
   */
  events(from: number, to = this.traceLength()): (EngineEvent | undefined)[] {
    return this.pager.read(from, to);
  }

  /** The event at trace index `i` (read back if paged out). */
  eventAt(i: number): EngineEvent | undefined {
    return this.pager.at(i);
  }

  /** Bytes of old trace paged out of the heap. */
  pagedTraceBytes(): number {
    return this.pager.storedBytes();
  }

  /**
   * Listen for the trace being cut back (going back in time): `length` is the length it was cut
   * to. Events before it are unchanged; from it on, what follows may differ (a fork) or be the
   * same events again as new objects (a replay). Readers that fed on the trace start over if
   * they had read past it.
   */
  onTraceCut(listener: (length: number) => void): void {
    this.cutListeners.push(listener);
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

  /** Copies of the commands from index `from` on (what a dispatch just added, for the journal). */
  commandsFrom(from: number): TimedCommand[] {
    return structuredClone(this.commands.slice(from));
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

  /** Changes whenever the timeline's future is replaced: stored keyframes past it are then stale. */
  get branchVersion(): number {
    return this.branches;
  }

  /** Changes whenever the command log does: lets readers cache what they derive from it. */
  get commandsVersion(): number {
    return this.commandsChanged;
  }

  /** The commands of these types on the whole timeline, recorded future included, in order. */
  commandsOfType(types: ReadonlySet<string>): { index: number; atMs: number; command: Command }[] {
    const found: { index: number; atMs: number; command: Command }[] = [];
    this.commands.forEach((entry, index) => {
      if (types.has(entry.command.type)) found.push({ index, atMs: entry.atMs, command: entry.command });
    });
    return found;
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
    this.sim.advanceTo(atMs);
    this.settle();
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
    this.sim.advanceTo(position.nowMs);
    this.endMs = Math.max(this.endMs, position.nowMs);
    this.settle();
  }

  /** Back to just before the newest event group. False at the very start. */
  stepBack(): boolean {
    const target = this.index.lastWithTraceBelow(this.trace().length, this.actions());
    if (target < 0) return false;
    this.rewindTo(target, true);
    this.settle();
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
      if (matchesEvents(condition, this.trace(), from)) return this.settled('matched');
      if (n % BUDGET_STRIDE === 0 && budget?.exhausted()) return this.settled('budget');
    }
  }

  // ----- acting -----

  /** Apply a command now; in the past this forks the timeline. Throws EngineError and changes nothing if refused. */
  dispatch(command: Command): CommandId {
    const atMs = this.sim.now();
    const processed = this.sim.position().processed;
    const here = this.actions();
    const forks = this.hasFuture();
    const traceBefore = this.trace().length;
    if (this.applied >= SCENARIO_LIMITS.commands) {
      // The command log is what a share link or file carries: it may not outgrow what they open.
      throw new EngineError(
        'POLICY_VIOLATION',
        `This session holds ${this.applied} commands, the most one session can keep and share (${SCENARIO_LIMITS.commands}). Start a new session to go on.`,
      );
    }
    const id = this.sim.dispatch(command);
    if (forks) this.fork({ actions: here, nowMs: atMs }, traceBefore);
    this.commands.push({ atMs, processed, command: structuredClone(command) });
    this.noteChange(this.applied);
    this.applied++;
    this.record();
    this.settle();
    return id;
  }

  /** Bring back the future abandoned by the last fork (once); the position goes to the fork point. */
  restoreFuture(): boolean {
    const future = this.abandoned;
    if (!future) return false;
    this.abandoned = undefined;
    this.seekPosition(future.fork); // the branches share everything up to here
    this.pager.dropFrom(this.trace().length); // pages written along the other branch
    this.commands.length = this.applied;
    this.commands.push(...future.commands);
    this.noteChange(this.applied);
    this.index.cutAfter(future.fork.actions);
    this.index.append(future.index);
    this.keyframes.cutAfter(future.fork.actions);
    this.keyframes.append(future.keyframes);
    this.endMs = future.endMs;
    this.dropFuture();
    this.branches++;
    return true;
  }

  // ----- internals -----

  private trace(): readonly EngineEvent[] {
    return this.sim.trace();
  }

  /** After a move: page out old trace (not while the past of a resumed session is being filled in). */
  private settle(): void {
    this.pager.pageOut(this.backfilling === undefined);
  }

  private settled<T>(result: T): T {
    this.settle();
    return result;
  }

  private actions(): number {
    return this.sim.position().processed + this.applied;
  }

  /** The recorded command that comes next, if nothing else is processed before it. */
  private pendingCommand(): TimedCommand | undefined {
    const next = this.commands[this.applied];
    return next && next.processed === this.sim.position().processed ? next : undefined;
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
      this.sim.advanceTo(command.atMs);
      this.sim.dispatch(command.command);
      this.applied++;
    } else {
      const next = this.commands[this.applied];
      const at = this.sim.nextEventAtMs();
      if (at === undefined || (next && (at > next.atMs || this.sim.position().processed > next.processed))) {
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
      const keyframe = captureKeyframe(this.sim, actions, this.applied, last);
      this.keyframes.add(keyframe);
      if (++this.captured % RESTORE_EVERY_KEYFRAMES === 0) this.sim.restore(keyframe.checkpoint);
    }
  }

  private forwardTo(target: number, budget?: Budget): boolean {
    // A session never runs past what a scenario may hold, so everything it writes it can open.
    const atMs = Math.min(target, Math.max(SCENARIO_LIMITS.virtualMs, this.sim.now()));
    this.jumpAhead(atMs);
    for (let n = 1; ; n++) {
      const at = this.nextActionAtMs();
      if (at === undefined || at > atMs) break;
      this.act();
      if (n % BUDGET_STRIDE === 0) {
        this.settle();
        if (budget?.exhausted()) return false;
      }
    }
    this.sim.advanceTo(atMs);
    this.endMs = Math.max(this.endMs, atMs);
    this.settle();
    return true;
  }

  /** Replay to position `target` (≤ here), from the nearest keyframe when going back. */
  private rewindTo(target: number, clockBack: boolean): void {
    this.backfill(); // the past must be whole before going into it
    if (target < this.actions() || clockBack) {
      const keyframe = this.keyframes.atOrBefore(target);
      if (!keyframe) throw new TimelineError('No keyframe before that point.');
      // The trace up to the target is recorded already: the replay from the keyframe only counts
      // its events (building them again was a fifth of a scrub's replay), and the trace is cut at
      // the target instead of at the keyframe, its events before that staying as they were.
      const cut = this.index.traceAt(target);
      this.keepFuture(cut);
      this.keepSpare(cut);
      this.sim.restoreForReplay(keyframe.checkpoint);
      this.replayCounting(keyframe, target, cut);
      for (const listener of this.cutListeners) listener(cut);
    }
    while (this.actions() < target) this.act();
  }

  /** End the replay over recorded events that should end at trace length `cut`. */
  private endReplay(cut: number): void {
    const replayed = this.sim.endReplay();
    this.pager.noteCut(replayed);
    if (replayed === cut) return;
    this.dropFuture(); // it was kept for a trace this replay did not make
    throw new TimelineError('The replay did not make the recorded events.');
  }

  /**
   * Going forward over recorded time: restore the nearest keyframe at or before `atMs` when it is
   * further ahead than a keyframe spacing and its events are kept, putting the recorded events up
   * to the target back on the trace, and replay to the target counting events as going back does
   * (building them again was most of a forward jump's replay). The replay is at most one spacing.
   */
  private jumpAhead(atMs: number): void {
    if (this.future.length === 0) return;
    this.future.settle(this.trace().length);
    const target = this.index.lastAtOrBefore(atMs);
    const keyframe = this.keyframes.atOrBefore(target);
    if (!keyframe || keyframe.actions - this.actions() < this.keyframeEvery) return;
    const cut = this.index.traceAt(target);
    if (cut > this.future.end) return;
    const commandLog = this.commands.slice(0, keyframe.commands);
    const tail = cut - this.trace().length;
    if (this.spare && this.spare.events.length >= cut) {
      // The array from before going far back holds these events already.
      this.future.dropFront(tail);
      const written = this.trace().length;
      this.sim.reattachTrace(this.spare.events, cut);
      this.pager.noteReattached(this.spare.holesBelow, written);
      this.spare = undefined;
      this.sim.restoreForReplay(keyframe.checkpoint, { commandLog });
    } else {
      this.sim.restoreForReplay(keyframe.checkpoint, {
        commandLog,
        // Counts of holes are paged-out events, holes the trace already allows (the pager reads
        // them back).
        traceTail: this.future.takeStretches(tail),
      });
    }
    this.replayCounting(keyframe, target, cut);
  }

  /** From `keyframe`, just restored for a replay, to position `target`, the trace cut at `cut`. */
  private replayCounting(keyframe: Keyframe, target: number, cut: number): void {
    this.applied = keyframe.commands;
    try {
      while (this.actions() < target) this.act();
    } finally {
      this.endReplay(cut);
    }
  }

  /** Before a restore cuts the trace back to `cut`: keep what it cuts as recorded future. */
  private keepFuture(cut: number): void {
    this.future.settle(this.trace().length);
    this.future.prepend(this.trace(), cut, this.pager.inHeapFrom());
  }

  /**
   * Going far back (to under half the trace, when it is `spareFrom` events or more): keep the trace's array
   * aside whole for jumping ahead again, unless one at least as long is kept already.
   */
  private keepSpare(cut: number): void {
    const length = this.trace().length;
    if (length < this.spareFrom || cut * 2 >= length) return;
    if (this.spare && this.spare.events.length >= length) return;
    this.spare = { holesBelow: this.pager.inHeapFrom(), events: this.sim.detachTrace(cut) };
  }

  /** The recorded future was replaced: its events are no longer ours to put back. */
  private dropFuture(): void {
    this.future.reset(this.trace().length);
    this.spare = undefined;
  }

  /** `traceLength`: the trace's length at the fork point (before the forking command's events). */
  private fork(at: Position, traceLength: number): void {
    this.dropFuture();
    this.pager.dropFrom(traceLength);
    this.branches++;
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
    this.commandsChanged++;
    this.changedFrom = Math.min(this.changedFrom ?? from, from);
  }
}
