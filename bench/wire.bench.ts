/**
 * Records/s that unmodified KafkaJS produces into the simulated cluster through the wire front end,
 * as a ratio to the built-in producer on the same cluster shape (acks=all, RF=3). KafkaJS's
 * socketFactory hands it an in-process socket whose bytes go straight to a WireHost (the shape the
 * browser's Code tool socket will take; no TCP), and virtual time runs as fast as it can.
 */
import { EventEmitter } from 'node:events';
import { performance } from 'node:perf_hooks';
import { Kafka, logLevel, type ISocketFactory } from 'kafkajs';
import { WireHost } from '../src/wire/index';
import { report } from './measure';
import { benchCluster, benchRecords, builtInProduceRate } from './builtin-produce';

const RECORDS = 20_000;
const BATCH = 500;
const PARTITIONS = 12;

async function kafkajs(): Promise<number> {
  const sim = benchCluster(PARTITIONS);
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
  const all = benchRecords(RECORDS);
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
  const builtIn = () => builtInProduceRate(PARTITIONS, RECORDS, () => performance.now());
  const base = Math.max(builtIn(), builtIn());
  const real = Math.max(await kafkajs(), await kafkajs());
  report(
    'KafkaJS 2.2.4 produce through the wire front end (in-process socket, acks=all RF=3)',
    real,
    base,
    'records/s',
  );
}
