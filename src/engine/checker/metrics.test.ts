import { describe, expect, it } from 'vitest';
import { isEngineError } from '../errors';
import { cluster, untilReady } from '../testing/scenario';
import { MetricsTracker, type MetricReading } from './metrics';

const value = (ms: MetricReading[], name: string, scope = 'cluster') =>
  ms.find((m) => m.name === name && m.scope === scope);

describe("Kafka's metrics from snapshot and events", () => {
  it('a broker crash: under-replicated partitions, an election, failed produce requests, each with its cause', () => {
    const sim = untilReady(
      cluster(11, {
        brokers: 3,
        brokerConfig: { 'broker.session.timeout.ms': 3000, 'broker.heartbeat.interval.ms': 1000 },
      }),
    );
    sim.dispatch({
      type: 'topic.create',
      topic: 'orders',
      partitions: 3,
      replicationFactor: 3,
      config: { 'min.insync.replicas': 3 },
    });
    sim.dispatch({
      type: 'producer.create',
      producer: 'p1',
      config: { acks: 'all', 'request.timeout.ms': 1000 },
    });
    sim.dispatch({
      type: 'consumer.create',
      consumer: 'c1',
      groupId: 'g',
      config: { 'auto.offset.reset': 'earliest' },
    });
    sim.runFor(2000);
    const m = new MetricsTracker();
    m.feed(sim.events());
    const healthy = m.read(sim.snapshot());
    expect(value(healthy, 'UnderReplicatedPartitions')!.value).toBe(0);
    expect(value(healthy, 'ActiveControllerCount')!.value).toBe(1);
    expect(value(healthy, 'OfflinePartitionsCount')!.value).toBe(0);
    expect(value(healthy, 'records-lag-max', 'c1')).toBeDefined();
    expect(value(healthy, 'record-retry-rate', 'p1')!.value).toBe(0);

    const leader = sim.snapshot().topics[0]!.partitions[0]!.leader;
    sim.dispatch({ type: 'broker.crash', broker: leader });
    sim.runFor(6000);
    for (let i = 0; i < 5; i++) {
      try {
        sim.dispatch({
          type: 'producer.send',
          producer: 'p1',
          topic: 'orders',
          key: `k${i}`,
          value: 'v',
          partition: i % 3,
        });
      } catch (e) {
        if (!isEngineError(e)) throw e;
      }
    }
    sim.runFor(1500);
    m.feed(sim.events(m.lastSeq));
    const after = m.read(sim.snapshot(), healthy);
    const urp = value(after, 'UnderReplicatedPartitions')!;
    expect(urp.value).toBe(3);
    expect(urp.delta).toBe(3);
    expect(urp.cause?.text).toMatch(/ISR|crashed/);
    const byseq = new Map(sim.events().map((e) => [e.seq, e]));
    expect(byseq.get(urp.cause!.seq)?.atMs).toBe(urp.cause!.atMs);
    expect(value(after, 'UnderMinIsrPartitionCount')!.value).toBe(3);
    const elections = value(after, 'LeaderElectionRateAndTimeMs')!;
    expect(elections.value).toBeGreaterThan(0);
    expect(elections.help).toMatch(/from crash to new leader/);
    expect(value(after, 'FailedProduceRequestsPerSec')!.value).toBeGreaterThan(0);
    expect(value(after, 'FailedProduceRequestsPerSec')!.cause?.text).toMatch(/NOT_ENOUGH_REPLICAS/);
  });
});
