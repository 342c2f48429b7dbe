/**
 * The typed messages between the UI and the engine worker (DESIGN §3). Both sides switch on `type`
 * and end in `assertNever`, so adding a message is a compile error until both sides handle it.
 * Everything here is plain structured-cloneable data: no classes, no functions.
 */
import type { WireImages } from '../wire/engine-image';
import type {
  ClusterSnapshot,
  Command,
  CommandId,
  EngineEvent,
  ErrorCode,
  LogRecord,
  OffsetGrid,
  SimulationOptions,
  TimedCommand,
} from '../engine';
import type { Scenario } from './scenario';
import type { GuaranteeReport, StoredPosition } from './session-reports';
import type { RunResult, StopCondition } from './stop-conditions';
import type { WireAction, WireOut } from './wire-types';

export type { RunResult, StopCondition } from './stop-conditions';

/** How many of the newest events a batch carries when the position jumps (`reset`). */
export const RECENT_EVENTS = 200;

// ---------------------------------------------------------------------------------------------
// UI → worker

/** A new session: options, and optionally a virtual time to run to before the first batch. */
export interface FreshSession {
  options: SimulationOptions;
  atMs?: number;
}

/** Which session to open when the page loads. */
export type OpenPlan =
  /**
   * This tab's session (a reload); `fallback` if it is gone. `journal`: commands the page saw
   * accepted whose storage it had not seen confirmed (see LoggedCommands), merged in first.
   */
  | { kind: 'restore'; sessionId: string; fallback: FreshSession; journal?: LoggedCommands[] }
  /** The most recent session no other tab has open (a plain visit); `fallback` if none. */
  /** `exclude`: sessions a plain visit must not resume (the lessons' own clusters). */
  | { kind: 'latest'; fallback: FreshSession; exclude?: string[] }
  /** A new session (a seed-pinned URL). */
  | { kind: 'fresh'; session: FreshSession }
  /** A shared scenario (already schema-checked); `fallback` if the engine refuses it. */
  | { kind: 'scenario'; scenario: Scenario; fallback: FreshSession };

export interface InitRequest {
  type: 'init';
  open: OpenPlan;
}

/** Advance virtual time by `ms` (an integer ≥ 0) and answer with one batch. */
export interface AdvanceRequest {
  type: 'advance';
  ms: number;
}

/**
 * Run until `condition` holds or `limitMs` of virtual time pass. The worker stops early when a
 * frame's worth of wall time is spent (`run: 'budget'`); the UI asks again to continue.
 */
export interface RunRequest {
  type: 'run';
  condition: StopCondition;
  /** Give up once virtual time passes `limitMs` from now ... */
  limitMs: number;
  /** ... or, when continuing a run, this absolute time (from the previous answer). */
  untilMs?: number;
}

/** Go to virtual time `atMs` (back or forward). Answered with `done: false` if it must continue. */
export interface SeekRequest {
  type: 'seek';
  atMs: number;
}

/** Back to just before the newest group of events. */
export interface StepBackRequest {
  type: 'stepBack';
}

/** Undo the last fork: bring back the future it abandoned (once). */
export interface RestoreFutureRequest {
  type: 'restoreFuture';
}

/** Apply a command now. Answered by `dispatched` or `rejected` with the same `requestId`. */
export interface DispatchRequest {
  type: 'dispatch';
  requestId: number;
  command: Command;
}

/** Answer with the session as a scenario (for a share link or a file). */
export interface ExportRequest {
  type: 'export';
  requestId: number;
}

/** Replace the session by a scenario (an imported file). Nothing changes if it fails. */
export interface LoadRequest {
  type: 'load';
  requestId: number;
  scenario: Scenario;
}

/**
 * Replace the session by a new one with these options (another cluster shape: brokers,
 * controllers). Answered by `loaded`, or `loadFailed` with the engine's words; nothing changes then.
 */
export interface NewSessionRequest {
  type: 'newSession';
  requestId: number;
  options: SimulationOptions;
}

/**
 * Apply many commands at once (a burst of sends), in order, answered like one `dispatch`: one
 * batch instead of a batch per command. Stops at the first refused command; if none was applied
 * the answer is `rejected`, otherwise `dispatched` with the last command's id.
 */
export interface DispatchManyRequest {
  type: 'dispatchMany';
  requestId: number;
  commands: Command[];
}

/**
 * Read `count` records of one replica's log, starting at the `from`-th record it holds (the
 * inspector's virtualised list pages through long logs). Answered by `logPage` or `rejected`.
 */
export interface ReadLogRequest {
  type: 'readLog';
  requestId: number;
  broker: number;
  topic: string;
  partition: number;
  from: number;
  count: number;
}

/** The page is being hidden or closed: save the position now rather than in a moment. */
export interface FlushRequest {
  type: 'flush';
}

/** The guarantee checker's offset grid of one partition (`from` absent: the newest offsets). */
export interface CheckerGridRequest {
  type: 'checkerGrid';
  requestId: number;
  topic: string;
  partition: number;
  from?: number;
  width: number;
}

/**
 * The trace between two virtual times, for the space-time diagram: at most `maxEvents`, RPC
 * bodies left out (`rpcDetail` fetches one message's).
 */
export interface TraceWindowRequest {
  type: 'traceWindow';
  requestId: number;
  fromMs: number;
  toMs: number;
  maxEvents: number;
}

/** One RPC's request and response, bodies included (the protocol inspector). */
export interface RpcDetailRequest {
  type: 'rpcDetail';
  requestId: number;
  id: number;
}

/** What the terminal asks of the CLI (src/worker/cli-host.ts). */
export type CliAction =
  /** Run one command (the UI splits `;` and `&&`). */
  | { kind: 'run'; words: string[] }
  /** New output of the running command after time moved. */
  | { kind: 'poll' }
  /** A line typed while a command runs (the console producer's records). */
  | { kind: 'input'; line: string }
  /** Ctrl-C. */
  | { kind: 'interrupt' }
  /** Ctrl-D. */
  | { kind: 'eof' };

/** Terminal: one CLI action, answered by `cliOutput` with the same `requestId`. */
export interface CliRequest {
  type: 'cli';
  requestId: number;
  action: CliAction;
}

/** The Code tool: one socket action of the code worker's Kafka client (src/worker/wire-bridge.ts). */
export interface WireRequest {
  type: 'wire';
  requestId: number;
  action: WireAction;
}

export type WorkerRequest =
  | WireRequest
  | CliRequest
  | InitRequest
  | AdvanceRequest
  | RunRequest
  | SeekRequest
  | StepBackRequest
  | RestoreFutureRequest
  | DispatchRequest
  | ExportRequest
  | LoadRequest
  | NewSessionRequest
  | DispatchManyRequest
  | ReadLogRequest
  | FlushRequest
  | CheckerGridRequest
  | TraceWindowRequest
  | RpcDetailRequest;

// ---------------------------------------------------------------------------------------------
// worker → UI

/** Where the session sits on its timeline. */
export interface TimelineState {
  /** The furthest virtual time reached or recorded (never less than the batch's `nowMs`). */
  endMs: number;
  /** Recorded future lies ahead (even inside one millisecond): acting now forks the timeline. */
  inPast: boolean;
  /** A fork abandoned a future that can still be brought back. */
  canRestoreFuture: boolean;
  /** Every fault command on the whole timeline, recorded future included (the scrubber's markers). */
  faults: TimelineFault[];
}

/** Commands that inject or lift a fault: each is a marker on the timeline. */
export const FAULT_COMMAND_TYPES: ReadonlySet<Command['type']> = new Set([
  'broker.crash',
  'broker.restart',
  'node.crash',
  'node.restart',
  'consumer.crash',
  'network.partition',
  'network.cut',
  'network.heal',
  'link.configure',
]);

/** A fault command where it sits on the timeline; `index` is its place in the command log. */
export interface TimelineFault {
  index: number;
  atMs: number;
  command: Command;
}

/**
 * Everything that happened since the previous batch, and the cluster as it is now. The worker
 * answers each request with exactly one batch, never one message per event: postMessage is the
 * bottleneck, arrays are cheap. After a jump (back in time, a load) `reset` is set and `events`
 * holds the newest RECENT_EVENTS events instead of the new ones. The page tells a step from a
 * jump by `origin` alone (src/ui/batch-continuity.ts), never by guessing from `events`.
 */
export interface Batch {
  events: EngineEvent[];
  reset: boolean;
  /**
   * The first batch of a session just opened (started, reloaded, resumed, loaded from a file or a
   * link, or a new cluster): nothing the views hold from before belongs to it. Its events may start
   * part-way (only the newest are sent), so the views rebuild their story from `timeline.faults`.
   */
  opened?: true;
  /** Events in the trace up to this point. */
  traceLength: number;
  snapshot: ClusterSnapshot;
  nowMs: number;
  timeline: TimelineState;
  /** The guarantee checker's findings (when changed) and Kafka's metrics, as of this batch. */
  guarantees?: GuaranteeReport;
  /** Bytes and closes for the Code tool's sockets since the previous batch (absent: none). */
  wire?: WireOut[];
  /** Where this batch starts: the continuity token (src/ui/batch-continuity.ts reads it). */
  origin: BatchOrigin;
  /**
   * On a batch that does not continue the previous one (`origin`): the trace's events that make
   * up the lives of the newest sends up to the playhead (src/worker/send-history.ts), so the
   * produce view rebuilds them exactly instead of from the newest events only.
   */
  sendHistory?: EngineEvent[];
}

/**
 * The continuity token. `line` names one unbroken history as the page was told it: it changes
 * when a session is opened and when the trace is cut back below what was already sent (going back
 * in time, a restored future). `from` is the trace index of the batch's first event (its `seq` − 1),
 * or the trace length when it has none. A batch continues the previous one exactly when it is on
 * the same line and `from` equals the previous batch's `traceLength`.
 */
export interface BatchOrigin {
  line: number;
  from: number;
}

/**
 * Where the session is being saved: IndexedDB (`saved`: every change so far has committed), or
 * memory only when IndexedDB is unusable.
 */
export type StorageState = { persistent: true; saved: boolean } | { persistent: false; reason: string };

/** How the session came to be: new, this tab's after a reload, the last one resumed, a copy, a shared one. */
export type SessionOrigin = 'new' | 'restored' | 'resumed' | 'copied' | 'shared';

export interface SessionInfo {
  id: string;
  origin: SessionOrigin;
}

export interface ReadyMessage {
  type: 'ready';
  batch: Batch;
  storage: StorageState;
  session: SessionInfo;
  /** Something the learner should know (a shared scenario the engine refused, say). */
  notice?: string;
}

export interface BatchMessage {
  type: 'batch';
  batch: Batch;
  /**
   * Which request this answers; `checks`: none — the guarantee checks, started over after a step
   * back, have caught up with the trace in the background and this batch carries their report.
   */
  cause: 'advance' | 'run' | 'seek' | 'stepBack' | 'restoreFuture' | 'checks';
  /** For `run`: why it stopped, and the deadline to continue with after `budget`. */
  run?: RunResult;
  untilMs?: number;
  /** For `seek`: false when the wall-time budget ran out first (ask again to continue). */
  done?: boolean;
}

/** The command was accepted; `batch` already holds its `command.accepted` event. */
/**
 * Commands just accepted, as the session's command log holds them: entries from index `from` on
 * (anything stored past `from` is replaced: acting in the past forks), and the position right
 * after them. The page keeps these in its tab storage (synchronous, survives a reload) until the
 * worker reports them stored (`commandsStored` with a version ≥ `version`), so a reload or a
 * crash of the worker at any moment cannot lose an accepted command (decision 0008).
 */
export interface LoggedCommands {
  sessionId: string;
  from: number;
  entries: TimedCommand[];
  position: StoredPosition;
  endMs: number;
  /** The timeline's command version after these commands (Timeline.commandsVersion). */
  version: number;
}

export interface DispatchedMessage {
  type: 'dispatched';
  requestId: number;
  commandId: CommandId;
  batch: Batch;
  /** Absent when the session is not kept in IndexedDB (memory only: nothing to journal). */
  logged?: LoggedCommands;
}

/** Every command change up to `version` of session `sessionId` has committed to IndexedDB. */
export interface CommandsStoredMessage {
  type: 'commandsStored';
  sessionId: string;
  version: number;
}

/** The engine refused a command (EngineError); the simulation is unchanged and keeps running. */
export interface RejectedMessage {
  type: 'rejected';
  requestId: number;
  code: ErrorCode;
  message: string;
}

export interface ExportedMessage {
  type: 'exported';
  requestId: number;
  scenario: Scenario;
}

/** The scenario replaced the session. */
export interface LoadedMessage {
  type: 'loaded';
  requestId: number;
  batch: Batch;
  session: SessionInfo;
}

/** The scenario could not be opened; the session is exactly as it was. */
export interface LoadFailedMessage {
  type: 'loadFailed';
  requestId: number;
  message: string;
}

/** Storage changed state: saving/saved, or a write failed and the session now lives in memory. */
export interface StorageMessage {
  type: 'storage';
  storage: StorageState;
}

/**
 * Something unexpected threw inside the worker. The worker survives and reports it; `request`
 * names the request type being handled (if any) so the UI can say what failed.
 */
export interface FaultMessage {
  type: 'fault';
  message: string;
  request?: WorkerRequest['type'];
  /** Set when the failing request had a requestId, so its caller is answered too. */
  requestId?: number;
}

/** A page of a replica's log: `records` start at its `from`-th record; `total` records in all. */
export interface LogPageMessage {
  type: 'logPage';
  requestId: number;
  total: number;
  from: number;
  records: LogRecord[];
}

export interface CheckerGridMessage {
  type: 'checkerGrid';
  requestId: number;
  grid: OffsetGrid | null;
}

export interface TraceWindowMessage {
  type: 'traceWindow';
  requestId: number;
  events: EngineEvent[];
  /** More events fell in the window than `maxEvents`: the newest were left out. */
  truncated: boolean;
}

export interface RpcDetailMessage {
  type: 'rpcDetail';
  requestId: number;
  request: EngineEvent | null;
  response: EngineEvent | null;
  /** How each ended (`rpc.delivered` or `rpc.dropped`), if it has. */
  requestEnd: EngineEvent | null;
  responseEnd: EngineEvent | null;
  /** Both messages as Kafka wire bytes with each field's range, or a note saying why not. */
  wire: WireImages | null;
}

/** Output of a CLI action; `exitCode` once the command finished; `running` while it goes on. */
export interface CliReply {
  stdout: string;
  stderr: string;
  exitCode?: number;
  running: boolean;
  /** The prompt of the running command (`>` for the console producer). */
  prompt: string | null;
}

export interface CliOutputMessage {
  type: 'cliOutput';
  requestId: number;
  reply: CliReply;
  /** Set when the action recorded commands: the cluster as it is now. */
  batch?: Batch;
}

/**
 * Sent during `init`, before a stored session is replayed: which one. Replaying a long history can
 * take a while (or, for a session too heavy for this browser, too long); the page keeps the id so
 * it can offer a way out and not reopen the same session blindly next time.
 */
export interface OpeningMessage {
  type: 'opening';
  sessionId: string;
}

/** The answer to a `wire` request: the session as it is now (its `wire` holds the sockets' output). */
export interface WireOutputMessage {
  type: 'wireOutput';
  requestId: number;
  batch: Batch;
}

export type WorkerMessage =
  | OpeningMessage
  | WireOutputMessage
  | CheckerGridMessage
  | TraceWindowMessage
  | RpcDetailMessage
  | CliOutputMessage
  | LogPageMessage
  | ReadyMessage
  | BatchMessage
  | DispatchedMessage
  | RejectedMessage
  | ExportedMessage
  | LoadedMessage
  | LoadFailedMessage
  | StorageMessage
  | CommandsStoredMessage
  | FaultMessage;

const REQUEST_TYPES: ReadonlySet<unknown> = new Set<WorkerRequest['type']>([
  'wire',
  'cli',
  'init',
  'advance',
  'run',
  'seek',
  'stepBack',
  'restoreFuture',
  'dispatch',
  'export',
  'load',
  'newSession',
  'dispatchMany',
  'readLog',
  'flush',
  'checkerGrid',
  'traceWindow',
  'rpcDetail',
]);
const MESSAGE_TYPES: ReadonlySet<unknown> = new Set<WorkerMessage['type']>([
  'opening',
  'wireOutput',
  'cliOutput',
  'ready',
  'batch',
  'dispatched',
  'rejected',
  'exported',
  'loaded',
  'loadFailed',
  'logPage',
  'storage',
  'commandsStored',
  'fault',
  'checkerGrid',
  'traceWindow',
  'rpcDetail',
]);

/**
 * Runtime guards for what arrives through postMessage (its data is untyped). Both ends are built
 * from this file, so checking the discriminant is enough to tell a protocol message from noise
 * (browser extensions and devtools can post to a page too); fields that steer work (a condition,
 * a time) are checked again where they are used.
 */
export function isWorkerRequest(data: unknown): data is WorkerRequest {
  return typeof data === 'object' && data !== null && 'type' in data && REQUEST_TYPES.has(data.type);
}

export function isWorkerMessage(data: unknown): data is WorkerMessage {
  return typeof data === 'object' && data !== null && 'type' in data && MESSAGE_TYPES.has(data.type);
}
