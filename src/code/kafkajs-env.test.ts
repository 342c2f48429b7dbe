/**
 * The code worker's world in Node: unmodified KafkaJS with the Code tool's Buffer (node-buffer.ts),
 * its sockets (sim-socket.ts) and the simulation's clock (virtual-clock.ts) against a session's
 * WireBridge. Node's own Buffer and timers are swapped out, so this checks the stand-ins KafkaJS
 * depends on in the browser.
 */
import { describe, expect, it } from 'vitest';
import { EXAMPLES } from '../ui/code/examples';
import { readyTimeline, startNodeCodeSession, type NodeCodeSession } from './node-session';
import { VirtualClock } from './virtual-clock';

describe('the virtual clock', () => {
  it('fires due timers when time moves, and nothing while it stands still', () => {
    const soon: (() => void)[] = [];
    const clock = new VirtualClock(100, (fn) => soon.push(fn));
    const fired: string[] = [];
    clock.setTimeout(() => fired.push('b'), 20);
    clock.setTimeout(() => fired.push('a'), 10);
    clock.advanceTo(105);
    expect(fired).toEqual([]);
    clock.advanceTo(130);
    expect(fired).toEqual(['a', 'b']);
    expect(clock.now()).toBe(130);
  });

  it('runs a zero-delay timer set while firing on the next real turn, not in a synchronous loop', () => {
    const soon: (() => void)[] = [];
    const clock = new VirtualClock(0, (fn) => soon.push(fn));
    let runs = 0;
    const again = () => {
      runs++;
      clock.setTimeout(again, 0);
    };
    clock.setTimeout(again, 5);
    clock.advanceTo(5);
    expect(runs).toBe(1);
    soon.shift()!();
    expect(runs).toBe(2);
  });

  it('asks for one real macrotask at a time, however many zero-delay loops re-arm', () => {
    // KafkaJS's request queues (one per broker connection) each re-arm a zero-delay check forever.
    const soon: (() => void)[] = [];
    const clock = new VirtualClock(0, (fn) => soon.push(fn));
    const runs = [0, 0, 0];
    runs.forEach((_, i) => {
      const again = () => {
        runs[i]!++;
        clock.setTimeout(again, 0);
      };
      clock.setTimeout(again, 0);
    });
    for (let turn = 0; turn < 20; turn++) {
      expect(soon).toHaveLength(1);
      soon.shift()!();
    }
    expect(runs).toEqual([20, 20, 20]);
  });
});

/** Run an example's code as the code worker does (a function body), printing to `lines`. */
async function runCode(
  code: string,
  socketFactory: NodeCodeSession['socketFactory'],
  lines: string[],
): Promise<void> {
  const lib = (await import('kafkajs')) as unknown as Record<string, unknown>;
  const RealKafka = lib.Kafka as new (config: Record<string, unknown>) => object;
  class Kafka extends RealKafka {
    constructor(config: Record<string, unknown>) {
      super({ ...config, socketFactory, logLevel: 0 });
    }
  }
  const require = () => ({ ...lib, Kafka });
  const print = { log: (...a: unknown[]) => lines.push(a.join(' ')) };
  const AsyncFunction = Object.getPrototypeOf(async () => {}).constructor as new (
    ...args: string[]
  ) => (...args: unknown[]) => Promise<unknown>;
  await new AsyncFunction('require', 'console', code)(require, print);
}

describe('KafkaJS in the code worker’s world', () => {
  it('creates a topic and produces with acks=all, on virtual time', async () => {
    const timeline = readyTimeline(3);
    const session = startNodeCodeSession(timeline);
    try {
      const { Kafka, logLevel } = await import('kafkajs');
      const kafka = new Kafka({
        clientId: 'env-test',
        brokers: ['broker-1:9092'],
        socketFactory: session.socketFactory as never,
        logLevel: logLevel.NOTHING,
      });
      const admin = kafka.admin();
      await admin.connect();
      await admin.createTopics({ topics: [{ topic: 'orders', numPartitions: 2, replicationFactor: 3 }] });
      await admin.disconnect();
      const producer = kafka.producer();
      await producer.connect();
      const [sent] = await producer.send({
        topic: 'orders',
        acks: -1,
        messages: [{ key: 'k', value: 'héllo' }],
      });
      expect(sent!.errorCode).toBe(0);
      // The record is in the simulated log as KafkaJS encoded it (UTF-8 through the Buffer stand-in).
      const produced = timeline.sim
        .trace()
        .find((e) => e.type === 'rpc.sent' && e.kind === 'Produce' && e.from === 'client:env-test');
      expect(JSON.stringify(produced)).toContain('héllo');
      await producer.disconnect();
      // KafkaJS stamped the record with the simulation's clock, not the wall clock.
      expect(Date.now()).toBe(timeline.nowMs());
    } finally {
      session.close();
    }
  });

  it('runs the transaction example to its commit in a fresh cluster (AddOffsetsToTxn answered NONE)', async () => {
    const timeline = readyTimeline(5);
    const session = startNodeCodeSession(timeline);
    const lines: string[] = [];
    try {
      await runCode(EXAMPLES.find((e) => e.id === 'transaction')!.code, session.socketFactory, lines);
    } finally {
      session.close();
    }
    expect(lines).toEqual(['committed: the payment and the offset of the order it came from']);
    // EndTxn is answered once the decision is logged; the markers (and with the one on
    // __consumer_offsets, the group's offset) follow.
    timeline.advance(2000);
    const snap = timeline.sim.snapshot();
    const group = snap.groups.find((g) => g.groupId === 'payment-processor');
    expect(group?.offsets).toEqual([{ topic: 'orders', partition: 0, offset: 1 }]);
  });
});
