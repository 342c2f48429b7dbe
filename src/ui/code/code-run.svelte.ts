/**
 * One run of the learner's code: the code worker (src/code/code.worker.ts), the relay of its
 * socket actions to the engine worker, and every batch's time and socket output back to it. Stop
 * terminates the worker and closes its connections (recorded: the clients leave the cluster).
 * Moving the timeline back ends the run too: a real client cannot be rewound, and the requests it
 * made stay on the timeline as recorded commands.
 */
import type { Batch } from '../../bridge/protocol';
import type { BatchMove } from '../batch-continuity';
import { TIMELINE_MOVED_BACK, type WireAction } from '../../bridge/wire-types';
import type { ConsoleLevel, FromCodeWorker, ToCodeWorker } from '../../code/code-protocol';

export interface CodeBackend {
  readonly nowMs: number;
  onBatch(listener: (batch: Batch, move: BatchMove) => void): () => void;
  wire(action: WireAction): Promise<{ ok: true } | { ok: false; message: string }>;
}

export interface ConsoleLine {
  id: number;
  level: ConsoleLevel | 'system';
  text: string;
}

/** Lines kept in the console pane (a chatty consumer must not grow the page without bound). */
const MAX_LINES = 500;

export class CodeRun {
  /** `finished`: the script's top level returned; its clients may still run until Stop. */
  status = $state<'idle' | 'running' | 'finished'>('idle');
  lines = $state.raw<ConsoleLine[]>([]);
  /** Requests real clients put on the simulated network during this run (`rpc.sent` from `client:*`). */
  requests = $state(0);
  /** The newest of them, as the trace has it: `client:my-app: Metadata → broker-2`. */
  lastRequest = $state<string | null>(null);
  private worker: Worker | undefined;
  private unsubscribe: (() => void) | undefined;
  private nextLine = 1;

  constructor(
    private readonly backend: CodeBackend,
    private readonly makeWorker: () => Worker = () =>
      // eslint-disable-next-line svelte/prefer-svelte-reactivity -- Vite's worker URL pattern, not state
      new Worker(new URL('../../code/code.worker.ts', import.meta.url), { type: 'module', name: 'code' }),
  ) {}

  start(code: string): void {
    this.stop();
    this.lines = [];
    this.requests = 0;
    this.lastRequest = null;
    this.print(
      'system',
      'Running with KafkaJS 2.2.4 against the simulated cluster. Time moves only while the simulation plays.',
    );
    const worker = this.makeWorker();
    this.worker = worker;
    this.status = 'running';
    worker.addEventListener('message', (event: MessageEvent<FromCodeWorker>) => this.receive(event.data));
    worker.addEventListener('error', (event) =>
      this.print('error', event.message || 'The code worker failed.'),
    );
    this.unsubscribe = this.backend.onBatch((batch, move) => this.onBatch(batch, move));
    this.send({ type: 'start', code, nowMs: this.backend.nowMs });
  }

  /** Terminate the worker; its connections close and its clients leave the cluster (recorded). */
  stop(reason?: string): void {
    if (!this.worker) return;
    this.worker.terminate();
    this.worker = undefined;
    this.unsubscribe?.();
    this.unsubscribe = undefined;
    this.status = 'idle';
    if (reason) this.print('system', reason);
    void this.backend.wire({ kind: 'stopAll' });
  }

  private onBatch(batch: Batch, move: BatchMove): void {
    if (!this.worker) return;
    const movedBack = batch.wire?.some((o) => o.kind === 'close' && o.reason === TIMELINE_MOVED_BACK);
    if ((move.kind === 'jump' && move.back) || movedBack) {
      // The bridge closed the sockets already; nothing more is recorded.
      this.worker.terminate();
      this.worker = undefined;
      this.unsubscribe?.();
      this.unsubscribe = undefined;
      this.status = 'idle';
      this.print(
        'system',
        'Stopped: the timeline moved back, and a real client cannot be rewound. Its requests stay on the timeline; press Run to start again from here.',
      );
      return;
    }
    if (move.kind === 'step')
      for (const e of batch.events)
        if (e.type === 'rpc.sent' && e.from.startsWith('client:')) {
          this.requests++;
          this.lastRequest = `${e.from}: ${e.kind} → ${e.to}`;
        }
    this.send({ type: 'tick', nowMs: batch.nowMs, out: batch.wire ?? [] });
  }

  private receive(message: FromCodeWorker): void {
    switch (message.type) {
      case 'console':
        return this.print(message.level, message.text);
      case 'wire':
        void this.backend.wire(message.action).then((r) => {
          if (!r.ok) this.print('error', `The engine refused a request: ${r.message}`);
        });
        return;
      case 'finished':
        if (message.error) this.print('error', message.error);
        this.print(
          'system',
          message.error
            ? 'The script stopped with an error.'
            : 'The script finished. Clients it left running go on until you press Stop.',
        );
        this.status = 'finished';
        return;
    }
  }

  private send(message: ToCodeWorker): void {
    this.worker?.postMessage(message);
  }

  private print(level: ConsoleLine['level'], text: string): void {
    this.lines = [...this.lines, { id: this.nextLine++, level, text }].slice(-MAX_LINES);
  }
}
