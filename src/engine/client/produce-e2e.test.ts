/**
 * The produce path end to end: the real producer client against real brokers and controllers.
 */
import { describe, expect, it } from 'vitest';
import { partitionForKey } from './murmur2';
import { cluster, eventsOf, lastSeq, untilReady } from '../testing/scenario';
import type { FacadeSimulation as Simulation } from '../simulation';
import type { ConfigValue } from '../types';

function ready(seed: number, topicConfig: Record<string, ConfigValue> = {}, partitions = 3): Simulation {
  const sim = untilReady(cluster(seed));
  sim.dispatch({
    type: 'topic.create',
    topic: 'orders',
    partitions,
    replicationFactor: 3,
    config: topicConfig,
  });
  sim.runFor(1000);
  return sim;
}

const acked = (sim: Simulation, since = 0) => eventsOf(sim, 'producer.acked', since);
const failed = (sim: Simulation, since = 0) => eventsOf(sim, 'producer.failed', since);

describe('producing to a real cluster', () => {
  it('acks=all: keyed records land on murmur2 partitions, in order, on every replica', () => {
    const sim = ready(51);
    sim.dispatch({ type: 'producer.create', producer: 'p1', config: { acks: 'all' } });
    const steps = ['Created', 'Paid', 'Shipped', 'Delivered'];
    const ids = steps.map((value) =>
      sim.dispatch({ type: 'producer.send', producer: 'p1', topic: 'orders', key: 'order_123', value }),
    );
    sim.runUntil((s) => acked(s).length === 4, 10_000);
    const acks = acked(sim);
    const p = partitionForKey('order_123', 3);
    expect(acks.map((a) => a.commandId)).toEqual(ids);
    expect(acks.map((a) => a.partition)).toEqual([p, p, p, p]);
    expect(acks.map((a) => a.offset)).toEqual([0, 1, 2, 3]);
    sim.runFor(2000);
    for (const b of [1, 2, 3]) expect(sim.readLog(b, 'orders', p).map((r) => r.value)).toEqual(steps);
    expect(sim.snapshot().producers[0]).toMatchObject({ id: 'p1', acked: 4, failed: 0, idempotent: true });
  });

  it('acks=0 counts a record as sent with offset -1; the broker never answers', () => {
    const sim = ready(52);
    sim.dispatch({ type: 'producer.create', producer: 'fire', config: { acks: 0 } });
    sim.dispatch({ type: 'producer.send', producer: 'fire', topic: 'orders', key: 'k', value: 'v' });
    sim.runUntil((s) => acked(s).length === 1, 5000);
    expect(acked(sim)[0]!.offset).toBe(-1);
    sim.runFor(2000);
    expect(sim.events().some((e) => e.type === 'rpc.sent' && e.kind === 'ProduceResponse')).toBe(false);
  });

  it('retries on the new leader at once when the leader broker is down', () => {
    const sim = ready(53, {}, 1);
    sim.dispatch({ type: 'producer.create', producer: 'p', config: { acks: 'all' } });
    const leader = sim.snapshot().topics[0]!.partitions[0]!.leader;
    sim.dispatch({ type: 'producer.send', producer: 'p', topic: 'orders', key: null, value: 'first' });
    sim.runUntil((s) => acked(s).length === 1, 5000);
    sim.dispatch({ type: 'broker.crash', broker: leader });
    const since = lastSeq(sim);
    sim.dispatch({ type: 'producer.send', producer: 'p', topic: 'orders', key: null, value: 'second' });
    expect(sim.runUntil((s) => acked(s, since).length === 1, 20_000)).toBe(true);
    const retries = eventsOf(sim, 'producer.retryScheduled', since);
    expect(retries.length).toBeGreaterThan(0);
    expect(retries[0]!.error).toBe('NETWORK_EXCEPTION');
    const newLeader = sim.snapshot().topics[0]!.partitions[0]!.leader;
    expect(newLeader).not.toBe(leader);
    expect(sim.readLog(newLeader, 'orders', 0).map((r) => r.value)).toEqual(['first', 'second']);
  });

  it('acks=all below min.insync.replicas: NOT_ENOUGH_REPLICAS retried until the delivery timeout', () => {
    const sim = ready(54, { 'min.insync.replicas': 3 }, 1);
    const p = sim.snapshot().topics[0]!.partitions[0]!;
    sim.dispatch({ type: 'broker.crash', broker: p.replicas.find((b) => b !== p.leader)! });
    sim.runUntil((s) => s.snapshot().topics[0]!.partitions[0]!.isr.length === 2, 15_000);
    sim.dispatch({
      type: 'producer.create',
      producer: 'p',
      config: { acks: 'all', 'delivery.timeout.ms': 5000, 'request.timeout.ms': 2000 },
    });
    sim.dispatch({ type: 'producer.send', producer: 'p', topic: 'orders', key: 'k', value: 'v' });
    sim.runUntil((s) => failed(s).length === 1, 10_000);
    expect(eventsOf(sim, 'producer.retryScheduled').every((r) => r.error === 'NOT_ENOUGH_REPLICAS')).toBe(
      true,
    );
    expect(failed(sim)[0]!.error).toMatch(/NOT_ENOUGH_REPLICAS|REQUEST_TIMED_OUT/);
    expect(sim.readLog(p.leader, 'orders', 0)).toEqual([]);
  });

  it('a retried batch after a lost response is written once with idempotence, duplicated without', () => {
    const run = (idempotent: boolean) => {
      const sim = ready(55, {}, 1);
      const leader = sim.snapshot().topics[0]!.partitions[0]!.leader;
      sim.dispatch({
        type: 'producer.create',
        producer: 'p',
        config: {
          acks: 'all',
          'enable.idempotence': idempotent,
          'request.timeout.ms': 1000,
          'delivery.timeout.ms': 20_000,
        },
      });
      sim.runFor(500); // producer id assigned
      // The broker's answers to the producer are lost: the batch is appended, the producer never hears.
      sim.dispatch({ type: 'network.cut', from: `broker-${leader}`, to: 'producer:p', oneWay: true });
      sim.dispatch({ type: 'producer.send', producer: 'p', topic: 'orders', key: 'k', value: 'pay $10' });
      sim.runFor(1500);
      sim.dispatch({ type: 'network.heal' });
      sim.runUntil((s) => acked(s).length === 1, 10_000);
      sim.runFor(1000);
      return { values: sim.readLog(leader, 'orders', 0).map((r) => r.value), sim };
    };
    const once = run(true);
    expect(once.values).toEqual(['pay $10']);
    expect(eventsOf(once.sim, 'partition.duplicateBatchDetected').length).toBeGreaterThanOrEqual(1);
    const dup = run(false);
    expect(dup.values.length).toBeGreaterThan(1); // every retry appended the payment again
    expect(new Set(dup.values)).toEqual(new Set(['pay $10']));
  });
});
