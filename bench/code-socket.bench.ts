/**
 * Records/s that unmodified KafkaJS produces through the Code tool's socket path, as a ratio to
 * the built-in producer on the same cluster shape (acks=all, RF=3, 12 partitions). The path is the
 * browser's without the two postMessage hops: the Code tool's sockets (sim-socket.ts) and clock
 * (virtual-clock.ts), the engine worker's WireBridge, every request a recorded `client.request`
 * command on the session's Timeline (src/code/node-session.ts). Virtual time moves 5 ms per real
 * turn, as fast as the machine goes; the figure is what that path costs over the engine itself.
 */
import { startNodeCodeSession, readyTimeline } from '../src/code/node-session';
import { report } from './measure';
import { BENCH_SEED, benchRecords, builtInProduceRate } from './builtin-produce';

const RECORDS = 20_000;
const BATCH = 500;
const PARTITIONS = 12;

/** The wall clock, taken before the code session puts the simulation's clock in its place. */
const wallNow = performance.now.bind(performance);

async function throughCodeSockets(): Promise<number> {
  const timeline = readyTimeline(BENCH_SEED);
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
    const all = benchRecords(RECORDS);
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
  const builtIn = () => builtInProduceRate(PARTITIONS, RECORDS, wallNow);
  const base = Math.max(builtIn(), builtIn());
  const real = Math.max(await throughCodeSockets(), await throughCodeSockets());
  report(
    'KafkaJS 2.2.4 produce through the Code tool socket path (WireBridge on the Timeline, virtual clock, acks=all RF=3)',
    real,
    base,
    'records/s',
  );
}
