/**
 * The Code tool's way into the session: the sockets of the KafkaJS client running in the code
 * worker, relayed by the page, end here in a WireHost (src/wire) bound to the session's timeline.
 * Every request the client sends becomes a `client.request` command dispatched through the
 * timeline, so it is recorded in the command log like a click and replays, scrubs and shares
 * without the client (docs/decisions/0020-code-tool-recording.md). Answers are picked out of the
 * trace after every request the worker serves and leave with the next batch (`Batch.wire`).
 *
 * A real client cannot be rewound: when the timeline moves back (step back, a seek into the past,
 * a restored future) or the session is replaced, the run's sockets are closed without recording
 * anything, and the page stops the run.
 */
import { isEngineError, type Command } from '../engine';
import { WireHost, type WireLogEntry } from '../wire/index';
import type { Timeline } from './timeline';
import {
  CODE_BROKER_PORT,
  codeBrokerHost,
  TIMELINE_MOVED_BACK,
  type WireAction,
  type WireOut,
} from '../bridge/wire-types';

interface Bound {
  timeline: Timeline;
  host: WireHost;
  /** Trace events already fed to the host. */
  seq: number;
  /** Virtual time at the last look: the clock never goes back under a live client. */
  nowMs: number;
  /** The code worker's connection id → the host's. */
  conns: Map<number, number>;
}

/** Where Metadata says broker `id` listens (the local gateway advertises its own 127.0.0.1 ports). */
export type BrokerAddress = (id: number) => { host: string; port: number };

export interface WireBridgeOptions {
  address?: BrokerAddress;
  /** Sees every request (the gateway's log). */
  onLog?: (e: WireLogEntry) => void;
}

export class WireBridge {
  private bound: Bound | undefined;
  private out: WireOut[] = [];
  private readonly address: BrokerAddress;
  private readonly onLog: ((e: WireLogEntry) => void) | null;

  constructor(options: WireBridgeOptions = {}) {
    this.address = options.address ?? ((id) => ({ host: codeBrokerHost(id), port: CODE_BROKER_PORT }));
    this.onLog = options.onLog ?? null;
  }

  /** Apply one socket action against `timeline` (binding to it first if needed). */
  act(timeline: Timeline, action: WireAction): void {
    this.pump(timeline);
    const bound = this.bind(timeline);
    try {
      switch (action.kind) {
        case 'open': {
          const id = bound.host.open(action.broker, {
            write: (bytes) => this.out.push({ kind: 'data', conn: action.conn, bytes: bytes.slice() }),
            close: (reason) => {
              bound.conns.delete(action.conn);
              this.out.push({ kind: 'close', conn: action.conn, reason });
            },
          });
          bound.conns.set(action.conn, id);
          return;
        }
        case 'data': {
          const id = bound.conns.get(action.conn);
          if (id === undefined) {
            this.out.push({ kind: 'close', conn: action.conn, reason: 'not connected' });
            return;
          }
          try {
            bound.host.receive(id, action.bytes);
          } catch (e) {
            // The engine refused the request (a full command log, say): the connection ends with its words.
            if (!isEngineError(e)) throw e;
            bound.host.close(id, `${e.code}: ${e.message}`);
          }
          return;
        }
        case 'close': {
          const id = bound.conns.get(action.conn);
          if (id !== undefined) bound.host.close(id, 'client closed');
          return;
        }
        case 'stopAll':
          bound.host.closeAll();
          this.bound = undefined;
          return;
      }
    } finally {
      bound.seq = timeline.traceLength();
    }
  }

  /**
   * Feed the host what happened since the last look, and hand over everything the sockets have
   * to say. Called for every batch the worker builds.
   */
  drain(timeline: Timeline): WireOut[] {
    this.pump(timeline);
    const out = this.out;
    this.out = [];
    return out;
  }

  /** The timeline went back or was replaced: end the run's sockets, recording nothing. */
  detach(reason: string): void {
    const bound = this.bound;
    if (!bound) return;
    this.bound = undefined;
    for (const conn of bound.conns.keys()) this.out.push({ kind: 'close', conn, reason });
  }

  private pump(timeline: Timeline): void {
    const bound = this.bound;
    if (!bound) return;
    if (bound.timeline !== timeline) return this.detach('the session was replaced');
    const length = timeline.traceLength();
    // Every move back (step back, a seek into the past, a restored future) answers with a batch,
    // and the position is earlier: a shorter trace or an earlier clock. (A run may start in the past: its first
    // request forks the timeline, so recorded future alone is no reason to end it.)
    if (length < bound.seq || timeline.nowMs() < bound.nowMs) return this.detach(TIMELINE_MOVED_BACK);
    bound.nowMs = timeline.nowMs();
    if (length === bound.seq) return;
    const events = timeline.sim.trace().slice(bound.seq);
    bound.seq = length;
    bound.host.onEvents(events);
    bound.seq = timeline.traceLength(); // a reset connection may have recorded a disconnect
  }

  private bind(timeline: Timeline): Bound {
    if (this.bound?.timeline === timeline) return this.bound;
    this.detach('the session was replaced');
    // The host dispatches through the timeline, which records each command at the current time.
    const sim = {
      dispatch: (command: Command) => timeline.dispatch(command),
      snapshot: () => timeline.sim.snapshot(),
    };
    const host = new WireHost(sim, { clusterId: 'streamlab', address: this.address });
    host.onLog = this.onLog;
    this.bound = { timeline, host, seq: timeline.traceLength(), nowMs: timeline.nowMs(), conns: new Map() };
    return this.bound;
  }
}
