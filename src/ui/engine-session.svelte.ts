/**
 * The running session as the UI sees it: the engine worker, the connection to it and the reactive
 * state its batches bring (snapshot, playhead, timeline, storage), plus opening, sharing and the
 * open guard. Playback (play, speed, step, seek, the frame loop) is `session.playback`
 * (playback/playback.svelte.ts), which moves time through this connection.
 */
import { BatchContinuity, type BatchMove } from './batch-continuity';
import type { ClusterSnapshot, Command, EngineEvent } from '../engine';
import {
  EngineClient,
  type DispatchResult,
  type EnginePort,
  type LoadResult,
  type LogPageResult,
} from '../bridge/engine-client';
import type {
  Batch,
  CliAction,
  CliReply,
  SessionOrigin,
  StorageState,
  TimelineFault,
  WorkerMessage,
} from '../bridge/protocol';
import type { Scenario } from '../bridge/scenario';
import type { WireAction } from '../bridge/wire-types';
import { decodeScenarioFromLink, scenarioCodeIn } from '../bridge/scenario-codec';
import { codeParamIn, decodeCodeFromLink, encodeCodeForLink, type LinkedCode } from './code/code-link';
import { heldSessions } from '../bridge/session-locks';
import { CommandJournal } from './command-journal';
import { avoidSessions, forgetTabSession, planFor, readTabSession, writeTabSession } from './open-plan';
import {
  markSession,
  readMarks,
  skipSession,
  skippedSessions,
  uncleanExit,
  unmarkSession,
  unskipSession,
  type UncleanExit,
} from './open-guard';
import { downloadScenario, fileProblem, readScenarioFile, shareLink } from './sharing';
import { Playback, type PlaybackPort } from './playback/playback.svelte';
import type { UrlConfig } from './url-config';
import { GatewayPort, gatewayUrlIn } from './gateway-port';

export type EngineStatus = 'starting' | 'ready' | 'failed';

/** The UI keeps only the newest events; the full trace lives in the worker. */
const RECENT_EVENTS_MAX = 200;
/** Wall time after which a stored session still opening gets a way out in the notice. */
const SLOW_OPENING_MS = 4000;

export interface WorkerLike extends EnginePort {
  addEventListener(type: 'message', listener: (event: MessageEvent<unknown>) => void): void;
  addEventListener(type: 'error', listener: (event: ErrorEvent) => void): void;
  terminate(): void;
}

/** What the session needs from the page (a test can hand in its own). */
export interface PageEnv {
  location: Pick<Location, 'search' | 'hash' | 'href' | 'origin' | 'pathname'>;
  tabStorage: Pick<Storage, 'getItem' | 'setItem'> | undefined;
  createWorker: () => WorkerLike;
  /** Storage that outlives the tab (localStorage), for the open guard (open-guard.ts). */
  appStorage?: Pick<Storage, 'getItem' | 'setItem' | 'removeItem'> | undefined;
  /** Navigation, for the open guard's ways out (both reload the page). */
  reload?: () => void;
  /** Sessions some tab holds open right now (their Web Locks), for the open guard. */
  heldSessions?: () => Promise<Set<string>>;
}

async function heldSessionLocks(): Promise<Set<string>> {
  try {
    return await heldSessions(navigator.locks);
  } catch {
    return new Set(); // no Web Locks: every mark counts
  }
}

function createEngineWorker(): WorkerLike {
  return new Worker(new URL('../worker/engine.worker.ts', import.meta.url), {
    type: 'module',
    name: 'engine',
  });
}

export function browserEnv(): PageEnv {
  let tabStorage: Storage | undefined;
  let appStorage: Storage | undefined;
  try {
    tabStorage = window.sessionStorage;
    appStorage = window.localStorage;
  } catch {
    tabStorage = undefined; // blocked by privacy settings
  }
  return {
    location: window.location,
    tabStorage,
    appStorage,
    createWorker: () => {
      // Attached to the local gateway (`?gateway=`): its engine instead of one of our own.
      const gateway = gatewayUrlIn(window.location);
      return gateway ? new GatewayPort(gateway) : createEngineWorker();
    },
    reload: () => window.location.reload(),
    heldSessions: heldSessionLocks,
  };
}

export class EngineSession {
  status = $state<EngineStatus>('starting');
  snapshot = $state.raw<ClusterSnapshot | undefined>(undefined);
  nowMs = $state(0);
  storage = $state.raw<StorageState>({ persistent: true, saved: true });
  /** The latest unexpected failure, shown to the learner; the session keeps running if it can. */
  problem = $state<string | undefined>(undefined);
  /** A link or file that could not be opened: what was wrong with it. */
  importProblem = $state<string | undefined>(undefined);
  /** Something worth knowing that is not a failure (a shared scenario refused by the engine). */
  notice = $state<string | undefined>(undefined);
  /** The previous visit went away without closing (open-guard.ts): what it left, for the notice. */
  uncleanExit = $state.raw<UncleanExit | undefined>(undefined);
  /** A stored session whose opening is taking long (its id): the notice offers a way out. */
  slowOpening = $state<string | undefined>(undefined);
  eventCount = $state(0);
  recentEvents = $state.raw<EngineEvent[]>([]);
  /** The end of the timeline; `nowMs` below it means we are looking at the past. */
  endMs = $state(0);
  canRestoreFuture = $state(false);
  /** Every fault command on the timeline, recorded future included (the scrubber's markers). */
  faults = $state.raw<TimelineFault[]>([]);
  /** Recorded future lies ahead: acting now starts a new timeline. */
  inPast = $state(false);
  origin = $state<SessionOrigin | undefined>(undefined);
  /** The session's id (the terminal keeps its transcript under it). */
  sessionId = $state<string | undefined>(undefined);
  /** Accepted commands of this session not yet confirmed stored in IndexedDB. */
  unsavedCommands = $state(0);
  /**
   * Code this page's link carried for the Code tool (code-link.ts), or why it could not be read.
   * The Code tool opens showing it; it runs only when the learner presses Run.
   */
  linkedCode = $state.raw<LinkedCode | undefined>(undefined);
  /** While the Code tool is open: its code, which a share link carries along. */
  codeForLink: (() => string | undefined) | undefined;

  /** Play, pause, speed, step and seek; the frame loop that asks this connection for time. */
  readonly playback: Playback;

  readonly seed: number;
  /**
   * The local gateway's WebSocket when the page is attached to it (gateway-port.ts). The gateway
   * owns time then (wall-clock speed, for the real clients connected to it): the page only watches
   * and acts, and play, pause, step and seek do nothing (SessionPlayback says so instead).
   */
  readonly gateway: string | undefined;
  private readonly config: UrlConfig;
  private readonly env: PageEnv;
  private worker: WorkerLike | undefined;
  private client: EngineClient | undefined;
  private slowOpeningTimer: ReturnType<typeof setTimeout> | undefined;
  private readonly journal: CommandJournal;
  /** What the worker says about storage; `storage` also counts the journal. */
  private workerStorage: StorageState = { persistent: true, saved: true };
  /** Views that need every event (messages in flight, narration): `recentEvents` is capped. */
  // eslint-disable-next-line svelte/prefer-svelte-reactivity -- plumbing, nothing renders from it
  private readonly batchListeners = new Set<(batch: Batch, move: BatchMove) => void>();
  /** Classifies each batch once as a step forward or a jump, for every listener (batch-continuity.ts). */
  private readonly continuity = new BatchContinuity();

  constructor(config: UrlConfig, env: PageEnv = browserEnv()) {
    this.config = config;
    this.seed = config.seed;
    this.gateway = gatewayUrlIn(env.location);
    this.env = env;
    this.playback = new Playback(this.playbackPort(), { playing: !config.paused && !this.gateway });
    this.journal = new CommandJournal(env.tabStorage);
  }

  /** Start the worker and the engine. Returns the cleanup (for onMount). */
  start(): () => void {
    const worker = this.env.createWorker();
    this.worker = worker;
    worker.addEventListener('error', (event) =>
      this.fail(event.message || 'The engine worker could not start.'),
    );
    // Once stopped, a message still on its way is dropped: it must not adopt a session for the tab.
    const client = new EngineClient(worker, (message) => {
      if (this.worker === worker) this.receive(message);
    });
    this.client = client;
    void this.open(client);
    document.addEventListener('visibilitychange', this.onVisibilityChange);
    window.addEventListener('pagehide', this.onPageHide);
    window.addEventListener('pageshow', this.onPageShow);
    window.addEventListener('beforeunload', this.onBeforeUnload);
    return () => this.stop();
  }

  /** Decode a shared scenario in the URL (if any), then ask the worker to open the right session. */
  private async open(client: EngineClient): Promise<void> {
    const { location } = this.env;
    const encodedCode = codeParamIn(location);
    if (encodedCode !== undefined) this.linkedCode = await decodeCodeFromLink(encodedCode);
    const code = scenarioCodeIn(location);
    let scenario: Scenario | undefined;
    if (code !== undefined) {
      const decoded = await decodeScenarioFromLink(code);
      if (decoded.ok) scenario = decoded.scenario;
      else this.importProblem = decoded.message;
    }
    const tab = readTabSession(this.env.tabStorage);
    // A session the previous visit could not open, or one the learner walked away from, is not
    // resumed by a plain visit or a reload (open-guard.ts).
    // eslint-disable-next-line svelte/prefer-svelte-reactivity -- a one-off lookup, nothing renders from it
    const held: ReadonlySet<string> = (await this.env.heldSessions?.()) ?? new Set<string>();
    this.uncleanExit = uncleanExit(readMarks(this.env.appStorage), held);
    const avoid = skippedSessions(this.env.appStorage);
    if (this.uncleanExit?.kind === 'didNotOpen') avoid.push(this.uncleanExit.sessionId);
    const plan = avoidSessions(planFor(this.config, location.href, tab, scenario), avoid);
    if (plan.kind === 'restore') {
      const journal = this.journal.forSession(plan.sessionId);
      if (journal.length > 0) plan.journal = journal;
    }
    // A session from storage or a link opens paused, exactly where it was left or shared: it
    // should not run away before the learner has looked at it.
    if (plan.kind !== 'fresh' && !this.config.pinned) this.playback.pause();
    if (plan.kind === 'restore') this.playback.pause();
    performance.mark('streamlab:init'); // how long opening takes, for tests and the bench
    client.init(plan);
  }

  /**
   * Call `listener` with every batch, in order, before the reactive state changes, and with the
   * batch's one classification: a step forward or a jump (batch-continuity.ts).
   */
  onBatch(listener: (batch: Batch, move: BatchMove) => void): () => void {
    this.batchListeners.add(listener);
    return () => this.batchListeners.delete(listener);
  }

  async dispatch(command: Command): Promise<DispatchResult> {
    if (!this.client) return { ok: false, code: 'FAULT', message: 'The engine has not started.' };
    return this.client.dispatch(command);
  }

  /** The terminal: one CLI action run by the worker against this session (docs/cli.md). */
  async cli(action: CliAction): Promise<CliReply> {
    if (!this.client)
      return {
        stdout: '',
        stderr: 'The engine has not started.\n',
        exitCode: 1,
        running: false,
        prompt: null,
      };
    return this.client.cli(action);
  }

  /** The Code tool: one socket action of the code worker's client (src/worker/wire-bridge.ts). */
  async wire(action: WireAction): Promise<{ ok: true } | { ok: false; message: string }> {
    if (!this.client) return { ok: false, message: 'The engine has not started.' };
    return this.client.wire(action);
  }

  /** A burst of commands in one request (the producer panel's "send 1000"). */
  async dispatchMany(commands: Command[]): Promise<DispatchResult> {
    if (!this.client) return { ok: false, code: 'FAULT', message: 'The engine has not started.' };
    return this.client.dispatchMany(commands);
  }

  /** A page of one replica's log, for the inspector. */
  async readLog(at: {
    broker: number;
    topic: string;
    partition: number;
    from: number;
    count: number;
  }): Promise<LogPageResult> {
    if (!this.client) return { ok: false, code: 'FAULT', message: 'The engine has not started.' };
    return this.client.readLog(at);
  }

  /** The guarantee checker's offset grid of one partition (the Guarantees view). */
  checkerGrid(at: { topic: string; partition: number; from?: number; width: number }) {
    return this.client ? this.client.checkerGrid(at) : Promise.resolve(null);
  }

  /** The trace between two virtual times, without RPC bodies (the space-time diagram). */
  traceWindow(fromMs: number, toMs: number, maxEvents: number) {
    return this.client ? this.client.traceWindow(fromMs, toMs, maxEvents) : Promise.resolve(null);
  }

  /** One RPC's request and response with their bodies (the protocol inspector). */
  rpcDetail(id: number) {
    return this.client ? this.client.rpcDetail(id) : Promise.resolve(null);
  }

  /** What playback needs: the playhead, and the requests that move time (no client yet: nothing). */
  private playbackPort(): PlaybackPort {
    // eslint-disable-next-line @typescript-eslint/no-this-alias -- the port reads this session's live state
    const session = this;
    return {
      get nowMs() {
        return session.nowMs;
      },
      // Attached to the gateway, time is the gateway's: playback never starts and moves nothing.
      get ready() {
        return session.status === 'ready' && session.client !== undefined && session.gateway === undefined;
      },
      advance: (ms, maxOwedMs) => this.movable()?.advance(ms, maxOwedMs),
      run: (condition, limitMs) => this.movable()?.run(condition, limitMs) ?? Promise.resolve(undefined),
      seek: (atMs) => this.movable()?.seek(atMs),
      stepBack: () => this.movable()?.stepBack(),
      restoreFuture: () => this.movable()?.restoreFuture(),
      cancelRun: () => this.client?.cancelRun(),
      notify: (notice) => {
        this.notice = notice;
      },
    };
  }
  /** The client, when this page may move time (not when attached to the gateway, whose time it is). */
  private movable(): EngineClient | undefined {
    return this.gateway === undefined ? this.client : undefined;
  }

  // ----- sharing -----

  async shareLink(): Promise<string | { error: string }> {
    const scenario = await this.client?.exportScenario();
    if (!scenario || 'error' in scenario) return { error: scenario?.error ?? 'The engine has not started.' };
    const code = this.codeForLink?.();
    return shareLink(
      scenario,
      this.env.location,
      code !== undefined ? await encodeCodeForLink(code) : undefined,
    );
  }

  async download(): Promise<void> {
    const scenario = await this.client?.exportScenario();
    if (!scenario || 'error' in scenario) return;
    const problem = fileProblem(scenario);
    if (problem) this.notice = problem;
    else downloadScenario(scenario);
  }

  /** Open a scenario file in place of this session; a bad file changes nothing but the message. */
  async importFile(file: File): Promise<void> {
    const parsed = await readScenarioFile(file);
    if (!parsed.ok) {
      this.importProblem = parsed.message;
      return;
    }
    this.playback.pause();
    const loaded = await this.client?.load(parsed.scenario);
    this.importProblem = loaded?.ok === false ? loaded.message : undefined;
  }

  /**
   * A new cluster of this shape, same seed, in place of this session (which stays saved). The
   * engine checks the shape: a refusal comes back in its words and changes nothing.
   */
  async newCluster(shape: { brokers: number; controllers: number }): Promise<LoadResult> {
    const client = this.client;
    if (!client) return { ok: false, message: 'The engine has not started.' };
    return client.newSession({ seed: this.snapshot?.seed ?? this.seed, ...shape });
  }

  dismissImportProblem(): void {
    this.importProblem = undefined;
  }

  // ----- plumbing -----

  private stop(): void {
    this.playback.pause();
    document.removeEventListener('visibilitychange', this.onVisibilityChange);
    window.removeEventListener('pagehide', this.onPageHide);
    window.removeEventListener('pageshow', this.onPageShow);
    window.removeEventListener('beforeunload', this.onBeforeUnload);
    clearTimeout(this.slowOpeningTimer);
    this.worker?.terminate();
    this.worker = undefined;
    this.client = undefined;
  }

  private receive(message: WorkerMessage): void {
    switch (message.type) {
      case 'opening':
        markSession(this.env.appStorage, message.sessionId, 'opening');
        clearTimeout(this.slowOpeningTimer);
        this.slowOpeningTimer = setTimeout(() => {
          if (this.status === 'starting') this.slowOpening = message.sessionId;
        }, SLOW_OPENING_MS);
        return;
      case 'ready':
        performance.mark('streamlab:ready');
        clearTimeout(this.slowOpeningTimer);
        this.slowOpening = undefined;
        // A session that went away without closing opens paused, whatever the URL asked.
        if (this.uncleanExit?.kind === 'didNotClose' && message.session.id === this.uncleanExit.sessionId) {
          this.playback.pause();
        }
        this.status = 'ready';
        this.workerStorage = message.storage;
        // The worker's notice (a refused link, a copy) first; else what the URL asked for and
        // could not have (a seed or time that is not a number).
        this.notice = message.notice ?? (this.config.warnings?.join(' ') || undefined);
        this.adoptSession(message.session.id, message.session.origin);
        this.apply(message.batch);
        this.playback.start();
        return;
      case 'loaded':
        this.adoptSession(message.session.id, message.session.origin);
        this.apply(message.batch);
        return;
      case 'batch':
        this.apply(message.batch);
        return;
      case 'dispatched':
        if (message.logged) this.journal.add(message.logged);
        this.showStorage();
        this.apply(message.batch);
        return;
      case 'cliOutput':
        if (message.batch) this.apply(message.batch);
        return;
      case 'wireOutput':
        this.apply(message.batch);
        return;
      case 'storage':
        this.workerStorage = message.storage;
        this.showStorage();
        return;
      case 'commandsStored':
        this.journal.stored(message.sessionId, message.version);
        this.showStorage();
        return;
      case 'fault':
        if (this.status === 'starting') this.fail(message.message);
        else this.problem = message.message;
        return;
      case 'rejected':
      case 'exported':
      case 'loadFailed':
      case 'logPage':
      case 'checkerGrid':
      case 'traceWindow':
      case 'rpcDetail':
        return; // answered through the request's promise
      default:
        // Exhaustive at compile time; the UI imports engine types only, so no runtime assertNever.
        message satisfies never;
    }
  }

  /** Remember the session for this tab, under the URL that is open now, so a reload restores it. */
  private adoptSession(id: string, origin: SessionOrigin): void {
    // The open guard follows the session on screen (a new cluster or an opened file replaces it).
    if (this.sessionId && this.sessionId !== id) unmarkSession(this.env.appStorage, this.sessionId);
    markSession(this.env.appStorage, id, 'open');
    this.origin = origin;
    this.sessionId = id;
    this.journal.keepOnly(id);
    this.showStorage();
    writeTabSession(this.env.tabStorage, id, this.env.location.href);
  }

  private apply(batch: Batch): void {
    const move = this.continuity.classify(batch);
    for (const listener of this.batchListeners) listener(batch, move);
    this.snapshot = batch.snapshot;
    this.nowMs = batch.nowMs;
    this.eventCount = batch.traceLength;
    this.endMs = batch.timeline.endMs;
    this.canRestoreFuture = batch.timeline.canRestoreFuture;
    this.inPast = batch.timeline.inPast;
    // Every batch carries a fresh copy: replace only on change, so the markers do not re-render per frame.
    if (!sameFaults(this.faults, batch.timeline.faults)) this.faults = batch.timeline.faults;
    if (move.kind === 'jump') this.recentEvents = batch.events.slice(-RECENT_EVENTS_MAX);
    else if (batch.events.length > 0) {
      this.recentEvents = [...this.recentEvents, ...batch.events].slice(-RECENT_EVENTS_MAX);
    }
  }

  private fail(message: string): void {
    this.status = 'failed';
    this.problem = message;
    this.playback.pause();
  }

  private readonly onVisibilityChange = (): void => {
    if (document.visibilityState === 'hidden') {
      this.client?.flush(); // the tab may never come back: save the position now
      this.playback.hidden(); // paused by the tab, not by the learner: resumes on return
    } else {
      this.playback.visible();
    }
  };

  private readonly onPageHide = (): void => {
    this.client?.flush();
    // Closed cleanly: the next visit may resume this session as usual.
    if (this.sessionId) unmarkSession(this.env.appStorage, this.sessionId);
  };

  /** Back from the back/forward cache: the page is open again, so is its session. */
  private readonly onPageShow = (event: PageTransitionEvent): void => {
    if (event.persisted && this.sessionId && this.status === 'ready') {
      markSession(this.env.appStorage, this.sessionId, 'open');
    }
  };

  /**
   * The way out of a session that is slow to open or that froze the tab last time: leave it saved
   * but do not resume it, and start afresh (a reload: the worker may be busy replaying it).
   */
  startNewInstead(sessionId: string): void {
    skipSession(this.env.appStorage, sessionId);
    unmarkSession(this.env.appStorage, sessionId);
    forgetTabSession(this.env.tabStorage);
    this.env.reload?.();
  }

  /** Try again a session the previous visit could not open (it opens paused, like any stored one). */
  openAnyway(sessionId: string): void {
    unskipSession(this.env.appStorage, sessionId);
    unmarkSession(this.env.appStorage, sessionId);
    writeTabSession(this.env.tabStorage, sessionId, this.env.location.href);
    this.env.reload?.();
  }

  dismissUncleanExit(): void {
    this.uncleanExit = undefined;
  }

  /**
   * Leaving with accepted commands not yet stored: save now, and ask (the browser shows its own
   * "Leave site?" dialog). A reload keeps them anyway (the journal is in tab storage); closing the
   * tab would not.
   */
  private readonly onBeforeUnload = (event: BeforeUnloadEvent): void => {
    this.client?.flush();
    if (!this.journal.atRisk) return;
    event.preventDefault();
    event.returnValue = ''; // older browsers need it set to show the dialog
  };

  /** "Saved" only when the worker has saved everything and no accepted command awaits storage. */
  private showStorage(): void {
    this.unsavedCommands = this.journal.pending(this.sessionId);
    const worker = this.workerStorage;
    const next: StorageState =
      worker.persistent && this.unsavedCommands > 0 ? { persistent: true, saved: false } : worker;
    const now = this.storage;
    const same =
      now.persistent === next.persistent &&
      (now.persistent && next.persistent ? now.saved === next.saved : true);
    if (!same || (!now.persistent && !next.persistent && now.reason !== next.reason)) this.storage = next;
  }
}

function sameFaults(a: readonly TimelineFault[], b: readonly TimelineFault[]): boolean {
  return (
    a.length === b.length &&
    a.every((f, i) => f.index === b[i]?.index && f.atMs === b[i].atMs && f.command.type === b[i].command.type)
  );
}
