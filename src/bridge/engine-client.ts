/**
 * The UI side of the worker protocol. It correlates replies with their requests, and it keeps the
 * requests that come in floods to one in flight each: an `advance` per frame (time owed meanwhile
 * is sent as one request), a `seek` per scrubber move (only the newest target matters), and a
 * `run` that the worker answers in frame-sized slices (continued here until it is done or
 * cancelled). A slow simulation is never buried under a backlog.
 */
import type { WireImages } from '../wire/engine-image';
import type {
  Command,
  CommandId,
  EngineEvent,
  ErrorCode,
  LogRecord,
  OffsetGrid,
  SimulationOptions,
} from '../engine';
import { assertNever } from '../engine';
import {
  isWorkerMessage,
  type CliAction,
  type CliReply,
  type OpenPlan,
  type RunResult,
  type StopCondition,
  type WorkerMessage,
  type WorkerRequest,
} from './protocol';
import type { Scenario } from './scenario';
import { SnapshotDecoder } from './snapshot-delta';
import type { WireAction } from './wire-types';

/** What the client needs from a Worker (a MessagePort works too, which the tests use). */
export interface EnginePort {
  postMessage(message: WorkerRequest): void;
  addEventListener(type: 'message', listener: (event: MessageEvent<unknown>) => void): void;
}

export type DispatchResult =
  | { ok: true; commandId: CommandId }
  /** `FAULT`: the worker failed unexpectedly while applying the command. */
  | { ok: false; code: ErrorCode | 'FAULT'; message: string };

export type LoadResult = { ok: true } | { ok: false; message: string };

export type LogPageResult =
  | { ok: true; total: number; from: number; records: LogRecord[] }
  | { ok: false; code: ErrorCode | 'FAULT'; message: string };

/** Replies that answer one request, by requestId. */
type Reply = Extract<
  WorkerMessage,
  {
    type:
      | 'dispatched'
      | 'rejected'
      | 'exported'
      | 'loaded'
      | 'loadFailed'
      | 'logPage'
      | 'cliOutput'
      | 'fault'
      | 'checkerGrid'
      | 'traceWindow'
      | 'rpcDetail'
      | 'wireOutput';
  }
>;

/** A reply that is not the answer asked for: the worker's refusal in Kafka's words, or a fault. */
function refusal(reply: Reply): { ok: false; code: ErrorCode | 'FAULT'; message: string } {
  if (reply.type === 'rejected') return { ok: false, code: reply.code, message: reply.message };
  return { ok: false, code: 'FAULT', message: reply.type === 'fault' ? reply.message : 'unexpected reply' };
}

function dispatchResult(reply: Reply): DispatchResult {
  return reply.type === 'dispatched' ? { ok: true, commandId: reply.commandId } : refusal(reply);
}

export interface RpcDetail {
  request: EngineEvent | null;
  response: EngineEvent | null;
  requestEnd: EngineEvent | null;
  responseEnd: EngineEvent | null;
  wire: WireImages | null;
}

interface RunState {
  condition: StopCondition;
  resolve: (result: RunResult | 'cancelled') => void;
  cancelled: boolean;
}

export class EngineClient {
  private readonly port: EnginePort;
  private readonly listener: (message: WorkerMessage) => void;
  private readonly pending = new Map<number, (reply: Reply) => void>();
  private readonly snapshots = new SnapshotDecoder();
  private nextRequestId = 1;
  private advancing = false;
  private owedMs = 0;
  private seeking = false;
  private seekTarget: number | undefined;
  private running: RunState | undefined;

  /** `listener` sees every message after the client has done its own bookkeeping. */
  constructor(port: EnginePort, listener: (message: WorkerMessage) => void) {
    this.port = port;
    this.listener = listener;
    port.addEventListener('message', (event) => this.receive(event.data));
  }

  init(open: OpenPlan): void {
    this.owedMs = 0;
    this.port.postMessage({ type: 'init', open });
  }

  /**
   * Ask for `ms` more virtual time. While a previous advance is still being worked on, the time is
   * owed and sent as one request when the answer arrives; `maxOwedMs` bounds that debt so that a
   * simulation slower than real time falls behind gracefully instead of spiralling.
   */
  advance(ms: number, maxOwedMs = Number.POSITIVE_INFINITY): void {
    this.owedMs = Math.min(this.owedMs + ms, Math.max(maxOwedMs, ms));
    if (!this.advancing) this.sendOwed();
  }

  /** Go to virtual time `atMs`. Only the newest target is pursued. */
  seek(atMs: number): void {
    this.seekTarget = Math.max(0, Math.round(atMs));
    if (!this.seeking) this.sendSeek();
  }

  stepBack(): void {
    this.port.postMessage({ type: 'stepBack' });
  }

  restoreFuture(): void {
    this.port.postMessage({ type: 'restoreFuture' });
  }

  /** Run until `condition` (or `limitMs` of virtual time); resolves with why it stopped. */
  run(condition: StopCondition, limitMs: number): Promise<RunResult | 'cancelled'> {
    this.cancelRun();
    return new Promise((resolve) => {
      this.running = { condition, resolve, cancelled: false };
      this.port.postMessage({ type: 'run', condition, limitMs });
    });
  }

  /** Stop a run at its next slice. */
  cancelRun(): void {
    if (this.running) this.running.cancelled = true;
  }

  dispatch(command: Command): Promise<DispatchResult> {
    return this.request((requestId) => ({ type: 'dispatch', requestId, command }), dispatchResult);
  }

  /** Many commands in one request (a burst of sends): answered once, like `dispatch`. */
  dispatchMany(commands: Command[]): Promise<DispatchResult> {
    return this.request((requestId) => ({ type: 'dispatchMany', requestId, commands }), dispatchResult);
  }

  /** A page of one replica's log (for the inspector). */
  readLog(at: {
    broker: number;
    topic: string;
    partition: number;
    from: number;
    count: number;
  }): Promise<LogPageResult> {
    return this.request(
      (requestId) => ({ type: 'readLog', requestId, ...at }),
      (reply) => {
        if (reply.type === 'logPage')
          return { ok: true, total: reply.total, from: reply.from, records: reply.records };
        return refusal(reply);
      },
    );
  }

  /** The guarantee checker's offset grid of one partition (null: unknown partition, or a failure). */
  checkerGrid(at: {
    topic: string;
    partition: number;
    from?: number;
    width: number;
  }): Promise<OffsetGrid | null> {
    return this.request(
      (requestId) => ({ type: 'checkerGrid', requestId, ...at }),
      (reply) => (reply.type === 'checkerGrid' ? reply.grid : null),
    );
  }

  /** The trace between two virtual times, RPC bodies left out (the space-time diagram). */
  traceWindow(
    fromMs: number,
    toMs: number,
    maxEvents: number,
  ): Promise<{ events: EngineEvent[]; truncated: boolean } | null> {
    return this.request(
      (requestId) => ({ type: 'traceWindow', requestId, fromMs, toMs, maxEvents }),
      (reply) => (reply.type === 'traceWindow' ? { events: reply.events, truncated: reply.truncated } : null),
    );
  }

  /** One RPC's request and response with their bodies (the protocol inspector). */
  rpcDetail(id: number): Promise<RpcDetail | null> {
    return this.request(
      (requestId) => ({ type: 'rpcDetail', requestId, id }),
      (reply) =>
        reply.type === 'rpcDetail'
          ? {
              request: reply.request,
              response: reply.response,
              requestEnd: reply.requestEnd,
              responseEnd: reply.responseEnd,
              wire: reply.wire,
            }
          : null,
    );
  }

  exportScenario(): Promise<Scenario | { error: string }> {
    return this.request(
      (requestId) => ({ type: 'export', requestId }),
      (reply) =>
        reply.type === 'exported'
          ? reply.scenario
          : { error: reply.type === 'fault' ? reply.message : 'unexpected reply' },
    );
  }

  load(scenario: Scenario): Promise<LoadResult> {
    return this.request(
      (requestId) => ({ type: 'load', requestId, scenario }),
      (reply) => {
        if (reply.type === 'loaded') return { ok: true };
        if (reply.type === 'loadFailed' || reply.type === 'fault')
          return { ok: false, message: reply.message };
        return { ok: false, message: 'unexpected reply' };
      },
    );
  }

  /** A new session with these options in place of this one (`load`'s answers). */
  newSession(options: SimulationOptions): Promise<LoadResult> {
    return this.request(
      (requestId) => ({ type: 'newSession', requestId, options }),
      (reply) => {
        if (reply.type === 'loaded') return { ok: true };
        if (reply.type === 'loadFailed' || reply.type === 'fault')
          return { ok: false, message: reply.message };
        return { ok: false, message: 'unexpected reply' };
      },
    );
  }

  /** Save now (the page is being hidden). */
  flush(): void {
    this.port.postMessage({ type: 'flush' });
  }

  /** The terminal: one CLI action (src/worker/cli-host.ts). */
  cli(action: CliAction): Promise<CliReply> {
    return this.request(
      (requestId) => ({ type: 'cli', requestId, action }),
      (reply): CliReply =>
        reply.type === 'cliOutput'
          ? reply.reply
          : {
              stdout: '',
              stderr: `${reply.type === 'fault' ? reply.message : 'unexpected reply'}\n`,
              exitCode: 1,
              running: false,
              prompt: null,
            },
    );
  }

  /** The Code tool: one socket action; resolves once the worker applied it (its batch is applied too). */
  wire(action: WireAction): Promise<{ ok: true } | { ok: false; message: string }> {
    return this.request(
      (requestId) => ({ type: 'wire', requestId, action }),
      (reply) =>
        reply.type === 'wireOutput'
          ? { ok: true as const }
          : { ok: false as const, message: reply.type === 'fault' ? reply.message : 'unexpected reply' },
    );
  }

  private request<T>(make: (requestId: number) => WorkerRequest, settle: (reply: Reply) => T): Promise<T> {
    const requestId = this.nextRequestId++;
    return new Promise((resolve) => {
      this.pending.set(requestId, (reply) => resolve(settle(reply)));
      this.port.postMessage(make(requestId));
    });
  }

  private sendOwed(): void {
    const ms = Math.floor(this.owedMs);
    if (ms <= 0) return;
    this.owedMs -= ms;
    this.advancing = true;
    this.port.postMessage({ type: 'advance', ms });
  }

  private sendSeek(): void {
    if (this.seekTarget === undefined) return;
    this.seeking = true;
    this.port.postMessage({ type: 'seek', atMs: this.seekTarget });
  }

  private settle(reply: Reply): void {
    if (reply.requestId === undefined) return;
    this.pending.get(reply.requestId)?.(reply);
    this.pending.delete(reply.requestId);
  }

  private onBatch(message: Extract<WorkerMessage, { type: 'batch' }>): void {
    switch (message.cause) {
      case 'advance':
        this.advancing = false;
        this.sendOwed();
        return;
      case 'seek':
        this.seeking = false;
        // Reached: forget the target unless a newer one arrived meanwhile (then pursue that).
        if (message.done && message.batch.nowMs === this.seekTarget) this.seekTarget = undefined;
        this.sendSeek();
        return;
      case 'run': {
        const run = this.running;
        if (!run) return;
        if (message.run === 'budget' && !run.cancelled && message.untilMs !== undefined) {
          this.port.postMessage({
            type: 'run',
            condition: run.condition,
            limitMs: 0,
            untilMs: message.untilMs,
          });
          return;
        }
        this.running = undefined;
        run.resolve(run.cancelled ? 'cancelled' : (message.run ?? 'limit'));
        return;
      }
      case 'stepBack':
      case 'restoreFuture':
      case 'checks':
        return;
      default:
        assertNever(message.cause, 'batch cause');
    }
  }

  private receive(data: unknown): void {
    if (!isWorkerMessage(data)) return;
    // Before anyone reads it: idle partitions come as references to the last batch's (./snapshot-delta).
    if ('batch' in data && data.batch) data.batch.snapshot = this.snapshots.decode(data.batch.snapshot);
    switch (data.type) {
      case 'batch':
        this.onBatch(data);
        break;
      case 'dispatched':
      case 'rejected':
      case 'exported':
      case 'loaded':
      case 'loadFailed':
      case 'logPage':
      case 'checkerGrid':
      case 'traceWindow':
      case 'rpcDetail':
      case 'cliOutput':
      case 'wireOutput':
        this.settle(data);
        break;
      case 'fault':
        // A failed request must not leave its flood control stuck waiting for a batch.
        if (data.request === 'advance') this.advancing = false;
        if (data.request === 'seek') {
          this.seeking = false;
          this.seekTarget = undefined;
        }
        if (data.request === 'run' && this.running) {
          this.running.resolve('limit');
          this.running = undefined;
        }
        this.settle(data);
        break;
      case 'opening':
      case 'ready':
      case 'storage':
      case 'commandsStored':
        break;
      default:
        assertNever(data, 'worker message');
    }
    this.listener(data);
  }
}
