/**
 * The UI side of the worker protocol: correlates dispatch replies with their requests and keeps at
 * most one `advance` in flight, so a slow simulation is never buried under a backlog of frames.
 */
import type { Command, CommandId, ErrorCode, SimulationOptions } from '../engine';
import { assertNever } from '../engine/errors';
import { isWorkerMessage, type WorkerMessage, type WorkerRequest } from './protocol';

/** What the client needs from a Worker (a MessagePort works too, which the tests use). */
export interface EnginePort {
  postMessage(message: WorkerRequest): void;
  addEventListener(type: 'message', listener: (event: MessageEvent<unknown>) => void): void;
}

export type DispatchResult =
  | { ok: true; commandId: CommandId }
  /** `FAULT`: the worker failed unexpectedly while applying the command. */
  | { ok: false; code: ErrorCode | 'FAULT'; message: string };

export class EngineClient {
  private readonly port: EnginePort;
  private readonly listener: (message: WorkerMessage) => void;
  private readonly pending = new Map<number, (result: DispatchResult) => void>();
  private nextRequestId = 1;
  private advancing = false;
  private owedMs = 0;

  /** `listener` sees every message after the client has done its own bookkeeping. */
  constructor(port: EnginePort, listener: (message: WorkerMessage) => void) {
    this.port = port;
    this.listener = listener;
    port.addEventListener('message', (event) => this.receive(event.data));
  }

  init(options: SimulationOptions, atMs?: number): void {
    this.owedMs = 0;
    this.port.postMessage(atMs === undefined ? { type: 'init', options } : { type: 'init', options, atMs });
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

  dispatch(command: Command): Promise<DispatchResult> {
    const requestId = this.nextRequestId++;
    return new Promise((resolve) => {
      this.pending.set(requestId, resolve);
      this.port.postMessage({ type: 'dispatch', requestId, command });
    });
  }

  private sendOwed(): void {
    const ms = Math.floor(this.owedMs);
    if (ms <= 0) return;
    this.owedMs -= ms;
    this.advancing = true;
    this.port.postMessage({ type: 'advance', ms });
  }

  private settle(requestId: number | undefined, result: DispatchResult): void {
    if (requestId === undefined) return;
    this.pending.get(requestId)?.(result);
    this.pending.delete(requestId);
  }

  private receive(data: unknown): void {
    if (!isWorkerMessage(data)) return;
    switch (data.type) {
      case 'batch':
        this.advancing = false;
        this.sendOwed();
        break;
      case 'dispatched':
        this.settle(data.requestId, { ok: true, commandId: data.commandId });
        break;
      case 'rejected':
        this.settle(data.requestId, { ok: false, code: data.code, message: data.message });
        break;
      case 'fault':
        // A failed advance must not leave the clock stuck waiting for a batch that never comes.
        if (data.request === 'advance') this.advancing = false;
        this.settle(data.requestId, { ok: false, code: 'FAULT', message: data.message });
        break;
      case 'ready':
      case 'storage':
        break;
      default:
        assertNever(data, 'worker message');
    }
    this.listener(data);
  }
}
