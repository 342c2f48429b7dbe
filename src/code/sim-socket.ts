/**
 * KafkaJS's `socketFactory` for the Code tool: a socket to `broker-<id>:9092` is a connection id
 * whose writes leave as wire actions (relayed by the page to the engine worker's WireBridge) and
 * whose `data`/`end` events are fed from the batches' socket output. Connecting is instant: the
 * simulated network models latency per request, not the TCP handshake.
 */
import type { WireAction, WireOut } from '../bridge/wire-types';
import { NodeBuffer } from './node-buffer';

type Listener = (...args: unknown[]) => void;

class SimSocket {
  private readonly listeners = new Map<string, Listener[]>();
  ended = false;

  constructor(
    readonly conn: number,
    private readonly send: (action: WireAction) => void,
  ) {}

  on(event: string, fn: Listener): this {
    this.listeners.set(event, [...(this.listeners.get(event) ?? []), fn]);
    return this;
  }

  emit(event: string, ...args: unknown[]): void {
    for (const fn of this.listeners.get(event) ?? []) fn(...args);
  }

  write(data: Uint8Array): boolean {
    if (!this.ended) this.send({ kind: 'data', conn: this.conn, bytes: new Uint8Array(data) });
    return true;
  }

  end(): void {
    if (this.ended) return;
    this.ended = true;
    this.send({ kind: 'close', conn: this.conn });
  }

  destroy(): void {
    this.end();
  }

  setKeepAlive(): this {
    return this;
  }

  setNoDelay(): this {
    return this;
  }

  setTimeout(): this {
    return this;
  }

  unref(): this {
    return this;
  }
}

export interface SocketFactoryArgs {
  host: string;
  port: number;
  onConnect: () => void;
}

export class SimSockets {
  private readonly sockets = new Map<number, SimSocket>();
  private nextConn = 1;

  constructor(
    private readonly send: (action: WireAction) => void,
    /** A real "soon" (not the virtual clock): events a real socket delivers asynchronously. */
    private readonly soon: (fn: () => void) => void,
  ) {}

  /** The `socketFactory` option of `new Kafka({...})`. */
  readonly factory = ({ host, port, onConnect }: SocketFactoryArgs): SimSocket => {
    const conn = this.nextConn++;
    const socket = new SimSocket(conn, this.send);
    const broker = /^broker-(\d+)$/.exec(host);
    if (!broker || Number(port) !== 9092) {
      this.soon(() =>
        socket.emit(
          'error',
          new Error(
            `getaddrinfo ENOTFOUND ${host}: the simulated brokers are broker-1:9092, broker-2:9092, …`,
          ),
        ),
      );
      return socket;
    }
    this.sockets.set(conn, socket);
    this.send({ kind: 'open', conn, broker: Number(broker[1]) });
    this.soon(onConnect);
    return socket;
  };

  /** Output of a batch: bytes to their sockets, closes as the socket's end. */
  deliver(out: readonly WireOut[]): void {
    for (const o of out) {
      const socket = this.sockets.get(o.conn);
      if (!socket) continue;
      if (o.kind === 'data') socket.emit('data', NodeBuffer.from(o.bytes));
      else {
        this.sockets.delete(o.conn);
        socket.ended = true;
        socket.emit('end');
      }
    }
  }
}
