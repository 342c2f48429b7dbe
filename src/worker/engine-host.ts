/**
 * The worker side of the protocol, without the worker: it owns one simulation, answers requests
 * through `post`, and saves the session write-behind. Keeping it free of worker globals lets the
 * unit tests drive it directly in Node.
 */
import {
  createSimulation,
  isEngineError,
  type Command,
  type Simulation,
  type SimulationOptions,
} from '../engine';
import { assertNever } from '../engine/errors';
import type { Batch, StorageState, WorkerMessage, WorkerRequest } from './protocol';
import { isWorkerRequest } from './protocol';
import {
  errorText,
  MemorySessionStore,
  openStoreOrMemory,
  type OpenedStore,
  type SessionStore,
} from './session-store';

/** One session slot for now: a reload overwrites it (restoring it is the time-travel issue's job). */
export const CURRENT_SESSION_ID = 'current';

export interface EngineHostOptions {
  post(message: WorkerMessage): void;
  openStore?: () => Promise<OpenedStore>;
}

export class EngineHost {
  private readonly post: (message: WorkerMessage) => void;
  private readonly openStore: () => Promise<OpenedStore>;
  private store: SessionStore | undefined;
  private storage: StorageState = { persistent: true };
  private sim: Simulation | undefined;
  /** The options as the UI gave them (not the resolved ones), which is what a replay needs. */
  private options: SimulationOptions | undefined;
  private lastSeq = 0;
  private savedCommands = 0;
  /** Requests are handled strictly in arrival order, even though `init` has to wait for storage. */
  private queue: Promise<void> = Promise.resolve();
  /** Storage writes run in order too, behind the simulation (write-behind). */
  private writes: Promise<void> = Promise.resolve();

  constructor(options: EngineHostOptions) {
    this.post = options.post;
    this.openStore = options.openStore ?? (() => openStoreOrMemory());
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

  /** Resolves once every storage write queued so far has settled (tests wait on this). */
  flushed(): Promise<void> {
    return this.writes;
  }

  private async handle(request: WorkerRequest): Promise<void> {
    switch (request.type) {
      case 'init':
        return this.init(request.options, request.atMs);
      case 'advance':
        return this.advance(request.ms);
      case 'dispatch':
        return this.dispatch(request.requestId, request.command);
      default:
        return assertNever(request, 'request');
    }
  }

  private async init(options: SimulationOptions, atMs?: number): Promise<void> {
    // Storage is opened once; a later init (a new seed) keeps whatever storage is in use by then.
    if (!this.store) {
      const opened = await this.openStore();
      this.store = opened.store;
      this.storage = opened.persistent ? { persistent: true } : { persistent: false, reason: opened.reason };
    }
    const sim = createSimulation(options);
    this.sim = sim;
    this.options = options;
    this.lastSeq = 0;
    this.savedCommands = 0;
    if (atMs !== undefined) sim.runFor(wholeMs(atMs));
    this.persistWholeSession(sim, options);
    this.post({ type: 'ready', batch: this.batch(sim), storage: this.storage });
  }

  private advance(ms: number): void {
    const sim = this.running();
    sim.runFor(wholeMs(ms));
    this.post({ type: 'batch', batch: this.batch(sim) });
  }

  private dispatch(requestId: number, command: Command): void {
    const sim = this.running();
    let commandId: number;
    try {
      commandId = sim.dispatch(command);
    } catch (e) {
      if (!isEngineError(e)) throw e;
      this.post({ type: 'rejected', requestId, code: e.code, message: e.message });
      return;
    }
    this.post({ type: 'dispatched', requestId, commandId, batch: this.batch(sim) });
    this.persistNewCommands(sim);
  }

  private running(): Simulation {
    if (!this.sim) throw new Error('The engine has not been started yet.');
    return this.sim;
  }

  private batch(sim: Simulation): Batch {
    const events = sim.events(this.lastSeq);
    const last = events.at(-1);
    if (last) this.lastSeq = last.seq;
    return { events, snapshot: sim.snapshot(), nowMs: sim.now() };
  }

  /** Append whatever the store does not have yet; reading the log at write time keeps it exact. */
  private persistNewCommands(sim: Simulation): void {
    this.persist(sim, async (store) => {
      const log = sim.commandLog();
      if (log.length > this.savedCommands) {
        await store.appendCommands(CURRENT_SESSION_ID, this.savedCommands, log.slice(this.savedCommands));
      }
      this.savedCommands = log.length;
    });
  }

  private persistWholeSession(sim: Simulation, options: SimulationOptions): void {
    this.persist(sim, (store) => this.saveWhole(store, sim, options));
  }

  private async saveWhole(store: SessionStore, sim: Simulation, options: SimulationOptions): Promise<void> {
    const commandLog = sim.commandLog();
    await store.saveSession({ id: CURRENT_SESSION_ID, options, commandLog });
    this.savedCommands = commandLog.length;
  }

  /**
   * Queue a write. If IndexedDB fails (quota, a revoked permission), fall back to memory for good,
   * save the whole session there and tell the UI; the simulation never waits on storage.
   */
  private persist(sim: Simulation, write: (store: SessionStore) => Promise<void>): void {
    const options = this.options;
    this.writes = this.writes.then(async () => {
      const store = this.store;
      if (!store || !options || sim !== this.sim) return; // superseded by a newer init
      try {
        await write(store);
      } catch (e) {
        if (!store.persistent) {
          this.fault(e);
          return;
        }
        const memory = new MemorySessionStore();
        this.store = memory;
        this.storage = { persistent: false, reason: errorText(e) };
        store.close();
        await this.saveWhole(memory, sim, options);
        this.post({ type: 'storage', storage: this.storage });
      }
    });
    // Keep the chain alive whatever happens above: one bad write must not stop later ones.
    this.writes = this.writes.catch((e: unknown) => this.fault(e));
  }

  private fault(e: unknown, request?: WorkerRequest): void {
    this.post({
      type: 'fault',
      message: errorText(e),
      ...(request ? { request: request.type } : {}),
      ...(request?.type === 'dispatch' ? { requestId: request.requestId } : {}),
    });
  }
}

/** The engine advances in whole milliseconds; anything else is a caller bug, reported as such. */
function wholeMs(ms: number): number {
  if (!Number.isSafeInteger(ms) || ms < 0) throw new Error(`cannot advance by ${ms} ms`);
  return ms;
}
