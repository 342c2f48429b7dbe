/**
 * The typed messages between the UI and the engine worker (DESIGN §3). Both sides switch on `type`
 * and end in `assertNever`, so adding a message is a compile error until both sides handle it.
 * Everything here is plain structured-cloneable data: no classes, no functions.
 */
import type {
  ClusterSnapshot,
  Command,
  CommandId,
  EngineEvent,
  ErrorCode,
  SimulationOptions,
} from '../engine';

// ---------------------------------------------------------------------------------------------
// UI → worker

/** Start (or restart) the simulation. `atMs`: run to that virtual time before the first batch. */
export interface InitRequest {
  type: 'init';
  options: SimulationOptions;
  atMs?: number;
}

/** Advance virtual time by `ms` (an integer ≥ 0) and answer with one batch. */
export interface AdvanceRequest {
  type: 'advance';
  ms: number;
}

/** Apply a command now. Answered by `dispatched` or `rejected` with the same `requestId`. */
export interface DispatchRequest {
  type: 'dispatch';
  requestId: number;
  command: Command;
}

export type WorkerRequest = InitRequest | AdvanceRequest | DispatchRequest;

// ---------------------------------------------------------------------------------------------
// worker → UI

/**
 * Everything that happened since the previous batch, and the cluster as it is now. The worker
 * answers each `advance` with exactly one `batch` message (and carries one in `ready` and
 * `dispatched`), never one message per event: postMessage is the bottleneck, arrays are cheap.
 */
export interface Batch {
  events: EngineEvent[];
  snapshot: ClusterSnapshot;
  nowMs: number;
}

/** Where the session is being saved: IndexedDB, or memory only when IndexedDB is unusable. */
export type StorageState = { persistent: true } | { persistent: false; reason: string };

export interface ReadyMessage {
  type: 'ready';
  batch: Batch;
  storage: StorageState;
}

export interface BatchMessage {
  type: 'batch';
  batch: Batch;
}

/** The command was accepted; `batch` already holds its `command.accepted` event. */
export interface DispatchedMessage {
  type: 'dispatched';
  requestId: number;
  commandId: CommandId;
  batch: Batch;
}

/** The engine refused a command (EngineError); the simulation is unchanged and keeps running. */
export interface RejectedMessage {
  type: 'rejected';
  requestId: number;
  code: ErrorCode;
  message: string;
}

/** Storage changed state after start (a write failed, so the session now lives in memory only). */
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
  /** Set when the failing request was a dispatch, so its caller is answered too. */
  requestId?: number;
}

export type WorkerMessage =
  ReadyMessage | BatchMessage | DispatchedMessage | RejectedMessage | StorageMessage | FaultMessage;

const REQUEST_TYPES: ReadonlySet<unknown> = new Set<WorkerRequest['type']>(['init', 'advance', 'dispatch']);
const MESSAGE_TYPES: ReadonlySet<unknown> = new Set<WorkerMessage['type']>([
  'ready',
  'batch',
  'dispatched',
  'rejected',
  'storage',
  'fault',
]);

/**
 * Runtime guards for what arrives through postMessage (its data is untyped). Both ends are built
 * from this file, so checking the discriminant is enough to tell a protocol message from noise
 * (browser extensions and devtools can post to a page too).
 */
export function isWorkerRequest(data: unknown): data is WorkerRequest {
  return typeof data === 'object' && data !== null && 'type' in data && REQUEST_TYPES.has(data.type);
}

export function isWorkerMessage(data: unknown): data is WorkerMessage {
  return typeof data === 'object' && data !== null && 'type' in data && MESSAGE_TYPES.has(data.type);
}
