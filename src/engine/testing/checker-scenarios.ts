/**
 * Scenarios that make each anomaly happen on the real engine, on purpose. The checker's tests,
 * its bench and the same-seed comparisons all run them; each takes the setting it varies.
 */
import { isEngineError } from '../errors';
import type { FacadeSimulation as Simulation } from '../simulation';
import { cluster, untilReady } from '../testing/scenario';
import type { Command, SimulationOptions } from '../types';
import { createSimulation } from '../index';

function tryDispatch(sim: Simulation, c: Command): void {
  try {
    sim.dispatch(c);
  } catch (e) {
    if (!isEngineError(e)) throw e;
  }
}

const leaderOf = (sim: Simulation, topic: string, partition = 0) =>
  sim.snapshot().topics.find((t) => t.name === topic)?.partitions[partition]?.leader ?? -1;

const acked = (sim: Simulation, producer: string, sinceSeq: number) =>
  sim.events(sinceSeq).filter((e) => e.type === 'producer.acked' && e.producer === producer).length;

export interface LeaderCrashOptions {
  seed?: number;
  acks: 1 | 'all';
  unclean?: boolean;
}

/**
 * A leader crash with records only the leader has: the followers are cut off from the leader,
 * the producer writes three records, and once they are acknowledged (or after a while, for
 * acks=all, which cannot be acknowledged) the leader crashes and the network heals. The producer
 * keeps writing to the new leader; a consumer group reads the topic.
 */
export function leaderCrashOptions(o: LeaderCrashOptions): SimulationOptions {
  return {
    seed: o.seed ?? 11,
    brokers: 3,
    brokerConfig: {
      'replica.lag.time.max.ms': o.unclean ? 1000 : 10_000,
      'broker.session.timeout.ms': 3000,
      'broker.heartbeat.interval.ms': 1000,
    },
    network: { latencyMsMin: 10, latencyMsMax: 20 },
  };
}

export function leaderCrashScenario(o: LeaderCrashOptions): Simulation {
  const sim = untilReady(createSimulation(leaderCrashOptions(o)));
  sim.dispatch({
    type: 'topic.create',
    topic: 'orders',
    partitions: 1,
    replicationFactor: 3,
    config: o.unclean ? { 'unclean.leader.election.enable': true, 'min.insync.replicas': 1 } : {},
  });
  sim.dispatch({ type: 'producer.create', producer: 'p1', config: { acks: o.acks } });
  sim.dispatch({
    type: 'consumer.create',
    consumer: 'c1',
    groupId: 'g1',
    config: { 'auto.offset.reset': 'earliest' },
  });
  sim.runFor(1500);
  sim.dispatch({ type: 'consumer.subscribe', consumer: 'c1', topics: ['orders'] });
  for (let i = 0; i < 3; i++)
    sim.dispatch({ type: 'producer.send', producer: 'p1', topic: 'orders', key: 'k', value: `before-${i}` });
  sim.runFor(1500);
  const leader = leaderOf(sim, 'orders');
  const followers = [1, 2, 3].filter((b) => b !== leader);
  for (const f of followers)
    sim.dispatch({ type: 'network.cut', from: `broker-${f}`, to: `broker-${leader}` });
  if (o.unclean) sim.runFor(3000); // the ISR shrinks to the leader alone
  const since = sim.events().at(-1)?.seq ?? 0;
  for (let i = 0; i < 3; i++)
    sim.dispatch({ type: 'producer.send', producer: 'p1', topic: 'orders', key: 'k', value: `cut-${i}` });
  sim.runUntil((s) => acked(s, 'p1', since) >= 3, 2000);
  sim.dispatch({ type: 'broker.crash', broker: leader });
  sim.dispatch({ type: 'network.heal' });
  if (o.unclean) {
    // Only an out-of-sync follower is left: unclean election makes it the leader.
    sim.runFor(6000);
  }
  sim.runFor(6000);
  for (let i = 0; i < 3; i++)
    sim.dispatch({ type: 'producer.send', producer: 'p1', topic: 'orders', key: 'k', value: `after-${i}` });
  sim.runFor(4000);
  tryDispatch(sim, { type: 'broker.restart', broker: leader });
  sim.runFor(8000);
  return sim;
}

/**
 * Retries under a lossy answer path: the leader's responses to the producer are cut for a while,
 * so the producer times out and sends the same batch again. Without idempotence the leader
 * appends it twice; with it, the leader recognises the retry.
 */
export function retryScenario(o: { seed?: number; idempotent: boolean }): Simulation {
  const sim = untilReady(
    cluster(o.seed ?? 5, { brokers: 3, network: { latencyMsMin: 5, latencyMsMax: 10 } }),
  );
  sim.dispatch({ type: 'topic.create', topic: 'payments', partitions: 1, replicationFactor: 3 });
  sim.dispatch({
    type: 'producer.create',
    producer: 'p1',
    config: {
      'enable.idempotence': o.idempotent,
      acks: 'all',
      'request.timeout.ms': 800,
      'retry.backoff.ms': 100,
      'delivery.timeout.ms': 30_000,
      ...(o.idempotent ? {} : { 'max.in.flight.requests.per.connection': 5 }),
    },
  });
  sim.dispatch({
    type: 'consumer.create',
    consumer: 'c1',
    groupId: 'g1',
    config: { 'auto.offset.reset': 'earliest' },
  });
  sim.runFor(1500);
  sim.dispatch({ type: 'consumer.subscribe', consumer: 'c1', topics: ['payments'] });
  sim.dispatch({ type: 'producer.send', producer: 'p1', topic: 'payments', key: 'a', value: 'first' });
  sim.runFor(1000);
  const leader = leaderOf(sim, 'payments');
  // Requests still arrive; only the answers are lost.
  sim.dispatch({ type: 'network.cut', from: `broker-${leader}`, to: 'producer:p1', oneWay: true });
  sim.dispatch({ type: 'producer.send', producer: 'p1', topic: 'payments', key: 'a', value: 'second' });
  sim.runFor(1200);
  sim.dispatch({ type: 'network.heal' });
  sim.runFor(5000);
  return sim;
}

/**
 * Transactions: t1 commits one transaction and aborts the next; c-rc reads with read_committed,
 * c-ru with read_uncommitted.
 */
export function transactionScenario(seed = 7): Simulation {
  const sim = untilReady(cluster(seed, { brokers: 3 }));
  sim.dispatch({ type: 'topic.create', topic: 'ledger', partitions: 1, replicationFactor: 3 });
  sim.dispatch({ type: 'producer.create', producer: 't1', config: { 'transactional.id': 'tx-1' } });
  for (const [consumer, isolation] of [
    ['c-rc', 'read_committed'],
    ['c-ru', 'read_uncommitted'],
  ] as const) {
    sim.dispatch({
      type: 'consumer.create',
      consumer,
      groupId: `g-${consumer}`,
      config: { 'auto.offset.reset': 'earliest', 'isolation.level': isolation },
    });
  }
  sim.runFor(2000);
  for (const consumer of ['c-rc', 'c-ru'])
    sim.dispatch({ type: 'consumer.subscribe', consumer, topics: ['ledger'] });
  sim.runFor(6000); // the groups form before the first transaction
  sim.dispatch({ type: 'producer.beginTransaction', producer: 't1' });
  sim.dispatch({ type: 'producer.send', producer: 't1', topic: 'ledger', key: 'x', value: 'kept' });
  sim.runFor(500);
  sim.dispatch({ type: 'producer.commitTransaction', producer: 't1' });
  sim.runFor(1000);
  sim.dispatch({ type: 'producer.beginTransaction', producer: 't1' });
  sim.dispatch({ type: 'producer.send', producer: 't1', topic: 'ledger', key: 'x', value: 'dropped' });
  sim.runFor(500);
  sim.dispatch({ type: 'producer.abortTransaction', producer: 't1' });
  sim.runFor(5000);
  return sim;
}

/**
 * One lost request among several in flight: the first send's request is dropped on the way to
 * the leader, the second goes through, and the first is retried after request.timeout.ms, so it
 * lands behind the second. Idempotence (sequence numbers) keeps them in order.
 */
export function reorderScenario(o: { seed?: number; idempotent: boolean }): Simulation {
  const sim = untilReady(
    cluster(o.seed ?? 5, { brokers: 3, network: { latencyMsMin: 5, latencyMsMax: 10 } }),
  );
  sim.dispatch({ type: 'topic.create', topic: 'payments', partitions: 1, replicationFactor: 3 });
  sim.dispatch({
    type: 'producer.create',
    producer: 'p1',
    config: {
      'enable.idempotence': o.idempotent,
      acks: 'all',
      'request.timeout.ms': 800,
      'retry.backoff.ms': 100,
    },
  });
  sim.runFor(1000);
  sim.dispatch({ type: 'producer.send', producer: 'p1', topic: 'payments', key: 'a', value: 'warm-up' });
  sim.runFor(1500);
  const leader = `broker-${leaderOf(sim, 'payments')}`;
  sim.dispatch({ type: 'link.configure', from: 'producer:p1', to: leader, lossRate: 1 });
  sim.dispatch({ type: 'producer.send', producer: 'p1', topic: 'payments', key: 'a', value: 'one' });
  sim.runFor(30);
  sim.dispatch({ type: 'link.configure', from: 'producer:p1', to: leader, lossRate: null });
  sim.dispatch({ type: 'producer.send', producer: 'p1', topic: 'payments', key: 'a', value: 'two' });
  sim.runFor(5000);
  return sim;
}
