/**
 * The local gateway: the engine in Node at wall-clock speed, with one Kafka listener per simulated
 * broker on 127.0.0.1 (broker N on basePort + N - 1, as advertised in Metadata), so kcat, KafkaJS
 * and other real clients can talk to it. Every request becomes an RPC of the simulated network
 * (src/wire/wire-host.ts); the clock advances by the wall time that passed, every tick.
 */
import net from 'node:net';
import {
  createSimulation,
  type EngineEvent,
  type Simulation,
  type SimulationOptions,
} from '../src/engine/index';
import { WireHost, type WireLogEntry } from '../src/wire/index';

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
  /** Called with the events of every tick (for a UI or a log). */
  onEvents?: (events: readonly EngineEvent[]) => void;
}

export interface Gateway {
  sim: Simulation;
  host: WireHost;
  ports: number[];
  bootstrap: string;
  /** Run `fn` against the simulation between ticks (commands, faults). */
  stop(): Promise<void>;
}

/** Let the controller quorum elect a leader and every broker register before anyone connects. */
function warmUp(sim: Simulation, brokers: number): void {
  const ready = (s: Simulation) =>
    s.snapshot().brokers.filter((b) => b.state === 'unfenced').length === brokers;
  if (!sim.runUntil(ready, 60_000))
    throw new Error('the simulated cluster did not start within 60 s of virtual time');
}

export async function startGateway(options: GatewayOptions = {}): Promise<Gateway> {
  const brokers = options.brokers ?? 3;
  const hostname = options.host ?? '127.0.0.1';
  const basePort = options.basePort ?? 9092;
  const speed = options.speed ?? 1;
  const sim = createSimulation({
    seed: options.seed ?? 1,
    brokers,
    brokerConfig: options.brokerConfig ?? {},
  });
  warmUp(sim, brokers);

  const host = new WireHost(sim, {
    clusterId: 'streamlab',
    address: (id) => ({ host: hostname, port: basePort + id - 1 }),
  });
  host.onLog = options.onRequest ?? null;

  const servers: net.Server[] = [];
  const sockets = new Set<net.Socket>();
  for (let broker = 1; broker <= brokers; broker++) {
    const server = net.createServer((socket) => {
      socket.setNoDelay(true);
      sockets.add(socket);
      const conn = host.open(broker, {
        write: (bytes) => {
          if (!socket.destroyed) socket.write(bytes);
        },
        close: () => socket.destroy(),
      });
      socket.on('data', (chunk: Buffer) => {
        host.receive(conn, new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength));
      });
      socket.on('close', () => {
        sockets.delete(socket);
        host.close(conn, 'client closed');
      });
      socket.on('error', () => socket.destroy());
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(basePort + broker - 1, hostname, () => resolve());
    });
    servers.push(server);
  }

  // Wall-clock time drives virtual time; fractions of a ms carry over to the next tick.
  let last = performance.now();
  let carryMs = 0;
  const timer = setInterval(() => {
    const now = performance.now();
    carryMs += (now - last) * speed;
    last = now;
    const whole = Math.floor(carryMs);
    if (whole <= 0) return;
    carryMs -= whole;
    const events = sim.runFor(whole);
    host.onEvents(events);
    options.onEvents?.(events);
  }, options.tickMs ?? 2);

  return {
    sim,
    host,
    ports: servers.map((_, i) => basePort + i),
    bootstrap: `${hostname}:${basePort}`,
    async stop() {
      clearInterval(timer);
      host.closeAll();
      for (const s of sockets) s.destroy();
      await Promise.all(servers.map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
    },
  };
}
