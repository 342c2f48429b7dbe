import { describe, expect, it } from 'vitest';
import { Kernel } from './kernel';
import { formatTrace } from './trace';
import { pingBehaviour, pingDurable, type PingDurable, type PingVolatile } from '../testing/ping-node';
import type { NetworkOptions } from '../types';
import { cut, heal, partition, configureLink } from './network';

/** Two ping nodes, a and b, each pinging the other every 10 ms. */
function pingPair(seed: number, network?: NetworkOptions) {
  const k = new Kernel({ seed, network, behaviours: { test: pingBehaviour } });
  k.addNode('test:a', 'test', pingDurable('test:b'));
  k.addNode('test:b', 'test', pingDurable('test:a'));
  return k;
}

const deliveredTo = (k: Kernel, to: string, kind = 'Ping') =>
  k.trace.filter((e) => e.type === 'rpc.delivered' && e.to === to && e.kind === kind).length;

describe('determinism', () => {
  it('the same seed and the same timed actions give the same trace, deep-equal and as text', () => {
    const run = (seed: number) => {
      const k = pingPair(seed);
      k.runFor(500);
      cut(k.state.network, 'test:a', 'test:b', true);
      k.runFor(200);
      heal(k.state.network);
      k.crash('test:b');
      k.runFor(100);
      k.restart('test:b');
      k.runFor(300);
      return k.trace;
    };
    const a = run(42);
    const b = run(42);
    expect(a.length).toBeGreaterThan(300);
    expect(b).toEqual(a);
    expect(formatTrace(b)).toBe(formatTrace(a));
  });

  it('another seed gives different latencies', () => {
    const latencies = (seed: number) => {
      const k = pingPair(seed);
      k.runFor(300);
      return k.trace.flatMap((e) => (e.type === 'rpc.sent' ? [e.deliverAtMs - e.sentAtMs] : []));
    };
    const a = latencies(1);
    const b = latencies(2);
    expect(a.length).toBe(b.length);
    expect(a).not.toEqual(b);
    for (const l of [...a, ...b]) {
      expect(l).toBeGreaterThanOrEqual(2);
      expect(l).toBeLessThanOrEqual(6);
    }
  });

  it('orders same-time entries by scheduling order and delivers each link in FIFO order', () => {
    const k = pingPair(7, { latencyMsMin: 1, latencyMsMax: 50 });
    k.runFor(2000);
    const sent = k.trace.filter((e) => e.type === 'rpc.sent' && e.from === 'test:a' && e.kind === 'Ping');
    const arrivals = sent.map((e) => (e.type === 'rpc.sent' ? e.deliverAtMs : 0));
    expect(arrivals).toEqual([...arrivals].sort((x, y) => x - y));
    const seqs = k.trace.map((e) => e.seq);
    expect(seqs).toEqual(seqs.map((_, i) => i + 1));
    const times = k.trace.map((e) => e.atMs);
    expect(times).toEqual([...times].sort((x, y) => x - y));
  });
});

describe('network', () => {
  it('a partition blocks both directions between sides; heal restores', () => {
    const k = pingPair(3);
    k.runFor(100);
    partition(k.state.network, [['test:a'], ['test:b']]);
    k.runFor(20); // let messages sent before the split land or drop
    const aBefore = deliveredTo(k, 'test:a');
    const bBefore = deliveredTo(k, 'test:b');
    k.runFor(500);
    expect(deliveredTo(k, 'test:a')).toBe(aBefore);
    expect(deliveredTo(k, 'test:b')).toBe(bBefore);
    const dropped = k.trace.filter((e) => e.type === 'rpc.dropped' && e.reason === 'partition');
    expect(dropped.some((e) => e.type === 'rpc.dropped' && e.from === 'test:a')).toBe(true);
    expect(dropped.some((e) => e.type === 'rpc.dropped' && e.from === 'test:b')).toBe(true);
    heal(k.state.network);
    k.runFor(200);
    expect(deliveredTo(k, 'test:a')).toBeGreaterThan(aBefore + 10);
    expect(deliveredTo(k, 'test:b')).toBeGreaterThan(bBefore + 10);
  });

  it('a node named in no side still talks to every side', () => {
    const k = new Kernel({ seed: 5, behaviours: { test: pingBehaviour } });
    k.addNode('test:a', 'test', pingDurable('test:c'));
    k.addNode('test:b', 'test', pingDurable('test:c'));
    k.addNode('test:c', 'test', pingDurable(null));
    partition(k.state.network, [['test:a'], ['test:b']]);
    k.runFor(300);
    expect(k.trace.some((e) => e.type === 'rpc.dropped')).toBe(false);
    expect(deliveredTo(k, 'test:c')).toBeGreaterThan(50);
  });

  it('a one-way cut blocks one direction only', () => {
    const k = pingPair(4);
    k.runFor(50);
    cut(k.state.network, 'test:a', 'test:b', true);
    k.runFor(20);
    const aBefore = deliveredTo(k, 'test:a');
    const bBefore = deliveredTo(k, 'test:b');
    k.runFor(500);
    expect(deliveredTo(k, 'test:b')).toBe(bBefore); // a -> b is cut
    expect(deliveredTo(k, 'test:a')).toBeGreaterThan(aBefore + 40); // b -> a still flows
    heal(k.state.network);
    k.runFor(100);
    expect(deliveredTo(k, 'test:b')).toBeGreaterThan(bBefore + 5);
  });

  it('loss drops messages at the configured rate: an exact count for a fixed seed', () => {
    const count = (seed: number) => {
      const k = pingPair(seed, { lossRate: 0.25 });
      k.runFor(10_000);
      const sent = k.trace.filter((e) => e.type === 'rpc.sent').length;
      const lost = k.trace.filter((e) => e.type === 'rpc.dropped' && e.reason === 'loss').length;
      return { sent, lost };
    };
    const { sent, lost } = count(99);
    expect({ sent, lost }).toEqual(count(99));
    expect(lost / sent).toBeGreaterThan(0.22);
    expect(lost / sent).toBeLessThan(0.28);
    expect({ sent, lost }).toMatchInlineSnapshot(`
      {
        "lost": 890,
        "sent": 3496,
      }
    `);
  });

  it('a slow link delays its messages by the configured latency', () => {
    const k = pingPair(8);
    configureLink(k.state.network, 'test:a', 'test:b', { latencyMs: 400 });
    k.runFor(1000);
    const slow = k.trace.filter((e) => e.type === 'rpc.sent' && e.from === 'test:a');
    for (const e of slow)
      if (e.type === 'rpc.sent') expect(e.deliverAtMs - e.sentAtMs).toBeGreaterThanOrEqual(400);
  });
});

describe('node lifecycle', () => {
  it('a crash drops volatile state and keeps durable state; a restart recovers from it', () => {
    const k = pingPair(11);
    k.runFor(200);
    const a = k.node('test:a')!;
    const durableBefore = (a.durable as PingDurable).pongsReceived;
    const volatileBefore = (a.volatile as PingVolatile).pingsSent;
    expect(durableBefore).toBeGreaterThan(10);
    expect(volatileBefore).toBeGreaterThan(10);

    k.crash('test:a');
    expect(a.alive).toBe(false);
    expect(a.volatile).toBeNull();
    expect((a.durable as PingDurable).pongsReceived).toBe(durableBefore);
    expect(k.trace.at(-1)).toMatchObject({ type: 'test.crashed', node: 'test:a' });

    // While down it neither sends nor receives: messages to it are dropped as node-down.
    const sentBefore = k.trace.filter((e) => e.type === 'rpc.sent' && e.from === 'test:a').length;
    k.runFor(200);
    expect(k.trace.filter((e) => e.type === 'rpc.sent' && e.from === 'test:a').length).toBe(sentBefore);
    expect(
      k.trace.some((e) => e.type === 'rpc.dropped' && e.to === 'test:a' && e.reason === 'node-down'),
    ).toBe(true);

    k.restart('test:a');
    expect(a.alive).toBe(true);
    expect(a.incarnation).toBe(2);
    expect((a.volatile as PingVolatile).pingsSent).toBe(0);
    expect((a.volatile as PingVolatile).startedAtMs).toBe(400);
    expect((a.durable as PingDurable).pongsReceived).toBeGreaterThanOrEqual(durableBefore);
    k.runFor(200);
    expect((a.durable as PingDurable).pongsReceived).toBeGreaterThan(durableBefore + 10);
  });

  it('timers set before a crash never fire after the restart', () => {
    const k = pingPair(12);
    k.runFor(5); // a's first ping timer (t=10) is pending
    k.crash('test:a');
    k.restart('test:a'); // new timer at t=5+10=15
    k.runFor(50);
    const pings = k.trace.filter((e) => e.type === 'rpc.sent' && e.from === 'test:a' && e.kind === 'Ping');
    expect(pings.map((e) => e.atMs)).toEqual([15, 25, 35, 45, 55]);
  });
});
