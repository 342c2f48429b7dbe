/**
 * The local gateway: the engine in Node at wall-clock speed, with one Kafka listener per simulated
 * broker on 127.0.0.1 (broker N on basePort + N - 1, as advertised in Metadata), so kcat, KafkaJS
 * and other real clients can talk to it. The session is the same EngineHost the page's worker runs
 * (src/worker/engine-host.ts), with its Timeline: every request a client sends is a recorded
 * `client.request` command (src/worker/wire-bridge.ts), and pages attached over a WebSocket
 * (./viewers.ts) watch the very batches it produces. The clock advances by the wall time that
 * passed, every tick; nobody else moves it.
 */
import net from 'node:net';
import type { Command, CommandId, Simulation, SimulationOptions } from '../src/engine/index';
import type { WireLogEntry } from '../src/wire/index';
import { EngineHost } from '../src/worker/engine-host';
import type { Batch, WorkerMessage, WorkerRequest } from '../src/bridge/protocol';
import { MemorySessionStore } from '../src/worker/session-store';
import { LocalLockRegistry } from '../src/bridge/session-locks';
import type { Timeline } from '../src/worker/timeline';
import type { WireAction, WireOut } from '../src/bridge/wire-types';

export interface GatewayOptions {
  brokers?: number;
  seed?: number;
  host?: string;
  /** Broker 1 listens here, broker N on basePort + N - 1. */
  basePort?: number;
  /** Virtual ms per wall ms (1: wall-clock speed). */
  speed?: number;
  tickMs?: number;
  brokerConfig?: SimulationOptions['brokerConfig'];
  /** Called with every request (for a log). */
  onRequest?: (e: WireLogEntry) => void;
}

/** Whoever sent a request to the engine host: the gateway itself, or an attached page. */
export interface EngineMessageRouter {
  /** Every message the host posts that does not answer one of the gateway's own requests. */
  deliver(message: WorkerMessage, origin: RequestOrigin | undefined): void;
}

export interface RequestOrigin {
  viewer: number;
  requestId: number;
}

export interface Gateway {
  /** The running simulation (the session's timeline's): read it, never dispatch on it directly. */
  readonly sim: Simulation;
  readonly timeline: Timeline;
  readonly engine: EngineHost;
  ports: number[];
  bootstrap: string;
  /** Apply a command through the session's timeline (recorded, as a click in the page would be). */
  dispatch(command: Command): Promise<CommandId>;
  /** Send a request to the engine on behalf of an attached page (./viewers.ts). */
  request(request: WorkerRequest, origin: RequestOrigin): void;
  /** Where messages for attached pages go (set by ./viewers.ts). */
  router: EngineMessageRouter | null;
  /** A socket action of an attached page's Code tool, under a connection id the gateway chose. */
  nextConnId(): number;
  stop(): Promise<void>;
}

type Settle = (message: WorkerMessage) => void;

export async function startGateway(options: GatewayOptions = {}): Promise<Gateway> {
  const brokers = options.brokers ?? 3;
  const hostname = options.host ?? '127.0.0.1';
  const basePort = options.basePort ?? 9092;
  const speed = options.speed ?? 1;

  let requestIds = 0;
  let connIds = 0;
  /** The gateway's own requests waiting for their answer. */
  const own = new Map<number, Settle>();
  /** Pages' requests under the gateway's ids, back to theirs. */
  const forwarded = new Map<number, RequestOrigin>();
  let router: EngineMessageRouter | null = null;
  /** A failure before any page is attached goes to the console (nobody else would see it). */
  const deliver = (message: WorkerMessage, origin: RequestOrigin | undefined) => {
    if (router) router.deliver(message, origin);
    else if (message.type === 'fault') console.error(`StreamLab gateway: ${message.message}`);
  };
  /** TCP connections by the gateway's connection id. */
  const sockets = new Map<number, net.Socket>();

  const routeWire = (out: readonly WireOut[] | undefined): void => {
    for (const o of out ?? []) {
      const socket = sockets.get(o.conn);
      if (!socket) continue; // an attached page's Code tool: ./viewers.ts routes it
      if (o.kind === 'data') {
        if (!socket.destroyed) socket.write(o.bytes);
      } else {
        sockets.delete(o.conn);
        socket.destroy();
      }
    }
  };

  const post = (message: WorkerMessage): void => {
    if ('batch' in message && message.batch) routeWire(message.batch.wire);
    const id = 'requestId' in message ? message.requestId : undefined;
    if (id !== undefined && own.has(id)) {
      own.get(id)!(message);
      own.delete(id);
      // Its batch (a TCP client's request, the gateway's command) is news for the pages too.
      if ('batch' in message && message.batch) deliver(asBroadcast(message.batch), undefined);
      return;
    }
    const origin = id === undefined ? undefined : forwarded.get(id);
    if (id !== undefined) forwarded.delete(id);
    deliver(message, origin);
  };

  const engine = new EngineHost({
    post,
    openStore: () =>
      Promise.resolve({ store: new MemorySessionStore(), persistent: false, reason: 'gateway' }),
    locks: new LocalLockRegistry().tab(),
    newId: () => `gateway-${Date.now().toString(36)}`,
    wire: {
      address: (id) => ({ host: hostname, port: basePort + id - 1 }),
      ...(options.onRequest ? { onLog: options.onRequest } : {}),
    },
  });

  const ask = (make: (requestId: number) => WorkerRequest): Promise<WorkerMessage> =>
    new Promise((resolve) => {
      const requestId = ++requestIds;
      own.set(requestId, resolve);
      void engine.receive(make(requestId));
    });
  const wire = (action: WireAction) => void ask((requestId) => ({ type: 'wire', requestId, action }));

  await engine.receive({
    type: 'init',
    open: {
      kind: 'fresh',
      session: { options: { seed: options.seed ?? 1, brokers, brokerConfig: options.brokerConfig ?? {} } },
    },
  });
  const timeline = engine.current!.timeline;
  // Let the controller quorum elect a leader and every broker register before anyone connects.
  const ready = () =>
    timeline.sim.snapshot().brokers.filter((b) => b.state === 'unfenced').length === brokers;
  for (let waited = 0; !ready(); waited += 100) {
    if (waited >= 60_000) throw new Error('the simulated cluster did not start within 60 s of virtual time');
    await engine.receive({ type: 'advance', ms: 100 });
  }

  const servers: net.Server[] = [];
  for (let broker = 1; broker <= brokers; broker++) {
    const server = net.createServer((socket) => {
      socket.setNoDelay(true);
      const conn = ++connIds;
      sockets.set(conn, socket);
      wire({ kind: 'open', conn, broker });
      socket.on('data', (chunk: Buffer) => {
        wire({ kind: 'data', conn, bytes: new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength) });
      });
      socket.on('close', () => {
        if (sockets.delete(conn)) wire({ kind: 'close', conn });
      });
      socket.on('error', () => socket.destroy());
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(basePort + broker - 1, hostname, () => resolve());
    });
    servers.push(server);
  }

  // Wall-clock time drives virtual time; fractions of a ms carry over. A tick the engine has not
  // finished yet is not stacked: its time is added to the next one.
  let last = performance.now();
  let carryMs = 0;
  let busy = false;
  const timer = setInterval(() => {
    const now = performance.now();
    carryMs += (now - last) * speed;
    last = now;
    const whole = Math.floor(carryMs);
    if (whole <= 0 || busy) return;
    carryMs -= whole;
    busy = true;
    void engine.receive({ type: 'advance', ms: whole }).finally(() => (busy = false));
  }, options.tickMs ?? 4);

  const gateway: Gateway = {
    get sim() {
      return timeline.sim;
    },
    timeline,
    engine,
    ports: servers.map((_, i) => basePort + i),
    bootstrap: `${hostname}:${basePort}`,
    get router() {
      return router;
    },
    set router(r) {
      router = r;
    },
    async dispatch(command) {
      const reply = await ask((requestId) => ({ type: 'dispatch', requestId, command }));
      if (reply.type === 'dispatched') return reply.commandId;
      throw new Error(reply.type === 'rejected' || reply.type === 'fault' ? reply.message : reply.type);
    },
    request(request, origin) {
      if ('requestId' in request) {
        const requestId = ++requestIds;
        forwarded.set(requestId, origin);
        void engine.receive({ ...request, requestId });
      } else void engine.receive(request);
    },
    nextConnId: () => ++connIds,
    async stop() {
      clearInterval(timer);
      for (const socket of sockets.values()) socket.destroy();
      sockets.clear();
      await Promise.all(servers.map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
      await engine.flushed();
    },
  };
  return gateway;
}

/** A batch that answered someone else, as news for a page: a plain step of the gateway's clock. */
export function asBroadcast(batch: Batch): WorkerMessage {
  return { type: 'batch', batch, cause: 'advance' };
}
