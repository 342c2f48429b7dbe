/**
 * Records/s that unmodified KafkaJS produces through the Code tool's socket path, as a ratio to
 * the built-in producer on the same cluster shape (acks=all, RF=3, 12 partitions). The path is the
 * browser's without the two postMessage hops: the Code tool's sockets (sim-socket.ts) and clock
 * (virtual-clock.ts), the engine worker's WireBridge, every request a recorded `client.request`
 * command on the session's Timeline (src/code/node-session.ts). Virtual time moves 5 ms per real
 * turn, as fast as the machine goes; the figure is what that path costs over the engine itself.
 */
import { createSimulation, type Simulation } from '../src/engine/index';
import { enqueueRecords } from '../src/engine/testing/bench-kit';
import { startNodeCodeSession, readyTimeline } from '../src/code/node-session';
import { report } from './measure';

const RECORDS = 20_000;
const BATCH = 500;
const PARTITIONS = 12;
const SEED = 1;

/** The wall clock, taken before the code session puts the simulation's clock in its place. */
const wallNow = performance.now.bind(performance);

const records = () =>
  Array.from({ length: RECORDS }, (_, i) => ({ key: `user-${i % 5000}`, value: 'x'.repeat(100) }));

function builtIn(): number {
  const sim: Simulation = createSimulation({ seed: SEED, brokers: 3 });
  sim.runUntil((s) => s.snapshot().brokers.every((b) => b.state === 'unfenced'), 20_000);
  sim.dispatch({ type: 'topic.create', topic: 'bench', partitions: PARTITIONS, replicationFactor: 3 });
  sim.runFor(2000);
  sim.dispatch({ type: 'producer.create', producer: 'load', config: { acks: 'all', 'linger.ms': 5 } });
  sim.runFor(500);
  const start = wallNow();
  enqueueRecords(sim, 'load', 'bench', records());
  let acked = 0;
  for (let guard = 0; guard < 10_000 && acked < RECORDS; guard++) {
    sim.runFor(50);
    acked = sim.snapshot().producers[0]!.acked;
  }
  if (acked !== RECORDS) throw new Error(`built-in: only ${acked} acked`);
  return (RECORDS / (wallNow() - start)) * 1000;
}

async function throughCodeSockets(): Promise<number> {
  const timeline = readyTimeline(SEED);
  timeline.dispatch({ type: 'topic.create', topic: 'bench', partitions: PARTITIONS, replicationFactor: 3 });
  timeline.advance(2000);
  const session = startNodeCodeSession(timeline);
  try {
    const { Kafka, logLevel } = await import('kafkajs');
    const kafka = new Kafka({
      clientId: 'bench',
      brokers: ['broker-1:9092'],
      socketFactory: session.socketFactory as never,
      logLevel: logLevel.NOTHING,
    });
    const producer = kafka.producer();
    await producer.connect();
    const all = records();
    const start = wallNow();
    for (let i = 0; i < all.length; i += BATCH)
      await producer.send({ topic: 'bench', acks: -1, messages: all.slice(i, i + BATCH) });
    const rate = (RECORDS / (wallNow() - start)) * 1000;
    await producer.disconnect();
    return rate;
  } finally {
    session.close();
  }
}

export async function benchCodeSocket(): Promise<void> {
  const base = Math.max(builtIn(), builtIn());
  const real = Math.max(await throughCodeSockets(), await throughCodeSockets());
  report(
    'KafkaJS 2.2.4 produce through the Code tool socket path (WireBridge on the Timeline, virtual clock, acks=all RF=3)',
    real,
    base,
    'records/s',
  );
}
