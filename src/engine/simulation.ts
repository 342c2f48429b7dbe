/**
 * The facade's implementation: a kernel plus the engine modules, driven by commands.
 */
import { EngineError } from './errors';
import { Kernel, type KernelState, type AnyNodeBehaviour } from './kernel/kernel';
import { networkSnapshot } from './kernel/network';
import type { CommandHandler, EngineModule } from './module';
import { resolveOptions, type ResolvedOptions } from './options';
import type {
  ClusterSnapshot,
  Command,
  CommandId,
  CommandType,
  EngineEvent,
  LogRecord,
  NodeKind,
  SimulationOptions,
  TimedCommand,
} from './types';
import { expandCommand } from './burst';
import { checkStateLimits } from './limits';
import { validateCommand } from './validate';
import { cloneState } from './state-clone';
import { replicaLogsOf, type ReplicaLog } from './replica-logs';

/** The facade (src/engine/index.ts exports it as `Simulation`): everything outside the engine sees only this. */
/** Trace entries put back by a restore: events (`undefined` for a hole), or a count of holes. */
export type TraceStretch = readonly (EngineEvent | undefined)[] | number;

export interface FacadeSimulation {
  /** Validates now: bad input throws EngineError{code, message} and changes nothing. */
  dispatch(command: Command): CommandId;
  /** Process the next scheduled entry; returns the events it produced. */
  step(): EngineEvent[];
  /** Advance virtual time by `ms`, processing everything due. */
  runFor(ms: number): EngineEvent[];
  /** Step until `done(sim)` holds (true) or `maxMs` of virtual time pass (false). */
  runUntil(done: (sim: FacadeSimulation) => boolean, maxMs: number): boolean;
  /** Virtual ms. */
  now(): number;
  snapshot(): ClusterSnapshot;
  /** The trace: every event with seq > sinceSeq (all of them by default). */
  events(sinceSeq?: number): EngineEvent[];
  /** That replica's records. */
  readLog(broker: number, topic: string, partition: number): LogRecord[];
  /** The options in force, defaults filled in. */
  readonly options: ResolvedOptions;
  /** Every accepted command with its time and position: replaying it rebuilds this session. */
  commandLog(): TimedCommand[];
  /** Time of the next scheduled entry (undefined when nothing is scheduled). */
  nextEventAtMs(): number | undefined;
  /**
   * A copy of the whole simulation state (a keyframe): cheap, because what the engine never changes
   * once created (record batches, scheduled entries and their message bodies) is shared, not copied.
   * Restoring it and replaying the same commands gives the same trace from that point on.
   * `shareWith`: an earlier checkpoint of this simulation; every part of the state that still
   * equals it is shared with it instead of copied, so a series of checkpoints costs only what
   * changed between them (`freshParts` says how much that was).
   */
  checkpoint(shareWith?: SimulationCheckpoint): SimulationCheckpoint;
  /**
   * Return to a checkpoint taken from this simulation (it stays intact for the next time): state,
   * clock, trace and command log. Going back cuts the trace; `past.trace` gives the trace up to the
   * checkpoint when the simulation does not hold it (a stored checkpoint; unknown older entries may
   * be holes, filled later with `fillTrace`); `past.traceTail` the events between the trace's end and
   * the checkpoint (going forward again over recorded events kept aside), in stretches: events
   * (`undefined` for a hole), or a count of holes (events the host keeps elsewhere: a long stretch
   * of them is put back at once instead of one at a time). A fresh simulation resumes from a stored checkpoint of the same session by being
   * given the command log that led to it (`past.commandLog`, exactly `checkpoint.logLength` entries).
   */
  restore(
    checkpoint: SimulationCheckpoint,
    past?: {
      commandLog?: readonly TimedCommand[];
      trace?: readonly EngineEvent[];
      traceTail?: readonly TraceStretch[];
    },
  ): void;
  /**
   * Like `restore`, for a replay over recorded events (decision 0021, follow-up 2): the state, clock and command
   * log go back to the checkpoint, but the trace is left as it is (it must hold at least the
   * checkpoint's events). Until `endReplay`, the events the replay makes are counted, not built:
   * the engine is deterministic, so they are the very events the trace already holds there.
   * Going forward over recorded events kept aside, `past` puts them back first as in `restore`
   * (`commandLog`: the commands up to the checkpoint; `traceTail`: the events from the trace's end
   * up to where the replay will stop), so a jump ahead replays counting too.
   */
  restoreForReplay(
    checkpoint: SimulationCheckpoint,
    past?: { commandLog?: readonly TimedCommand[]; traceTail?: readonly TraceStretch[] },
  ): void;
  /**
   * End a replay begun by `restoreForReplay`: the trace is cut to the events counted (what it held
   * past that point is the host's to keep as recorded future) and that length is returned.
   */
  endReplay(): number;
  /** Where the simulation is: virtual time, scheduler entries processed, trace and command-log lengths. */
  position(): SimulationPosition;
  /** Move the clock forward to `atMs` without processing anything; throws if work is due before it. */
  advanceTo(atMs: number): void;
  /**
   * The trace itself, not a copy (for hosts that page through 100 000 events): read it, never
   * change it. `events()` copies.
   */
  trace(): readonly EngineEvent[];
  /**
   * Overwrite trace entries from index `at` (default 0) with `events` (the older past of a resumed
   * session, replayed on the side; a page of old events read back).
   */
  fillTrace(events: readonly EngineEvent[], at?: number): void;
  /**
   * Leave holes (`undefined`) at trace entries [from, to): the host keeps those events elsewhere
   * (old trace paged out, decision 0021) and reads them back from there. The length, and every
   * other entry, stay as they are; the engine never reads its own trace.
   */
  forgetTrace(from: number, to: number): void;
  /**
   * Cut the trace at `cut` and hand the host the array it was, whole: its entries from `cut` on
   * are the host's to keep (recorded future); the simulation goes on with a copy of the entries
   * before `cut`. For a host going far back: JavaScript shrinks an array cut to under half its
   * size in place, and growing it back (jumping ahead over a paged-out hour, ~580 000 entries)
   * then allocated it anew, 30–70 ms with the collection that followed. `reattachTrace` gives the
   * array back.
   */
  detachTrace(cut: number): readonly (EngineEvent | undefined)[];
  /**
   * Go on with `detached` (from `detachTrace`) as the trace, `length` long: the trace's current
   * entries are written over its start, and its entries from there to `length` must be the
   * events recorded there (what was cut off, the same timeline).
   */
  reattachTrace(detached: readonly (EngineEvent | undefined)[], length: number): void;
  /** Every replica's log, live and read-only: what the worker mirrors into IndexedDB. */
  replicaLogs(): ReplicaLog[];
}

/** The facade plus the kernel: engine code and engine tests only (the facade hides it). */
export interface Simulation extends FacadeSimulation {
  readonly kernel: Kernel;
  /** As the facade's, with the kernel in reach of `done`. */
  runUntil(done: (sim: Simulation) => boolean, maxMs: number): boolean;
}

export interface SimulationPosition {
  nowMs: number;
  /** Scheduler entries processed: with the command log, the position's identity for exact replay. */
  processed: number;
  traceLength: number;
  commands: number;
}

export interface SimulationCheckpoint {
  state: KernelState;
  traceLength: number;
  logLength: number;
  nextCommandId: number;
  /** Objects and array slots this checkpoint copied rather than shared (a size estimate). */
  freshParts?: number;
}

export class SimulationImpl implements Simulation {
  readonly kernel: Kernel;
  readonly options: ResolvedOptions;
  private readonly modules: EngineModule[];
  private readonly handlers = new Map<CommandType, CommandHandler<CommandType>>();
  private readonly log: TimedCommand[] = [];
  private nextCommandId = 1;

  constructor(options: SimulationOptions, modules: EngineModule[]) {
    this.options = resolveOptions(options);
    this.modules = modules;
    const behaviours: Partial<Record<NodeKind, AnyNodeBehaviour>> = {};
    for (const m of modules) {
      Object.assign(behaviours, m.behaviours);
      for (const [type, handler] of Object.entries(m.commands ?? {})) {
        if (this.handlers.has(type as CommandType)) throw new Error(`two modules handle ${type}`);
        this.handlers.set(type as CommandType, handler as CommandHandler<CommandType>);
      }
    }
    this.kernel = new Kernel({
      seed: this.options.seed,
      network: this.options.network,
      config: { ...this.options.brokerConfig },
      behaviours,
    });
    for (const m of modules) m.setup?.(this.kernel, this.options);
  }

  dispatch(input: Command): CommandId {
    const command = structuredClone(validateCommand(input));
    checkStateLimits(this.kernel, command); // limits.ts: totals and record sizes, every source
    // A burst is one logged command made of many sends; everything else is itself.
    const parts = expandCommand(command);
    const first = this.nextCommandId;
    const applies = parts.map((part, i) => {
      const handler = this.handlers.get(part.type);
      if (!handler) {
        throw new EngineError('INVALID_COMMAND', `${part.type} is not available in this engine build yet.`);
      }
      return handler(this.kernel, part, first + i); // throws EngineError before any change
    });
    this.nextCommandId += parts.length;
    this.log.push({ atMs: this.kernel.now(), processed: this.kernel.state.processed, command });
    parts.forEach((part, i) => {
      this.kernel.emit('command.accepted', { commandId: first + i, command: part });
      applies[i]!();
    });
    return first + parts.length - 1;
  }

  step(): EngineEvent[] {
    return this.kernel.step();
  }

  runFor(ms: number): EngineEvent[] {
    if (!Number.isFinite(ms) || ms < 0)
      throw new EngineError('INVALID_COMMAND', 'runFor needs a duration ≥ 0.');
    return this.kernel.runFor(Math.floor(ms));
  }

  runUntil(done: (sim: Simulation) => boolean, maxMs: number): boolean {
    const deadline = this.kernel.now() + maxMs;
    for (;;) {
      if (done(this)) return true;
      const next = this.kernel.nextAtMs();
      if (next === undefined || next > deadline) {
        this.kernel.runFor(deadline - this.kernel.now());
        return done(this);
      }
      this.kernel.step();
    }
  }

  now(): number {
    return this.kernel.now();
  }

  nextEventAtMs(): number | undefined {
    return this.kernel.nextAtMs();
  }

  snapshot(): ClusterSnapshot {
    const snap: ClusterSnapshot = {
      nowMs: this.kernel.now(),
      seed: this.options.seed,
      nodes: this.kernel.nodeSnapshots(),
      network: networkSnapshot(this.kernel.state.network),
      inFlight: this.kernel.inFlight(),
      quorum: { leader: null, epoch: 0, voters: [], committedOffset: 0 },
      brokers: [],
      topics: [],
      producers: [],
      consumers: [],
      groups: [],
    };
    for (const m of this.modules) m.snapshot?.(this.kernel, snap);
    return structuredClone(snap);
  }

  events(sinceSeq = 0): EngineEvent[] {
    return this.kernel.trace.slice(Math.max(0, sinceSeq));
  }

  readLog(broker: number, topic: string, partition: number): LogRecord[] {
    for (const m of this.modules) {
      const records = m.readLog?.(this.kernel, broker, topic, partition);
      if (records) return structuredClone(records);
    }
    throw new EngineError(
      'UNKNOWN_TOPIC_OR_PARTITION',
      `broker ${broker} holds no replica of ${topic}-${partition}.`,
    );
  }

  commandLog(): TimedCommand[] {
    return structuredClone(this.log);
  }

  checkpoint(shareWith?: SimulationCheckpoint): SimulationCheckpoint {
    const stats = { fresh: 0 };
    return {
      state: cloneState(this.kernel.state, shareWith?.state, stats),
      traceLength: this.kernel.traceLength(),
      logLength: this.log.length,
      nextCommandId: this.nextCommandId,
      freshParts: stats.fresh,
    };
  }

  restore(
    c: SimulationCheckpoint,
    past?: {
      commandLog?: readonly TimedCommand[];
      trace?: readonly EngineEvent[];
      traceTail?: readonly TraceStretch[];
    },
  ): void {
    this.setCommandLog(c, past?.commandLog);
    this.kernel.stopCounting(); // a restore ends a replay
    const trace = this.kernel.trace;
    if (past?.trace) {
      if (past.trace.length !== c.traceLength)
        throw new EngineError('INVALID_COMMAND', 'That trace does not lead to this checkpoint.');
      trace.length = 0;
      for (let i = 0; i < past.trace.length; i++) trace.push(past.trace[i]!);
    }
    this.appendTrace(past?.traceTail);
    if (c.traceLength > trace.length || c.logLength > this.log.length) {
      throw new EngineError('INVALID_COMMAND', 'That checkpoint is from a different timeline.');
    }
    this.kernel.state = cloneState(c.state);
    trace.length = c.traceLength;
    this.log.length = c.logLength;
    this.nextCommandId = c.nextCommandId;
  }

  restoreForReplay(
    c: SimulationCheckpoint,
    past?: { commandLog?: readonly TimedCommand[]; traceTail?: readonly TraceStretch[] },
  ): void {
    this.setCommandLog(c, past?.commandLog);
    this.kernel.stopCounting();
    this.appendTrace(past?.traceTail);
    if (c.traceLength > this.kernel.trace.length || c.logLength > this.log.length) {
      throw new EngineError('INVALID_COMMAND', 'That checkpoint is from a different timeline.');
    }
    this.kernel.state = cloneState(c.state);
    this.log.length = c.logLength;
    this.nextCommandId = c.nextCommandId;
    this.kernel.countEvents(c.traceLength);
  }

  /** The command log that led to checkpoint `c`, given by the host (shared, not copied). */
  private setCommandLog(c: SimulationCheckpoint, log: readonly TimedCommand[] | undefined): void {
    if (!log) return;
    if (log.length !== c.logLength)
      throw new EngineError('INVALID_COMMAND', 'That command log does not lead to this checkpoint.');
    // Shared, not copied: a recorded entry is never changed.
    this.log.length = 0;
    for (const entry of log) this.log.push(entry);
  }

  /** Going forward over recorded events kept aside: append them rather than copy the whole trace. */
  private appendTrace(tail: readonly TraceStretch[] | undefined): void {
    const trace = this.kernel.trace as (EngineEvent | undefined)[];
    for (const stretch of tail ?? []) {
      if (typeof stretch === 'number') {
        const from = trace.length;
        trace.length = from + stretch;
        // Filled, not left as holes in the array: a hole is skipped by `some`/`forEach` and read
        // along the prototype chain; `undefined` is what forgetTrace leaves.
        trace.fill(undefined, from, from + stretch);
      } else for (const e of stretch) trace.push(e);
    }
  }

  endReplay(): number {
    const length = this.kernel.stopCounting();
    if (length === undefined) throw new EngineError('INVALID_COMMAND', 'No replay to end.');
    const trace = this.kernel.trace;
    if (length > trace.length) {
      // The replay made more events than the trace held: it was not a replay of this trace.
      throw new EngineError('INVALID_COMMAND', 'The replay went past the events the trace holds.');
    }
    trace.length = length;
    return length;
  }

  position(): SimulationPosition {
    return {
      nowMs: this.kernel.now(),
      processed: this.kernel.state.processed,
      traceLength: this.kernel.traceLength(),
      commands: this.log.length,
    };
  }

  advanceTo(atMs: number): void {
    this.kernel.advanceTo(atMs);
  }

  trace(): readonly EngineEvent[] {
    return this.kernel.trace;
  }

  fillTrace(events: readonly EngineEvent[], at = 0): void {
    const trace = this.kernel.trace;
    if (at < 0 || at + events.length > trace.length)
      throw new EngineError('INVALID_COMMAND', 'More events than the trace holds.');
    for (let i = 0; i < events.length; i++) trace[at + i] = events[i]!;
  }

  forgetTrace(from: number, to: number): void {
    const trace = this.kernel.trace as (EngineEvent | undefined)[];
    for (let i = Math.max(0, from); i < Math.min(to, trace.length); i++) trace[i] = undefined;
  }

  detachTrace(cut: number): readonly (EngineEvent | undefined)[] {
    const old = this.kernel.trace;
    if (cut < 0 || cut > old.length) throw new EngineError('INVALID_COMMAND', 'No such trace position.');
    this.kernel.trace = old.slice(0, cut);
    return old;
  }

  reattachTrace(detached: readonly (EngineEvent | undefined)[], length: number): void {
    const trace = this.kernel.trace;
    const array = detached as EngineEvent[];
    if (array === trace) return;
    if (length < trace.length || length > array.length)
      throw new EngineError('INVALID_COMMAND', 'That trace does not reach that far.');
    for (let i = 0; i < trace.length; i++) array[i] = trace[i]!;
    array.length = length;
    this.kernel.trace = array;
  }

  replicaLogs(): ReplicaLog[] {
    return replicaLogsOf(this.kernel.state);
  }
}

/**
 * Rebuild a session from its options and timed command log. Each command is applied after exactly
 * as many scheduler entries as in the original run, at the same virtual time, so the trace is
 * identical event for event.
 */
export function replayInto(sim: FacadeSimulation, log: readonly TimedCommand[]): void {
  for (const entry of log) {
    while (sim.position().processed < entry.processed) {
      const next = sim.nextEventAtMs();
      if (next === undefined || next > entry.atMs) break;
      sim.step();
    }
    if (sim.position().processed !== entry.processed) {
      throw new EngineError('INVALID_COMMAND', 'The command log does not match this simulation.');
    }
    sim.advanceTo(entry.atMs);
    sim.dispatch(entry.command);
  }
}

/** The kernel behind a facade simulation: for engine tests and engine tools only. */
export function engineOf(sim: FacadeSimulation): Simulation {
  if (!(sim instanceof SimulationImpl)) throw new Error('not an engine simulation');
  return sim;
}
