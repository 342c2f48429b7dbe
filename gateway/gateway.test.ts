/**
 * Real clients against the simulated cluster, through the gateway on loopback ports 19092+:
 * KafkaJS 2.2.4 (npm) and kcat (Debian). Every request they make travels the simulated network as
 * an RPC of node `client:<client.id>`, so these tests also check the trace for those RPCs.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Kafka, logLevel, type Consumer, type EachMessagePayload } from 'kafkajs';
import type { EngineEvent } from '../src/engine/index';
import { startGateway, type Gateway } from './gateway';

type RpcSent = Extract<EngineEvent, { type: 'rpc.sent' }>;

function rpcs(gw: Gateway, from: string, kind: string): RpcSent[] {
  return gw.sim
    .events()
    .filter((e): e is RpcSent => e.type === 'rpc.sent' && e.from === from && e.kind === kind);
}

async function until(what: string, done: () => boolean, ms = 30_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!done()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

function kafkaFor(gw: Gateway, clientId: string): Kafka {
  return new Kafka({ clientId, brokers: [gw.bootstrap], logLevel: logLevel.NOTHING });
}

async function createTopic(gw: Gateway, topic: string, numPartitions: number): Promise<void> {
  const admin = kafkaFor(gw, 'admin').admin();
  await admin.connect();
  try {
    expect(await admin.createTopics({ topics: [{ topic, numPartitions, replicationFactor: 3 }] })).toBe(true);
  } finally {
    await admin.disconnect();
  }
}

describe('KafkaJS 2.2.4 against the gateway', () => {
  let gw: Gateway;
  beforeAll(async () => {
    gw = await startGateway({ basePort: 19092, seed: 7 });
  });
  afterAll(async () => {
    await gw?.stop();
  });

  it('produces with acks=all; each Produce is an RPC of the client node, and the leader logs it', async () => {
    await createTopic(gw, 'orders', 3);
    const producer = kafkaFor(gw, 'shop').producer();
    await producer.connect();
    try {
      const res = await producer.send({
        topic: 'orders',
        acks: -1,
        messages: [
          { key: 'alice', value: 'book' },
          { key: 'bob', value: 'lamp' },
        ],
      });
      expect(res.every((r) => r.errorCode === 0)).toBe(true);
      const sent = rpcs(gw, 'client:shop', 'Produce');
      expect(sent.length).toBeGreaterThan(0);
      expect((sent[0]!.body as { acks: number }).acks).toBe(-1);
      for (const r of res) {
        const leader = gw.sim.snapshot().topics.find((t) => t.name === 'orders')!.partitions[r.partition]!
          .leader!;
        const values = gw.sim.readLog(leader, 'orders', r.partition).map((x) => x.value);
        expect(values.length).toBeGreaterThan(0);
        expect(values.every((v) => v === 'book' || v === 'lamp')).toBe(true);
      }
    } finally {
      await producer.disconnect();
    }
  }, 60_000);

  it('an idempotent producer gets a producer id and numbers its batches', async () => {
    await createTopic(gw, 'payments', 1);
    const producer = kafkaFor(gw, 'payer').producer({ idempotent: true });
    await producer.connect();
    try {
      await producer.send({ topic: 'payments', acks: -1, messages: [{ value: 'p1' }] });
      await producer.send({ topic: 'payments', acks: -1, messages: [{ value: 'p2' }, { value: 'p3' }] });
      expect(rpcs(gw, 'client:payer', 'InitProducerId').length).toBe(1);
      const leader = gw.sim.snapshot().topics.find((t) => t.name === 'payments')!.partitions[0]!.leader!;
      const log = gw.sim.readLog(leader, 'payments', 0);
      expect(log.map((r) => r.value)).toEqual(['p1', 'p2', 'p3']);
      expect(log[0]!.producerId).toBeGreaterThanOrEqual(0);
      expect(new Set(log.map((r) => r.producerId)).size).toBe(1);
      expect(log.map((r) => r.sequence)).toEqual([0, 1, 2]);
    } finally {
      await producer.disconnect();
    }
  }, 60_000);

  it('a transaction: read_committed consumers see the committed records, never the aborted ones', async () => {
    await createTopic(gw, 'ledger', 1);
    const producer = kafkaFor(gw, 'bank').producer({
      transactionalId: 'bank-tx',
      idempotent: true,
      maxInFlightRequests: 1,
    });
    await producer.connect();
    let consumer: Consumer | null = null;
    try {
      const t1 = await producer.transaction();
      await t1.send({ topic: 'ledger', messages: [{ value: 'committed-1' }, { value: 'committed-2' }] });
      await t1.commit();
      const t2 = await producer.transaction();
      await t2.send({ topic: 'ledger', messages: [{ value: 'aborted-1' }] });
      await t2.abort();
      const t3 = await producer.transaction();
      await t3.send({ topic: 'ledger', messages: [{ value: 'committed-3' }] });
      await t3.commit();
      expect(rpcs(gw, 'client:bank', 'EndTxn').length).toBe(3);

      const leader = gw.sim.snapshot().topics.find((t) => t.name === 'ledger')!.partitions[0]!.leader!;
      await until(
        'the markers',
        () => gw.sim.readLog(leader, 'ledger', 0).filter((r) => r.control).length === 3,
      );
      expect(gw.sim.readLog(leader, 'ledger', 0).some((r) => r.value === 'aborted-1')).toBe(true);

      const seen: string[] = [];
      consumer = kafkaFor(gw, 'auditor').consumer({ groupId: 'auditors', readUncommitted: false });
      await consumer.connect();
      await consumer.subscribe({ topics: ['ledger'], fromBeginning: true });
      await consumer.run({ eachMessage: async ({ message }) => void seen.push(message.value!.toString()) });
      await until('the committed records', () => seen.length >= 3);
      await new Promise((r) => setTimeout(r, 500));
      expect(seen).toEqual(['committed-1', 'committed-2', 'committed-3']);
      const fetches = rpcs(gw, 'client:auditor', 'Fetch');
      expect((fetches[0]!.body as { isolationLevel: string }).isolationLevel).toBe('read_committed');
    } finally {
      await consumer?.disconnect();
      await producer.disconnect();
    }
  }, 90_000);

  it('two consumers in a group: the second join rebalances the partitions between them', async () => {
    await createTopic(gw, 'events', 4);
    const producer = kafkaFor(gw, 'events-src').producer();
    await producer.connect();
    const got = new Map<string, Set<string>>([
      ['c1', new Set()],
      ['c2', new Set()],
    ]);
    const consumers: Consumer[] = [];
    const start = async (name: string) => {
      const c = kafkaFor(gw, name).consumer({ groupId: 'readers' });
      consumers.push(c);
      await c.connect();
      await c.subscribe({ topics: ['events'], fromBeginning: true });
      await c.run({
        eachMessage: async (p: EachMessagePayload) => void got.get(name)!.add(p.message.value!.toString()),
      });
    };
    try {
      const batch = (from: number) =>
        Array.from({ length: 20 }, (_, i) => ({ key: `k${from + i}`, value: `e${from + i}` }));
      await producer.send({ topic: 'events', acks: -1, messages: batch(0) });
      await start('c1');
      await until('c1 to read the first batch', () => got.get('c1')!.size === 20);
      await start('c2');
      const group = () => gw.sim.snapshot().groups.find((g) => g.groupId === 'readers');
      await until('a rebalance to two members', () => {
        const g = group();
        return (
          g?.state === 'Stable' && g.members.length === 2 && g.members.every((m) => m.assignment.length === 2)
        );
      });
      expect(group()!.generation).toBeGreaterThanOrEqual(2);
      await producer.send({ topic: 'events', acks: -1, messages: batch(20) });
      await until('both batches read', () => new Set([...got.get('c1')!, ...got.get('c2')!]).size === 40);
      expect(got.get('c2')!.size).toBeGreaterThan(0);
      expect(rpcs(gw, 'client:c2', 'JoinGroup').length).toBeGreaterThan(0);
      expect(rpcs(gw, 'client:c1', 'JoinGroup').length).toBeGreaterThanOrEqual(2); // c1 rejoined
    } finally {
      for (const c of consumers) await c.disconnect();
      await producer.disconnect();
    }
  }, 120_000);
});

describe('a fault mid-test: the partition leader crashes', () => {
  let gw: Gateway;
  beforeAll(async () => {
    // A shorter broker session so the controller fences the dead broker within a few seconds.
    gw = await startGateway({
      basePort: 19104,
      seed: 3,
      brokerConfig: { 'broker.session.timeout.ms': 3000 },
    });
  });
  afterAll(async () => {
    await gw?.stop();
  });

  it('KafkaJS finds the new leader and its send succeeds', async () => {
    await createTopic(gw, 'critical', 1);
    const producer = new Kafka({
      clientId: 'survivor',
      brokers: [gw.bootstrap, '127.0.0.1:19105', '127.0.0.1:19106'],
      logLevel: logLevel.NOTHING,
      retry: { retries: 12, initialRetryTime: 200, maxRetryTime: 2000 },
    }).producer();
    await producer.connect();
    try {
      await producer.send({ topic: 'critical', acks: -1, messages: [{ value: 'before' }] });
      const oldLeader = gw.sim.snapshot().topics.find((t) => t.name === 'critical')!.partitions[0]!.leader!;
      await gw.dispatch({ type: 'broker.crash', broker: oldLeader });
      const res = await producer.send({ topic: 'critical', acks: -1, messages: [{ value: 'after' }] });
      expect(res[0]!.errorCode).toBe(0);
      const newLeader = gw.sim.snapshot().topics.find((t) => t.name === 'critical')!.partitions[0]!.leader!;
      expect(newLeader).not.toBe(oldLeader);
      expect(gw.sim.readLog(newLeader, 'critical', 0).map((r) => r.value)).toEqual(['before', 'after']);
      // The retried Produce went to the new leader, through the simulated network.
      expect(rpcs(gw, 'client:survivor', 'Produce').at(-1)!.to).toBe(`broker-${newLeader}`);
    } finally {
      await producer.disconnect();
    }
  }, 90_000);
});

const KCAT = '/usr/bin/kcat';
const hasKcat = existsSync(KCAT);
if (!hasKcat) console.warn(`skipping the kcat tests: ${KCAT} is missing (.ci/run installs the kcat package)`);

describe.skipIf(!hasKcat)('kcat (librdkafka) against the gateway', () => {
  let gw: Gateway;
  beforeAll(async () => {
    gw = await startGateway({ basePort: 19100, seed: 5 });
  });
  afterAll(async () => {
    await gw?.stop();
  });
  // Asynchronous: the gateway serving kcat runs in this process's event loop.
  const kcat = (args: string[], input = '') =>
    new Promise<string>((resolve, reject) => {
      const child = execFile(KCAT, ['-b', gw.bootstrap, ...args], { timeout: 30_000 }, (err, out, errOut) =>
        err ? reject(new Error(`${err.message}\n${errOut}`)) : resolve(out),
      );
      child.stdin?.end(input);
    });

  it('lists metadata, produces and consumes', async () => {
    await createTopic(gw, 'lines', 2);
    const listing = await kcat(['-L']);
    expect(listing).toContain('3 brokers:');
    expect(listing).toContain('broker 2 at 127.0.0.1:19101');
    expect(listing).toMatch(/topic "lines" with 2 partitions/);

    await kcat(['-P', '-t', 'lines', '-p', '0', '-K', ':'], 'a:one\nb:two\nc:three\n');
    expect(rpcs(gw, 'client:rdkafka', 'Produce').length).toBeGreaterThan(0);
    const out = await kcat(['-C', '-t', 'lines', '-p', '0', '-o', 'beginning', '-e', '-f', '%k=%s@%o\n']);
    expect(out.trim().split('\n')).toEqual(['a=one@0', 'b=two@1', 'c=three@2']);
    expect(rpcs(gw, 'client:rdkafka', 'Fetch').length).toBeGreaterThan(0);
  }, 90_000);
});
