/**
 * The running session as the UI sees it: reactive state fed by the engine worker, and playback.
 * The UI drives time: each animation frame asks the worker for (wall ms elapsed × speed) virtual ms
 * and the worker answers with one batch. requestAnimationFrame stops in hidden tabs, and the session
 * also pauses explicitly on `visibilitychange`, so a background tab costs nothing.
 */
import type { ClusterSnapshot, Command, EngineEvent } from '../engine';
import { EngineClient, type DispatchResult, type EnginePort } from '../worker/engine-client';
import type { Batch, StorageState, WorkerMessage } from '../worker/protocol';
import type { UrlConfig } from './url-config';

export type EngineStatus = 'starting' | 'ready' | 'failed';

/** Virtual ms per wall ms. Below 1× is where messages in flight become visible. */
export const SPEEDS = [0.1, 0.25, 0.5, 1, 2, 5] as const;
export type Speed = (typeof SPEEDS)[number];

export const BROKERS = 3;
/** A frame longer than this (a stalled tab, a debugger pause) counts as this long. */
const MAX_FRAME_WALL_MS = 100;
/** How much wall time the worker may fall behind before time is dropped instead of owed. */
const MAX_OWED_WALL_MS = 250;
/** The UI keeps only the newest events; the full trace lives in the worker. */
const RECENT_EVENTS_MAX = 200;

export interface WorkerLike extends EnginePort {
  addEventListener(type: 'message', listener: (event: MessageEvent<unknown>) => void): void;
  addEventListener(type: 'error', listener: (event: ErrorEvent) => void): void;
  terminate(): void;
}

function createEngineWorker(): WorkerLike {
  return new Worker(new URL('../worker/engine.worker.ts', import.meta.url), {
    type: 'module',
    name: 'engine',
  });
}

export class EngineSession {
  status = $state<EngineStatus>('starting');
  snapshot = $state.raw<ClusterSnapshot | undefined>(undefined);
  nowMs = $state(0);
  playing = $state(false);
  speed = $state<Speed>(1);
  storage = $state.raw<StorageState>({ persistent: true });
  /** The latest unexpected failure, shown to the learner; the session keeps running if it can. */
  problem = $state<string | undefined>(undefined);
  eventCount = $state(0);
  recentEvents = $state.raw<EngineEvent[]>([]);

  readonly seed: number;
  private readonly config: UrlConfig;
  private readonly createWorker: () => WorkerLike;
  private worker: WorkerLike | undefined;
  private client: EngineClient | undefined;
  private frame: number | undefined;
  private lastFrameAt: number | undefined;
  private carryMs = 0;
  private resumeWhenVisible = false;

  constructor(config: UrlConfig, createWorker: () => WorkerLike = createEngineWorker) {
    this.config = config;
    this.seed = config.seed;
    this.playing = !config.paused;
    this.createWorker = createWorker;
  }

  /** Start the worker and the engine. Returns the cleanup (for onMount). */
  start(): () => void {
    const worker = this.createWorker();
    this.worker = worker;
    worker.addEventListener('error', (event) => {
      this.fail(event.message || 'The engine worker could not start.');
    });
    this.client = new EngineClient(worker, (message) => this.receive(message));
    this.client.init({ seed: this.config.seed, brokers: BROKERS }, this.config.atMs);
    document.addEventListener('visibilitychange', this.onVisibilityChange);
    return () => this.stop();
  }

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

  async dispatch(command: Command): Promise<DispatchResult> {
    if (!this.client) return { ok: false, code: 'FAULT', message: 'The engine has not started.' };
    return this.client.dispatch(command);
  }

  private stop(): void {
    this.halt();
    document.removeEventListener('visibilitychange', this.onVisibilityChange);
    this.worker?.terminate();
    this.worker = undefined;
    this.client = undefined;
  }

  private receive(message: WorkerMessage): void {
    switch (message.type) {
      case 'ready':
        this.status = 'ready';
        this.storage = message.storage;
        this.apply(message.batch);
        this.loop();
        return;
      case 'batch':
      case 'dispatched':
        this.apply(message.batch);
        return;
      case 'storage':
        this.storage = message.storage;
        return;
      case 'fault':
        if (this.status === 'starting') this.fail(message.message);
        else this.problem = message.message;
        return;
      case 'rejected':
        return; // answered through the dispatch promise; the caller decides how to show it
      default:
        // Exhaustive at compile time; the UI imports engine types only, so no runtime assertNever.
        message satisfies never;
    }
  }

  private apply(batch: Batch): void {
    this.snapshot = batch.snapshot;
    this.nowMs = batch.nowMs;
    if (batch.events.length > 0) {
      this.eventCount += batch.events.length;
      this.recentEvents = [...this.recentEvents, ...batch.events].slice(-RECENT_EVENTS_MAX);
    }
  }

  private fail(message: string): void {
    this.status = 'failed';
    this.problem = message;
    this.pause();
  }

  /** Start the frame loop if it should run and is not running. */
  private loop(): void {
    if (!this.playing || this.status !== 'ready' || this.frame !== undefined) return;
    this.lastFrameAt = undefined;
    this.frame = requestAnimationFrame(this.tick);
  }

  private halt(): void {
    if (this.frame !== undefined) cancelAnimationFrame(this.frame);
    this.frame = undefined;
    this.lastFrameAt = undefined;
  }

  private readonly tick = (at: DOMHighResTimeStamp): void => {
    this.frame = undefined;
    if (!this.playing || !this.client) return;
    if (this.lastFrameAt !== undefined) {
      this.carryMs += Math.min(at - this.lastFrameAt, MAX_FRAME_WALL_MS) * this.speed;
      const wholeMs = Math.floor(this.carryMs);
      if (wholeMs > 0) {
        this.carryMs -= wholeMs;
        this.client.advance(wholeMs, MAX_OWED_WALL_MS * this.speed);
      }
    }
    this.lastFrameAt = at;
    this.frame = requestAnimationFrame(this.tick);
  };

  private readonly onVisibilityChange = (): void => {
    if (document.visibilityState === 'hidden') {
      if (!this.playing) return;
      this.pause();
      this.resumeWhenVisible = true; // paused by the tab, not by the learner: resume on return
    } else if (this.resumeWhenVisible) {
      this.play();
    }
  };
}
