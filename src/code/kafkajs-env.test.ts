/**
 * The code worker's world in Node: unmodified KafkaJS with the Code tool's Buffer (node-buffer.ts),
 * its sockets (sim-socket.ts) and the simulation's clock (virtual-clock.ts) against a session's
 * WireBridge. Node's own Buffer and timers are swapped out, so this checks the stand-ins KafkaJS
 * depends on in the browser.
 */
import { describe, expect, it } from 'vitest';
import { NodeBuffer } from './node-buffer';
import { SimSockets } from './sim-socket';
import { VirtualClock } from './virtual-clock';
import { installClock } from './worker-env';
import { Timeline } from '../worker/timeline';
import { WireBridge } from '../worker/wire-bridge';

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
});

describe('KafkaJS in the code worker’s world', () => {
  it('creates a topic and produces with acks=all, on virtual time', async () => {
    const realImmediate = setImmediate;
    const RealBuffer = globalThis.Buffer;
    const saved = { setTimeout, setInterval, clearTimeout, clearInterval, setImmediate, Date };
    const timeline = new Timeline({ seed: 3, brokers: 3 });
    for (let i = 0; i < 600 && !timeline.sim.snapshot().brokers.every((b) => b.state === 'unfenced'); i++)
      timeline.advance(100);
    (globalThis as { Buffer: unknown }).Buffer = NodeBuffer;
    const { clock } = installClock(timeline.nowMs());
    try {
      const bridge = new WireBridge();
      const sockets: SimSockets = new SimSockets(
        (action) => {
          bridge.act(timeline, action);
          const out = bridge.drain(timeline);
          realImmediate(() => sockets.deliver(out)); // the page relays asynchronously
        },
        (fn) => realImmediate(fn),
      );
      let running = true;
      const pump = () => {
        if (!running) return;
        timeline.advance(5);
        sockets.deliver(bridge.drain(timeline));
        clock.advanceTo(timeline.nowMs());
        realImmediate(pump);
      };
      pump();
      const { Kafka, logLevel } = await import('kafkajs');
      const kafka = new Kafka({
        clientId: 'env-test',
        brokers: ['broker-1:9092'],
        socketFactory: sockets.factory as never,
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
      running = false;
    } finally {
      Object.assign(globalThis, saved, { Buffer: RealBuffer });
    }
  });
});
