/**
 * Records/s that unmodified KafkaJS produces into the simulated cluster through the wire front end,
 * as a ratio to the built-in producer on the same cluster shape (acks=all, RF=3). KafkaJS's
 * socketFactory hands it an in-process socket whose bytes go straight to a WireHost (the shape the
 * browser's Code tool socket will take; no TCP), and virtual time runs as fast as it can.
 */
import { EventEmitter } from 'node:events';
import { performance } from 'node:perf_hooks';
import { Kafka, logLevel, type ISocketFactory } from 'kafkajs';
import { createSimulation, type Simulation } from '../src/engine/index';
import { enqueueRecords } from '../src/engine/testing/bench-kit';
import { WireHost } from '../src/wire/index';
import { report } from './measure';

const RECORDS = 20_000;
const BATCH = 500;
const PARTITIONS = 12;

function cluster(): Simulation {
  const sim = createSimulation({ seed: 1, brokers: 3 });
  sim.runUntil((s) => s.snapshot().brokers.every((b) => b.state === 'unfenced'), 20_000);
  sim.dispatch({ type: 'topic.create', topic: 'bench', partitions: PARTITIONS, replicationFactor: 3 });
  sim.runFor(2000);
  return sim;
}

const records = () =>
  Array.from({ length: RECORDS }, (_, i) => ({ key: `user-${i % 5000}`, value: 'x'.repeat(100) }));

function builtIn(): number {
  const sim = cluster();
  sim.dispatch({ type: 'producer.create', producer: 'load', config: { acks: 'all', 'linger.ms': 5 } });
  sim.runFor(500);
  const start = performance.now();
  enqueueRecords(sim, 'load', 'bench', records());
  let acked = 0;
  for (let guard = 0; guard < 10_000 && acked < RECORDS; guard++) {
    sim.runFor(50);
    acked = sim.snapshot().producers[0]!.acked;
  }
  if (acked !== RECORDS) throw new Error(`built-in: only ${acked} acked`);
  return (RECORDS / (performance.now() - start)) * 1000;
}

async function kafkajs(): Promise<number> {
  const sim = cluster();
  const host = new WireHost(sim, { clusterId: 'bench', address: (id) => ({ host: 'sim', port: id }) });
  const socketFactory: ISocketFactory = ({ port, onConnect }) => {
    const socket = new EventEmitter() as EventEmitter & Record<string, unknown>;
    const conn = host.open(port, {
      write: (b) => setImmediate(() => socket.emit('data', Buffer.from(b))),
      close: () => setImmediate(() => socket.emit('end')),
    });
    Object.assign(socket, {
      write: (data: Buffer) => (host.receive(conn, new Uint8Array(data)), true),
      end: () => host.close(conn),
      destroy: () => host.close(conn),
      setKeepAlive: () => socket,
      setTimeout: () => socket,
      unref: () => socket,
    });
    setImmediate(onConnect);
    return socket as never;
  };
  let running = true;
  const pump = () => {
    if (!running) return;
    host.onEvents(sim.runFor(5));
    setImmediate(pump);
  };
  pump();
  const kafka = new Kafka({
    clientId: 'bench',
    brokers: ['sim:1'],
    socketFactory,
    logLevel: logLevel.NOTHING,
  });
  const producer = kafka.producer();
  await producer.connect();
  const all = records();
  const start = performance.now();
  for (let i = 0; i < all.length; i += BATCH) {
    await producer.send({ topic: 'bench', acks: -1, messages: all.slice(i, i + BATCH) });
  }
  const rate = (RECORDS / (performance.now() - start)) * 1000;
  await producer.disconnect();
  running = false;
  return rate;
}

export async function benchWire(): Promise<void> {
  const base = Math.max(builtIn(), builtIn());
  const real = Math.max(await kafkajs(), await kafkajs());
  report(
    'KafkaJS 2.2.4 produce through the wire front end (in-process socket, acks=all RF=3)',
    real,
    base,
    'records/s',
  );
}
