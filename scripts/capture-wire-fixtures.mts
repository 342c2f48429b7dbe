/**
 * Captures the bytes real clients send (KafkaJS 2.2.4 from npm, kcat from Debian) and what the
 * gateway answers, one request/response pair per API and version, into src/wire/fixtures/*.json.
 * Run: npx tsx scripts/capture-wire-fixtures.mts   (needs /usr/bin/kcat for the kcat file)
 */
import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { Kafka, logLevel } from 'kafkajs';
import { startGateway } from '../gateway/gateway';
import { decodeRequest } from '../src/wire/index';

interface Pair {
  api: string;
  version: number;
  request: string;
  response: string | null;
}

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

async function capture(basePort: number, work: (bootstrap: string) => Promise<void>): Promise<Pair[]> {
  const gw = await startGateway({ basePort });
  const pairs = new Map<string, Pair>();
  const pending = new Map<string, Pair>();
  gw.host.onFrame = (conn, direction, frame) => {
    const dv = new DataView(frame.buffer, frame.byteOffset, frame.byteLength);
    if (direction === 'request') {
      const { header, api } = decodeRequest(frame);
      const key = `${api?.name ?? header.apiKey} v${header.apiVersion}`;
      if (pairs.has(key)) return;
      const pair: Pair = {
        api: api?.name ?? String(header.apiKey),
        version: header.apiVersion,
        request: hex(frame),
        response: null,
      };
      pairs.set(key, pair);
      pending.set(`${conn}:${header.correlationId}`, pair);
    } else {
      const pair = pending.get(`${conn}:${dv.getInt32(0)}`);
      if (pair && pair.response === null) pair.response = hex(frame);
    }
  };
  try {
    await work(gw.bootstrap);
  } finally {
    await gw.stop();
  }
  return [...pairs.values()].sort((a, b) => a.api.localeCompare(b.api) || a.version - b.version);
}

const kafkajs = await capture(19100, async (bootstrap) => {
  const kafka = new Kafka({ clientId: 'capture', brokers: [bootstrap], logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({
    topics: [
      { topic: 'orders', numPartitions: 2, replicationFactor: 3 },
      { topic: 'gone', numPartitions: 1, replicationFactor: 1 },
    ],
  });
  await admin.deleteTopics({ topics: ['gone'] });
  const producer = kafka.producer({ idempotent: true });
  await producer.connect();
  await producer.send({
    topic: 'orders',
    acks: -1,
    messages: [{ key: 'k1', value: 'v1', headers: { h: 'x' } }],
  });
  await producer.disconnect();
  const consumer = kafka.consumer({ groupId: 'capture-group' });
  await consumer.connect();
  await consumer.subscribe({ topics: ['orders'], fromBeginning: true });
  await new Promise<void>((resolve) => void consumer.run({ eachMessage: async () => resolve() }));
  await consumer.disconnect();
  const txp = kafka.producer({ transactionalId: 'capture-tx', idempotent: true, maxInFlightRequests: 1 });
  await txp.connect();
  const txn = await txp.transaction();
  await txn.send({ topic: 'orders', messages: [{ key: 'k2', value: 'v2' }] });
  await txn.sendOffsets({
    consumerGroupId: 'capture-group',
    topics: [{ topic: 'orders', partitions: [{ partition: 0, offset: '1' }] }],
  });
  await txn.commit();
  await txp.disconnect();
  await admin.listGroups();
  await admin.describeGroups(['capture-group']);
  await admin.disconnect();
});
writeFileSync('src/wire/fixtures/kafkajs-2.2.4.json', JSON.stringify(kafkajs, null, 1) + '\n');
console.log(`kafkajs: ${kafkajs.map((p) => `${p.api} v${p.version}`).join(', ')}`);

const kcat = await capture(19110, async (bootstrap) => {
  // Asynchronous: the gateway answering kcat runs in this same process.
  const run = (args: string[], input?: string) =>
    new Promise<string>((resolve, reject) => {
      const child = execFile('/usr/bin/kcat', ['-b', bootstrap, ...args], { timeout: 20_000 }, (err, out) =>
        err ? reject(err) : resolve(out),
      );
      child.stdin?.end(input ?? '');
    });
  const kafka = new Kafka({ clientId: 'setup', brokers: [bootstrap], logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic: 'lines', numPartitions: 1, replicationFactor: 3 }] });
  await admin.disconnect();
  await run(['-L']);
  await run(['-P', '-t', 'lines', '-K', ':'], 'a:one\nb:two\n');
  await run(['-C', '-t', 'lines', '-o', 'beginning', '-e']);
});
// The topic is created with KafkaJS: keep only what kcat itself sent.
const fromKcat = kcat.filter(
  (p) => p.api !== 'CreateTopics' && !p.request.includes(Buffer.from('setup').toString('hex')),
);
writeFileSync('src/wire/fixtures/kcat.json', JSON.stringify(fromKcat, null, 1) + '\n');
console.log(`kcat: ${kcat.map((p) => `${p.api} v${p.version}`).join(', ')}`);
