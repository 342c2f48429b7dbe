import { describe, expect, it } from 'vitest';
import { cluster, untilReady } from '../../engine/testing/scenario';
import { SendTracker } from './send-tracker';

function withTopic() {
  const sim = untilReady(cluster(1));
  sim.dispatch({ type: 'topic.create', topic: 'orders', partitions: 3, replicationFactor: 3 });
  sim.runFor(300);
  return sim;
}

describe('the life of a send', () => {
  it('follows an acks=all send through every step, in order', () => {
    const sim = withTopic();
    const tracker = new SendTracker();
    sim.dispatch({ type: 'producer.create', producer: 'p1', config: { acks: 'all' } });
    const id = sim.dispatch({
      type: 'producer.send',
      producer: 'p1',
      topic: 'orders',
      key: 'k1',
      value: 'hello',
    });
    sim.runFor(500);
    tracker.apply(sim.events());
    const life = tracker.get(id)!;
    const p = sim.snapshot().topics[0]!.partitions[life.partition!]!;
    expect(life).toMatchObject({
      producer: 'p1',
      topic: 'orders',
      key: 'k1',
      offset: 0,
      leader: p.leader,
      attempts: 1,
    });
    const followers = p.replicas.filter((b) => b !== p.leader);
    expect(Object.keys(life.replicatedAtMs).map(Number).sort()).toEqual(followers.sort());
    const steps = [
      life.queuedAtMs!,
      life.sentAtMs!,
      life.appendedAtMs!,
      life.committedAtMs!,
      life.ackedAtMs!,
    ];
    expect(steps.every((t) => t !== undefined)).toBe(true);
    expect([...steps].sort((a, b) => a - b)).toEqual(steps);
    for (const t of Object.values(life.replicatedAtMs)) expect(t).toBeLessThanOrEqual(life.committedAtMs!);
  });

  it('matches each record of a batched burst to its own offset', () => {
    const sim = withTopic();
    const tracker = new SendTracker();
    sim.dispatch({ type: 'producer.create', producer: 'p1', config: { acks: 1, 'linger.ms': 5 } });
    const ids = Array.from({ length: 30 }, (_, i) =>
      sim.dispatch({ type: 'producer.send', producer: 'p1', topic: 'orders', key: 'same', value: `v${i}` }),
    );
    sim.runFor(1000);
    tracker.apply(sim.events());
    const lives = ids.map((id) => tracker.get(id)!);
    // The acknowledgement's offset and the one matched from the leader's append agree.
    expect(lives.map((l) => l.offset)).toEqual(lives.map((_, i) => i));
    expect(lives.every((l) => l.appendedAtMs !== undefined && l.committedAtMs !== undefined)).toBe(true);
  });

  it('reports a failure with Kafka’s error name', () => {
    const sim = withTopic();
    const tracker = new SendTracker();
    sim.dispatch({
      type: 'producer.create',
      producer: 'p1',
      config: { acks: 'all', 'delivery.timeout.ms': 3000, 'request.timeout.ms': 1000, 'linger.ms': 0 },
    });
    for (const b of [1, 2]) sim.dispatch({ type: 'broker.crash', broker: b });
    const id = sim.dispatch({
      type: 'producer.send',
      producer: 'p1',
      topic: 'orders',
      key: null,
      value: 'lost',
    });
    sim.runFor(10_000);
    tracker.apply(sim.events());
    const life = tracker.get(id)!;
    expect(life.failedAtMs).toBeDefined();
    expect(life.error).toBe('REQUEST_TIMED_OUT');
    expect(life.attempts).toBeGreaterThan(1);
  });
});
