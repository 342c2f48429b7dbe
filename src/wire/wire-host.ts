/**
 * The wire front end of one simulation: byte streams in, byte streams out. Each connection is
 * bound to one simulated broker (the port it reached); each request is decoded, routed, and sent
 * through the simulated network by the client's node (`client:<client.id>`); answers go back in
 * request order, as a Kafka broker answers on one connection. Transport-free and pure: the Node
 * gateway and the browser's socket bridge both drive it, and own the clock (`sim.runFor`).
 */
import { externalClientNodeId, type EngineEvent, type Simulation } from '../engine/index';
import { answerAdmin } from './admin';
import type { ApiSpec } from './apis';
import { WireError } from './bytes';
import { decodeRequest, encodeResponse, FrameSplitter, unsupportedApiVersionsResponse } from './frame';
import { route, type Listeners } from './adapter';
import type { Struct } from './schema';

/** What the host needs of a simulation: a Timeline's recording `dispatch` fits too (src/worker/wire-bridge.ts). */
export type WireSim = Pick<Simulation, 'dispatch' | 'snapshot'>;

export interface ConnectionSink {
  write(bytes: Uint8Array): void;
  close(reason: string): void;
}

interface Slot {
  correlationId: number;
  bytes: Uint8Array | null;
}

interface Connection {
  broker: number;
  sink: ConnectionSink;
  splitter: FrameSplitter;
  client: string | null;
  queue: Slot[];
  closed: boolean;
}

interface InFlight {
  conn: number;
  slot: Slot;
  api: ApiSpec;
  version: number;
  reply: (internal: unknown) => Struct;
}

/** One line per request for logs and the Code tool's console. */
export interface WireLogEntry {
  conn: number;
  client: string | null;
  broker: number;
  api: string;
  version: number;
  correlationId: number;
  route: 'rpc' | 'local' | 'admin' | 'rejected';
}

export class WireHost {
  private readonly conns = new Map<number, Connection>();
  private readonly inFlight = new Map<number, InFlight>();
  /** Open connections per client name: its node goes when the last one closes. */
  private readonly clientRefs = new Map<string, number>();
  private nextConn = 1;
  private nextRequest = 1;
  onLog: ((e: WireLogEntry) => void) | null = null;
  /** Sees every request frame and response frame (fixture capture, protocol inspectors). */
  onFrame: ((conn: number, direction: 'request' | 'response', frame: Uint8Array) => void) | null = null;

  constructor(
    private readonly sim: WireSim,
    private readonly listeners: Listeners,
  ) {}

  /** A client connected to broker `broker`'s listener. Returns the connection id. */
  open(broker: number, sink: ConnectionSink): number {
    const id = this.nextConn++;
    this.conns.set(id, {
      broker,
      sink,
      splitter: new FrameSplitter(),
      client: null,
      queue: [],
      closed: false,
    });
    return id;
  }

  /** Bytes arrived from the client. Malformed input closes the connection, as Kafka does. */
  receive(conn: number, chunk: Uint8Array): void {
    const c = this.conns.get(conn);
    if (!c || c.closed) return;
    try {
      for (const frame of c.splitter.push(chunk)) {
        this.onFrame?.(conn, 'request', frame);
        this.request(conn, c, frame);
      }
    } catch (e) {
      if (e instanceof WireError) this.close(conn, e.message);
      else throw e;
    }
  }

  /** The client closed its end (or the transport failed). */
  close(conn: number, reason = 'closed'): void {
    const c = this.conns.get(conn);
    if (!c || c.closed) return;
    c.closed = true;
    this.conns.delete(conn);
    c.sink.close(reason);
    for (const [id, f] of this.inFlight) if (f.conn === conn) this.inFlight.delete(id);
    if (c.client !== null) {
      const left = (this.clientRefs.get(c.client) ?? 1) - 1;
      if (left > 0) this.clientRefs.set(c.client, left);
      else {
        this.clientRefs.delete(c.client);
        if (this.hasClientNode(c.client)) this.sim.dispatch({ type: 'client.disconnect', client: c.client });
      }
    }
  }

  closeAll(): void {
    for (const id of [...this.conns.keys()]) this.close(id, 'gateway stopped');
  }

  /** Feed the events a step or runFor produced: answers go back to their connections. */
  onEvents(events: readonly EngineEvent[]): void {
    for (const e of events) {
      if (e.type === 'client.responded') {
        const f = this.inFlight.get(e.requestId);
        if (!f) continue;
        this.inFlight.delete(e.requestId);
        f.slot.bytes = encodeResponse(f.slot.correlationId, f.api, f.version, f.reply(e.body));
        this.flush(f.conn);
      } else if (e.type === 'client.requestUndelivered') {
        const f = this.inFlight.get(e.requestId);
        // The broker's process is gone: its connections reset, and the client reconnects.
        if (f) this.close(f.conn, `${e.to} is down`);
      }
    }
  }

  connectionCount(): number {
    return this.conns.size;
  }

  private flush(conn: number): void {
    const c = this.conns.get(conn);
    if (!c) return;
    while (c.queue.length > 0 && c.queue[0]!.bytes !== null) {
      const bytes = c.queue.shift()!.bytes!;
      this.onFrame?.(conn, 'response', bytes.subarray(4));
      c.sink.write(bytes);
    }
  }

  /** Is the client's node in the simulation (connect and close only: a snapshot is not free)? */
  private hasClientNode(client: string): boolean {
    const id = externalClientNodeId(client);
    return this.sim.snapshot().nodes.some((n) => n.id === id);
  }

  private bindClient(c: Connection, clientId: string | null): string {
    if (c.client !== null) return c.client;
    const name = (clientId ?? '').trim() || 'anonymous';
    c.client = name;
    this.clientRefs.set(name, (this.clientRefs.get(name) ?? 0) + 1);
    if (!this.hasClientNode(name)) this.sim.dispatch({ type: 'client.connect', client: name });
    return name;
  }

  private request(conn: number, c: Connection, frame: Uint8Array): void {
    const { header, api, body } = decodeRequest(frame);
    const log = (r: WireLogEntry['route']) =>
      this.onLog?.({
        conn,
        client: c.client,
        broker: c.broker,
        api: api?.name ?? `key ${header.apiKey}`,
        version: header.apiVersion,
        correlationId: header.correlationId,
        route: r,
      });
    const slot: Slot = { correlationId: header.correlationId, bytes: null };
    if (body === null) {
      log('rejected');
      if (header.apiKey !== 18)
        throw new WireError(`${api?.name ?? `API key ${header.apiKey}`} v${header.apiVersion} is not served`);
      slot.bytes = unsupportedApiVersionsResponse(header.correlationId);
      c.queue.push(slot);
      return this.flush(conn);
    }
    const client = this.bindClient(c, header.clientId);
    const routed = route(api, header.apiVersion, body, header.clientId, this.listeners);
    log(routed.type);
    if (routed.type === 'local') {
      slot.bytes = encodeResponse(header.correlationId, api, header.apiVersion, routed.response);
      c.queue.push(slot);
      return this.flush(conn);
    }
    if (routed.type === 'admin') {
      slot.bytes = encodeResponse(
        header.correlationId,
        api,
        header.apiVersion,
        answerAdmin(this.sim, routed.api, routed.request),
      );
      c.queue.push(slot);
      return this.flush(conn);
    }
    const requestId = this.nextRequest++;
    if (routed.expectsResponse) {
      c.queue.push(slot);
      this.inFlight.set(requestId, { conn, slot, api, version: header.apiVersion, reply: routed.reply });
    }
    this.sim.dispatch({
      type: 'client.request',
      client,
      to: `broker-${c.broker}`,
      kind: routed.kind,
      body: routed.body as Record<string, unknown>,
      requestId,
    });
  }
}
