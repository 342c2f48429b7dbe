/**
 * The worker side of the protocol, without the worker: it owns the session's timeline, answers
 * requests through `post`, and keeps the session saved (SessionWriter). Keeping it free of worker
 * globals lets the unit tests drive it directly in Node.
 */
import { isEngineError, type Command, type EngineEvent, type SimulationOptions } from '../engine';
import { assertNever } from '../engine';
import {
  FAULT_COMMAND_TYPES,
  isWorkerRequest,
  RECENT_EVENTS,
  type Batch,
  type LoggedCommands,
  type OpenPlan,
  type SessionInfo,
  type StorageState,
  type TimelineFault,
  type WorkerMessage,
  type WorkerRequest,
} from '../bridge/protocol';
import type { Scenario } from '../bridge/scenario';
import { defaultLocks, type SessionLocks } from '../bridge/session-locks';
import { openPlan, scenarioOf, timelineFromScenario, type OpenedSession } from './session-open';
import { errorText, openStoreOrMemory, type OpenedStore, type SessionStore } from './session-store';
import { SessionWriter } from './session-writer';
import { isStopCondition } from '../bridge/stop-conditions';
import { LogPages } from './log-pages';
import { SessionChecks, type TraceSource } from './session-checks';
import { rpcDetail, traceWindow } from './trace-window';
import { CliHost } from './cli-host';
import { sendHistory } from './send-history';
import { Timeline, type Budget } from './timeline';
import { WireBridge, type WireBridgeOptions } from './wire-bridge';

/** Wall time one request may spend moving the timeline before it answers (a frame, roughly). */
export const REQUEST_BUDGET_MS = 12;
/** More new events than this in one batch are sent as a reset with the newest ones. */
const MAX_EVENTS_PER_BATCH = 2000;
/** Sessions kept in IndexedDB; older ones no tab has open are deleted. */
export const SESSIONS_KEPT = 10;
/** Wall time one background slice of a resumed session's backfill may take. */
const BACKFILL_SLICE_MS = 6;
/**
 * Wall time the guarantee checks may take inside one answer. Going back makes them start over
 * from the beginning of the trace (100 000 events: hundreds of ms); past this they go on in the
 * background, in slices like the backfill's, and the answer leaves their report out (the page
 * keeps the last one) until a `checks` batch brings it.
 */
const CHECKS_SLICE_MS = 4;
/**
 * After a step back, a seek or a restored future, the checks start over only once the playhead has
 * rested this long (wall ms): their restart copies the checker's whole state (tens to hundreds of
 * ms at 100 000 events, in one piece), so it must not sit between a Back and the next one, nor
 * between two scrubber moves. Until then the page keeps the last report, as it does while the
 * checks catch up.
 */
export const CHECKS_REST_MS = 300;

export interface EngineHostOptions {
  post(message: WorkerMessage): void;
  openStore?: () => Promise<OpenedStore>;
  locks?: SessionLocks;
  newId?: () => string;
  /** Wall clock for budgets (performance.now in the worker). */
  clock?: () => number;
  /** The local gateway's addresses and request log for the sockets (default: the Code tool's). */
  wire?: WireBridgeOptions;
}

interface Session {
  info: SessionInfo;
  timeline: Timeline;
  writer: SessionWriter;
  lastSeq: number;
  /** The continuity line of the batches sent (bridge/protocol.ts BatchOrigin): bumped on an open or a cut. */
  line: number;
  /** The shortest the trace was cut to since the last batch (undefined: not cut). */
  cutTo: number | undefined;
  /** False until its first batch is sent: that batch is marked `opened` (bridge/protocol.ts). */
  announced: boolean;
  /** The guarantee checker and Kafka's metrics over this session's trace. */
  checks: SessionChecks;
  /** A jump happened since the checks last reported: their next report carries the findings. */
  checksOwed: boolean;
  /** The fault markers, recomputed only when the command log changes. */
  faults?: { version: number; list: TimelineFault[] };
}

export class EngineHost {
  private readonly post: (message: WorkerMessage) => void;
  private readonly openStore: () => Promise<OpenedStore>;
  private readonly locks: SessionLocks;
  private readonly newId: () => string;
  private readonly clock: () => number;
  private store: SessionStore | undefined;
  private storage: StorageState = { persistent: true, saved: true };
  private readonly logPages = new LogPages();
  private readonly cli = new CliHost();
  /** The Code tool's sockets (src/worker/wire-bridge.ts). */
  private readonly wire: WireBridge;
  private session: Session | undefined;
  /** Continuity lines handed out so far (every session and every cut takes a new one). */
  private lines = 0;
  private backfillTimer: ReturnType<typeof setTimeout> | undefined;
  private checksTimer: ReturnType<typeof setTimeout> | undefined;
  /** The checks wait for the playhead to rest (CHECKS_REST_MS) before they start over. */
  private checksResting = false;
  /** Requests are handled strictly in arrival order, even though some wait for storage. */
  private queue: Promise<void> = Promise.resolve();

  constructor(options: EngineHostOptions) {
    this.post = options.post;
    this.openStore = options.openStore ?? (() => openStoreOrMemory());
    this.locks = options.locks ?? defaultLocks();
    this.newId = options.newId ?? newSessionId;
    this.clock = options.clock ?? (() => performance.now());
    this.wire = new WireBridge(options.wire);
  }

  /**
   * The local gateway (gateway/viewers.ts): a first batch for a page that attaches to this running
   * session, built without moving anything the other pages were told. It continues from where the
   * last batch ended (the next batch posted starts at its `traceLength`), so the newcomer then
   * follows the same stream as everyone else. Call it between requests.
   */
  attachBatch(): Batch {
    const session = this.running();
    const { timeline } = session;
    const trace = traceOf(timeline);
    const from = Math.max(0, session.lastSeq - RECENT_EVENTS);
    const snapshot = timeline.sim.snapshot();
    return {
      events: timeline.events(from, session.lastSeq).filter((e) => e !== undefined),
      reset: true,
      opened: true,
      origin: { line: session.line, from },
      sendHistory: sendHistory(trace, snapshot),
      traceLength: session.lastSeq,
      snapshot,
      ...(session.checks.update(trace, this.budget(CHECKS_SLICE_MS))
        ? { guarantees: session.checks.report(snapshot, true) }
        : {}),
      nowMs: timeline.nowMs(),
      timeline: {
        endMs: timeline.timelineEndMs(),
        inPast: timeline.hasFuture(),
        canRestoreFuture: timeline.canRestoreFuture(),
        faults: this.faults(session),
      },
    };
  }

  /** Which session is running (the gateway's viewers are told it on attaching). */
  get sessionInfo(): SessionInfo | undefined {
    return this.session?.info;
  }

  /** Entry point for every incoming message. Never throws: failures become `fault` messages. */
  receive(data: unknown): Promise<void> {
    if (!isWorkerRequest(data)) {
      this.post({ type: 'fault', message: 'The engine worker received a message it does not understand.' });
      return this.queue;
    }
    this.queue = this.queue.then(() => this.handle(data)).catch((e: unknown) => this.fault(e, data));
    return this.queue;
  }

  /** Resolves once every storage write issued so far has settled (tests wait on this). */
  async flushed(): Promise<void> {
    await this.queue;
    await this.session?.writer.settled();
  }

  /** The session in use, for tests and the benchmark. */
  get current(): { id: string; timeline: Timeline; writer: SessionWriter } | undefined {
    return (
      this.session && {
        id: this.session.info.id,
        timeline: this.session.timeline,
        writer: this.session.writer,
      }
    );
  }

  private async handle(request: WorkerRequest): Promise<void> {
    switch (request.type) {
      case 'init':
        return this.init(request.open);
      case 'advance':
        return this.advance(request.ms);
      case 'run':
        return this.run(request.condition, request.limitMs, request.untilMs);
      case 'seek':
        return this.seek(request.atMs);
      case 'stepBack':
        return this.move('stepBack', (t) => void t.stepBack());
      case 'restoreFuture':
        return this.move('restoreFuture', (t) => void t.restoreFuture());
      case 'dispatch':
        return this.dispatch(request.requestId, request.command);
      case 'export':
        this.post({
          type: 'exported',
          requestId: request.requestId,
          scenario: scenarioOf(this.running().timeline),
        });
        return;
      case 'load':
        return this.load(request.requestId, request.scenario);
      case 'newSession':
        return this.newSession(request.requestId, request.options);
      case 'dispatchMany':
        return this.dispatchMany(request.requestId, request.commands);
      case 'readLog':
        return this.readLog(request);
      case 'cli':
        return this.runCli(request.requestId, request.action);
      case 'wire':
        return this.runWire(request.requestId, request.action);
      case 'flush':
        return this.session?.writer.flush(true);
      case 'checkerGrid':
      case 'traceWindow':
      case 'rpcDetail':
        return this.inspectTrace(request);
      default:
        return assertNever(request, 'request');
    }
  }

  private async init(plan: OpenPlan): Promise<void> {
    const store = await this.ensureStore();
    const onOpening = (sessionId: string) => this.post({ type: 'opening', sessionId });
    const opened = await openPlan(plan, { store, locks: this.locks, newId: this.newId, onOpening });
    await this.adopt(opened);
    const session = this.running();
    this.post({
      type: 'ready',
      batch: this.batch(session, true),
      storage: this.storage,
      session: session.info,
      ...(opened.notice ? { notice: opened.notice } : {}),
    });
    this.confirmStored(session);
    void this.forgetOldSessions();
  }

  private advance(ms: number): void {
    const session = this.running();
    session.timeline.advance(wholeMs(ms));
    this.answer(session, 'advance');
  }

  private run(condition: unknown, limitMs: number, untilMs?: number): void {
    if (!isStopCondition(condition)) throw new Error('That is not a condition the engine can wait for.');
    const session = this.running();
    const now = session.timeline.nowMs();
    const until = untilMs === undefined ? now + wholeMs(limitMs) : wholeMs(untilMs);
    const run = session.timeline.runUntil(condition, Math.max(0, until - now), this.budget());
    this.answer(session, 'run', { run, untilMs: until });
  }

  private seek(atMs: number): void {
    const session = this.running();
    const done = session.timeline.seek(wholeMs(atMs), this.budget());
    this.answer(session, 'seek', { done });
  }

  private move(cause: 'stepBack' | 'restoreFuture', how: (t: Timeline) => void): void {
    const session = this.running();
    how(session.timeline);
    this.answer(session, cause);
  }

  private dispatch(requestId: number, command: Command): void {
    const session = this.running();
    const from = session.timeline.appliedCommands();
    let commandId: number;
    try {
      commandId = session.timeline.dispatch(command);
    } catch (e) {
      if (!isEngineError(e)) throw e;
      this.post({ type: 'rejected', requestId, code: e.code, message: e.message });
      return;
    }
    // In the past, a command forks: the newest events are then a different story, hence a reset.
    this.post({
      type: 'dispatched',
      requestId,
      commandId,
      batch: this.batch(session, false),
      ...this.logged(session, from),
    });
    session.writer.changed();
  }

  /** What the page journals until the worker reports it stored (protocol: LoggedCommands). */
  private logged(session: Session, from: number): { logged?: LoggedCommands } {
    if (!session.writer.storage.persistent) return {};
    const { timeline } = session;
    const { actions, nowMs } = timeline.position();
    return {
      logged: {
        sessionId: session.info.id,
        from,
        entries: timeline.commandsFrom(from),
        position: { actions, nowMs, commands: timeline.appliedCommands() },
        endMs: timeline.timelineEndMs(),
        version: timeline.commandsVersion,
      },
    };
  }

  /** A burst of commands (the producer panel's "send 1000"): one answer, one batch. */
  private dispatchMany(requestId: number, commands: Command[]): void {
    const session = this.running();
    const from = session.timeline.appliedCommands();
    let last: number | undefined;
    for (const command of commands) {
      try {
        last = session.timeline.dispatch(command);
      } catch (e) {
        if (!isEngineError(e)) throw e;
        if (last === undefined) {
          this.post({ type: 'rejected', requestId, code: e.code, message: e.message });
          return;
        }
        break; // the applied ones stand, as if sent one by one
      }
    }
    if (last === undefined) throw new Error('dispatchMany needs at least one command.');
    this.post({
      type: 'dispatched',
      requestId,
      commandId: last,
      batch: this.batch(session, false),
      ...this.logged(session, from),
    });
    session.writer.changed();
  }

  /** The terminal: a CLI action against this session; recorded commands are saved like clicks. */
  private runCli(requestId: number, action: Extract<WorkerRequest, { type: 'cli' }>['action']): void {
    const session = this.running();
    const { reply, changed } = this.cli.act(session.timeline, action);
    this.post({
      type: 'cliOutput',
      requestId,
      reply,
      ...(changed ? { batch: this.batch(session, false) } : {}),
    });
    if (changed) session.writer.changed();
  }

  /** The Code tool: one socket action; commands it records are saved like clicks. */
  private runWire(requestId: number, action: Extract<WorkerRequest, { type: 'wire' }>['action']): void {
    const session = this.running();
    const before = session.timeline.commandsVersion;
    this.wire.act(session.timeline, action);
    this.post({ type: 'wireOutput', requestId, batch: this.batch(session, false) });
    if (session.timeline.commandsVersion !== before) session.writer.changed();
  }

  private readLog(request: Extract<WorkerRequest, { type: 'readLog' }>): void {
    const { timeline } = this.running();
    try {
      const page = this.logPages.page(timeline.sim, timeline.traceLength(), request);
      this.post({ type: 'logPage', requestId: request.requestId, from: request.from, ...page });
    } catch (e) {
      if (!isEngineError(e)) throw e;
      this.post({ type: 'rejected', requestId: request.requestId, code: e.code, message: e.message });
    }
  }

  /** The checker's grid, a window of the trace, or one RPC: read-only looks at the session. */
  private inspectTrace(
    request: Extract<WorkerRequest, { type: 'checkerGrid' | 'traceWindow' | 'rpcDetail' }>,
  ): void {
    const session = this.running();
    const trace = traceOf(session.timeline);
    const { requestId } = request;
    switch (request.type) {
      case 'checkerGrid':
        session.checks.update(trace);
        return this.post({
          type: 'checkerGrid',
          requestId,
          grid: session.checks.grid(request.topic, request.partition, request.from, request.width),
        });
      case 'traceWindow':
        return this.post({
          type: 'traceWindow',
          requestId,
          ...traceWindow(trace, request.fromMs, request.toMs, request.maxEvents),
        });
      case 'rpcDetail':
        return this.post({ type: 'rpcDetail', requestId, ...rpcDetail(trace, request.id) });
      default:
        return assertNever(request, 'trace request');
    }
  }

  /** Replace the session by a scenario; on any failure the current session stays as it was. */
  private async load(requestId: number, scenario: Scenario): Promise<void> {
    let timeline: Timeline;
    try {
      timeline = timelineFromScenario(scenario);
    } catch (e) {
      this.post({
        type: 'loadFailed',
        requestId,
        message: `This scenario could not be opened: ${errorText(e)}`,
      });
      return;
    }
    const id = this.newId();
    await this.locks.acquire(id);
    await this.adopt({ id, origin: 'shared', timeline, isNew: true });
    const session = this.running();
    this.post({ type: 'loaded', requestId, batch: this.batch(session, true), session: session.info });
    this.confirmStored(session);
  }

  /** A new cluster (another shape) in place of this session; the old one stays saved. */
  private async newSession(requestId: number, options: SimulationOptions): Promise<void> {
    let timeline: Timeline;
    try {
      timeline = new Timeline(options);
    } catch (e) {
      this.post({ type: 'loadFailed', requestId, message: errorText(e) });
      return;
    }
    const id = this.newId();
    await this.locks.acquire(id);
    await this.adopt({ id, origin: 'new', timeline, isNew: true });
    const session = this.running();
    this.post({ type: 'loaded', requestId, batch: this.batch(session, true), session: session.info });
    this.confirmStored(session);
  }

  /** Make `opened` the current session and start saving it. */
  private async adopt(opened: OpenedSession): Promise<void> {
    const previous = this.session;
    if (previous) {
      previous.writer.stop();
      this.store = previous.writer.currentStore;
      this.locks.release(previous.info.id);
    }
    // Reports during start are carried by the answer (ready, loaded); later ones are posted.
    let writer: SessionWriter | undefined = undefined;
    writer = await SessionWriter.start({
      store: this.store!,
      id: opened.id,
      timeline: opened.timeline,
      isNew: opened.isNew,
      storage: this.storage,
      report: (storage) => {
        this.storage = storage;
        if (writer && this.session?.writer === writer) this.post({ type: 'storage', storage });
      },
      commandsStored: (version) => this.post({ type: 'commandsStored', sessionId: opened.id, version }),
    });
    this.storage = writer.storage;
    const checks = new SessionChecks();
    opened.timeline.onTraceCut((length) => checks.traceCut(length));
    const session: Session = {
      info: { id: opened.id, origin: opened.origin },
      timeline: opened.timeline,
      writer,
      lastSeq: 0,
      line: ++this.lines,
      cutTo: undefined,
      announced: false,
      checks,
      checksOwed: false,
    };
    opened.timeline.onTraceCut((length) => {
      session.cutTo = Math.min(session.cutTo ?? length, length);
    });
    this.session = session;

    this.scheduleBackfill();
  }

  /**
   * A session just adopted is stored whole or was found complete (a reload merges the page's
   * journal first): the page may forget what it journaled for it before.
   */
  private confirmStored(session: Session): void {
    if (!session.writer.storage.persistent) return;
    this.post({
      type: 'commandsStored',
      sessionId: session.info.id,
      version: session.timeline.commandsVersion,
    });
  }

  /**
   * A session resumed from a stored keyframe gets its past (the older events, the keyframes
   * before it) back in the background, a few milliseconds at a time between requests. Going back
   * before the keyframe fills it in at once (Timeline.rewindTo), so nothing waits on this.
   */
  private scheduleBackfill(): void {
    const session = this.session;
    if (this.backfillTimer !== undefined || !session?.timeline.backfillPending) return;
    this.backfillTimer = setTimeout(() => {
      this.backfillTimer = undefined;
      if (this.session !== session) return;
      const deadline = this.clock() + BACKFILL_SLICE_MS;
      try {
        if (!session.timeline.backfill({ exhausted: () => this.clock() > deadline })) this.scheduleBackfill();
      } catch (e) {
        this.fault(e);
      }
    }, 0);
  }

  /**
   * The checks catch up with the trace between requests, then a `checks` batch brings their report.
   * `restMs`: start only after that long without another call with a rest (a jump postpones them).
   */
  private scheduleChecks(restMs = 0): void {
    const session = this.session;
    if (!session) return;
    if (restMs > 0) {
      clearTimeout(this.checksTimer);
      this.checksTimer = undefined;
      this.checksResting = true;
    } else if (this.checksTimer !== undefined) return;
    this.checksTimer = setTimeout(() => {
      this.checksTimer = undefined;
      this.checksResting = false;
      if (this.session !== session) return;
      try {
        if (session.checks.update(traceOf(session.timeline), this.budget(BACKFILL_SLICE_MS))) {
          this.post({ type: 'batch', batch: this.batch(session, false), cause: 'checks' });
        } else this.scheduleChecks();
      } catch (e) {
        this.fault(e);
      }
    }, restMs);
  }

  private async ensureStore(): Promise<SessionStore> {
    if (!this.store) {
      const opened = await this.openStore();
      this.store = opened.store;
      this.storage = opened.persistent
        ? { persistent: true, saved: true }
        : { persistent: false, reason: opened.reason };
    }
    return this.store;
  }

  /** Keep the newest SESSIONS_KEPT sessions; never touch one a tab has open. */
  private async forgetOldSessions(): Promise<void> {
    const store = this.store;
    if (!store?.persistent) return;
    try {
      const held = await this.locks.held();
      const old = (await store.listSessions()).slice(SESSIONS_KEPT).filter((s) => !held.has(s.id));
      for (const s of old) await store.deleteSession(s.id);
    } catch {
      // Housekeeping only: a failure here is reported by the next real write, if it matters.
    }
  }

  private running(): Session {
    if (!this.session) throw new Error('The engine has not been started yet.');
    return this.session;
  }

  private budget(ms = REQUEST_BUDGET_MS): Budget {
    const deadline = this.clock() + ms;
    return { exhausted: () => this.clock() > deadline };
  }

  private answer(
    session: Session,
    cause: 'advance' | 'run' | 'seek' | 'stepBack' | 'restoreFuture',
    extra = {},
  ): void {
    const jump = cause === 'seek' || cause === 'stepBack' || cause === 'restoreFuture';
    this.post({ type: 'batch', batch: this.batch(session, false, jump), cause, ...extra });
    session.writer.changed({ jump });
  }

  /** `jump`: the playhead was moved by hand (Back, the scrubber), and may well move again soon. */
  private batch(session: Session, reset: boolean, jump = false): Batch {
    const { timeline } = session;
    // First: answers arriving may reset a connection, which records a disconnect.
    const wire = this.wire.drain(timeline);
    const trace = traceOf(timeline);
    // Cut below what the page was told (going back, a restored future): a new line of history.
    const cut = session.cutTo !== undefined && session.cutTo < session.lastSeq;
    if (cut) session.line = ++this.lines;
    session.cutTo = undefined;
    const jumped =
      reset || cut || session.lastSeq > trace.length || trace.length - session.lastSeq > MAX_EVENTS_PER_BATCH;
    // After a jump back, events past lastSeq may be a different story: resend the newest ones.
    const from = jumped ? Math.max(0, trace.length - RECENT_EVENTS) : session.lastSeq;
    const events = timeline.events(from).filter((e) => e !== undefined);
    const continues = !jumped && session.announced;
    session.lastSeq = trace.length;
    const opened = !session.announced;
    session.announced = true;
    const snapshot = timeline.sim.snapshot();
    // A restart waits for the playhead to rest (CHECKS_REST_MS); frames meanwhile do not start it.
    const restart = session.checks.mustRestart(trace.length) && (jump || this.checksResting);
    const checked = !restart && session.checks.update(trace, this.budget(CHECKS_SLICE_MS));
    if (restart && jump) this.scheduleChecks(CHECKS_REST_MS);
    else if (!checked) this.scheduleChecks();
    if (jumped) session.checksOwed = true;
    const guarantees = checked ? session.checks.report(snapshot, session.checksOwed) : undefined;
    if (checked) session.checksOwed = false;
    return {
      events,
      reset: jumped,
      // The token: a batch that does not start where the last one ended is a jump to the page.
      origin: { line: session.line, from },
      ...(continues ? {} : { sendHistory: sendHistory(trace, snapshot) }),
      ...(opened ? { opened: true } : {}),
      traceLength: trace.length,
      snapshot,
      ...(guarantees ? { guarantees } : {}),
      nowMs: timeline.nowMs(),
      timeline: {
        endMs: timeline.timelineEndMs(),
        inPast: timeline.hasFuture(),
        canRestoreFuture: timeline.canRestoreFuture(),
        faults: this.faults(session),
      },
      ...(wire.length > 0 ? { wire } : {}),
    };
  }

  private faults(session: Session): TimelineFault[] {
    const version = session.timeline.commandsVersion;
    if (session.faults?.version !== version) {
      session.faults = { version, list: session.timeline.commandsOfType(FAULT_COMMAND_TYPES) };
    }
    return session.faults.list;
  }

  private fault(e: unknown, request?: WorkerRequest): void {
    this.post({
      type: 'fault',
      message: errorText(e),
      ...(request ? { request: request.type } : {}),
      ...(request && 'requestId' in request ? { requestId: request.requestId } : {}),
    });
  }
}

/**
 * A random session id. `crypto.randomUUID` exists only in secure contexts (https, localhost); a
 * page served over plain http on a LAN address still has `getRandomValues`.
 */
export function newSessionId(): string {
  if (typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  return Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) => b.toString(16).padStart(2, '0')).join(
    '',
  );
}

/** The engine moves in whole milliseconds; anything else is a caller bug, reported as such. */
function wholeMs(ms: number): number {
  if (!Number.isSafeInteger(ms) || ms < 0) throw new Error(`cannot move by ${ms} ms`);
  return ms;
}

/** The timeline's trace as its readers take it: the length and a reader that pages old events back. */
function traceOf(timeline: Timeline): TraceSource & { at(i: number): EngineEvent | undefined } {
  return {
    length: timeline.traceLength(),
    read: (from, to) => timeline.events(from, to),
    at: (i) => timeline.eventAt(i),
  };
}
