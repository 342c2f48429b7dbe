import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { Kafka, logLevel, type ISocketFactory } from 'kafkajs';
import { formatTrace, replaySimulation, type SimulationOptions } from '../engine';
import { Timeline } from './timeline';
import { WireBridge } from './wire-bridge';
import { TIMELINE_MOVED_BACK, type WireOut } from '../bridge/wire-types';

const OPTIONS: SimulationOptions = { seed: 3, brokers: 3 };

/**
 * The page's part, in Node: KafkaJS's sockets become wire actions, and every batch's output goes
 * back to the sockets. Virtual time moves only when `tick` is called, as in the browser.
 */
/** A session whose brokers have all registered (Metadata names a controller then). */
function readyTimeline(): Timeline {
  const timeline = new Timeline(OPTIONS);
  for (let i = 0; i < 600 && !timeline.sim.snapshot().brokers.every((b) => b.state === 'unfenced'); i++)
    timeline.advance(100);
  return timeline;
}

function harness() {
  const timeline = readyTimeline();
  const bridge = new WireBridge();
  const sockets = new Map<number, EventEmitter>();
  const deliver = (out: WireOut[]) => {
    for (const o of out) {
      const s = sockets.get(o.conn);
      if (!s) continue;
      if (o.kind === 'data') setImmediate(() => s.emit('data', Buffer.from(o.bytes)));
      else setImmediate(() => s.emit('end'));
    }
  };
  let nextConn = 1;
  const socketFactory: ISocketFactory = ({ host, onConnect }) => {
    const conn = nextConn++;
    const socket = new EventEmitter() as EventEmitter & Record<string, unknown>;
    sockets.set(conn, socket);
    const broker = Number(/^broker-(\d+)$/.exec(host)![1]);
    bridge.act(timeline, { kind: 'open', conn, broker });
    Object.assign(socket, {
      write: (data: Buffer) => {
        bridge.act(timeline, { kind: 'data', conn, bytes: new Uint8Array(data) });
        deliver(bridge.drain(timeline));
        return true;
      },
      end: () => bridge.act(timeline, { kind: 'close', conn }),
      destroy: () => bridge.act(timeline, { kind: 'close', conn }),
      setKeepAlive: () => socket,
      unref: () => socket,
    });
    setImmediate(onConnect);
    return socket as never;
  };
  let running = true;
  const pump = () => {
    if (!running) return;
    timeline.advance(5);
    deliver(bridge.drain(timeline));
    setImmediate(pump);
  };
  const kafka = new Kafka({
    clientId: 'code-test',
    brokers: ['broker-1:9092'],
    socketFactory,
    logLevel: logLevel.NOTHING,
  });
  return { timeline, bridge, kafka, pump, stop: () => (running = false) };
}

describe('the Code tool bridge', () => {
  it('records a real client’s requests as commands, so the session replays to the same trace without it', async () => {
    const h = harness();
    h.pump();
    const admin = h.kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic: 'orders', numPartitions: 2, replicationFactor: 3 }] });
    await admin.disconnect();
    const producer = h.kafka.producer();
    await producer.connect();
    await producer.send({ topic: 'orders', acks: -1, messages: [{ key: 'k', value: 'v' }] });
    await producer.disconnect();
    h.stop();
    h.bridge.act(h.timeline, { kind: 'stopAll' });

    const log = h.timeline.commandsFrom(0);
    const types = log.map((c) => c.command.type);
    expect(types).toContain('client.connect');
    expect(types).toContain('topic.create');
    expect(log.some((c) => c.command.type === 'client.request' && c.command.kind === 'Produce')).toBe(true);
    // The RPCs were on the simulated network, from the client's node.
    const produce = h.timeline.sim
      .trace()
      .find((e) => e.type === 'rpc.sent' && e.kind === 'Produce' && e.from === 'client:code-test');
    expect(produce).toBeDefined();
    // Replay needs no client: the recorded commands carry its requests.
    const replay = replaySimulation(OPTIONS, log);
    replay.runFor(h.timeline.nowMs() - replay.now());
    expect(formatTrace(replay.trace())).toBe(formatTrace(h.timeline.sim.trace()));
  });

  it('closes the sockets without recording anything when the timeline moves back', () => {
    const timeline = readyTimeline();
    const bridge = new WireBridge();
    bridge.act(timeline, { kind: 'open', conn: 7, broker: 1 });
    timeline.advance(100);
    expect(bridge.drain(timeline)).toEqual([]);
    const commands = timeline.commandCount();
    timeline.seek(timeline.nowMs() - 50);
    expect(bridge.drain(timeline)).toEqual([{ kind: 'close', conn: 7, reason: TIMELINE_MOVED_BACK }]);
    expect(timeline.commandCount()).toBe(commands);
  });
});
