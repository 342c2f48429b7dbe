import { describe, expect, it } from 'vitest';
import { cluster, untilReady } from '../../engine/testing/scenario';
import { SendTracker } from './send-tracker';
import { sendSteps, sendSummary } from './send-steps';
import type { Simulation } from '../../engine';

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

/** One partition, three replicas; the followers' links to the leader are slowed so they lag. */
function slowFollowers(acks: 1 | 'all') {
  const sim = untilReady(cluster(3));
  sim.dispatch({ type: 'topic.create', topic: 'orders', partitions: 1, replicationFactor: 3 });
  sim.runFor(500);
  sim.dispatch({ type: 'producer.create', producer: 'p1', config: { acks, 'linger.ms': 0 } });
  sim.runFor(500);
  const p = sim.snapshot().topics[0]!.partitions[0]!;
  for (const f of p.replicas.filter((b) => b !== p.leader))
    for (const [from, to] of [
      [`broker-${p.leader}`, `broker-${f}`],
      [`broker-${f}`, `broker-${p.leader}`],
    ] as const)
      sim.dispatch({ type: 'link.configure', from, to, latencyMs: 2000 });
  return { sim, leader: p.leader };
}

const stepsOf = (sim: Simulation, tracker: SendTracker, id: number) =>
  sendSteps(tracker.get(id)!, sim.snapshot().topics[0]!.partitions[0]);

describe('each state says what really happened (learners saw false ones)', () => {
  it('an acks=1 record acknowledged, then lost to a leader change, is not left "acknowledged"', () => {
    const { sim, leader } = slowFollowers(1);
    const id = sim.dispatch({
      type: 'producer.send',
      producer: 'p1',
      topic: 'orders',
      key: null,
      value: 'x',
    });
    sim.runUntil((s) => s.events().some((e) => e.type === 'producer.acked' && e.commandId === id), 2000);
    sim.dispatch({ type: 'broker.crash', broker: leader });
    sim.runFor(15_000);
    const tracker = new SendTracker();
    tracker.apply(sim.events());
    const life = tracker.get(id)!;
    expect(life.ackedAtMs).toBeDefined();
    expect(life.lostReason).toMatch(/became leader without it/);
    const steps = stepsOf(sim, tracker, id);
    expect(steps.find((s) => s.id === 'lost')).toMatchObject({ state: 'failed' });
    expect(steps.find((s) => s.id === 'lost')!.text).toMatch(/^then lost/);
    expect(steps.some((s) => s.id === 'committed')).toBe(false);
    expect(sendSummary(life)).toMatch(/acknowledged, then lost/);
  });

  it('an acks=all record whose first copy was truncated and whose retry was acknowledged', () => {
    const { sim, leader } = slowFollowers('all');
    const id = sim.dispatch({
      type: 'producer.send',
      producer: 'p1',
      topic: 'orders',
      key: null,
      value: 'y',
    });
    sim.runUntil((s) => s.events().some((e) => e.type === 'partition.appended'), 2000);
    sim.dispatch({ type: 'broker.crash', broker: leader });
    sim.runFor(15_000);
    sim.dispatch({ type: 'node.restart', node: `broker-${leader}` });
    sim.runFor(15_000);
    const tracker = new SendTracker();
    tracker.apply(sim.events());
    const life = tracker.get(id)!;
    expect(life.ackedAtMs).toBeDefined();
    expect(life.earlier).toMatchObject({ leader });
    expect(life.leader).not.toBe(leader);
    const steps = stepsOf(sim, tracker, id);
    // Acknowledged, and never at the same time "truncated: gone".
    expect(steps.find((s) => s.id === 'acked')).toMatchObject({ state: 'done' });
    expect(steps.some((s) => s.id === 'lost')).toBe(false);
    expect(steps.find((s) => s.id === 'earlier')!.text).toMatch(/first copy .* lost/);
  });

  it('a record of an aborted transaction is never "committed"', () => {
    const sim = withTopic();
    sim.dispatch({
      type: 'producer.create',
      producer: 't',
      config: { acks: 'all', 'transactional.id': 'tx' },
    });
    sim.runUntil(
      (s) => s.snapshot().producers.find((p) => p.id === 't')?.transactionState === 'READY',
      20_000,
    );
    sim.dispatch({ type: 'producer.beginTransaction', producer: 't' });
    const id = sim.dispatch({ type: 'producer.send', producer: 't', topic: 'orders', key: null, value: 'z' });
    sim.runFor(2000);
    sim.dispatch({ type: 'producer.abortTransaction', producer: 't' });
    sim.runFor(3000);
    const tracker = new SendTracker();
    tracker.apply(sim.events());
    const life = tracker.get(id)!;
    expect(life.committedAtMs).toBeDefined(); // the HW did pass it
    const steps = sendSteps(life, undefined);
    expect(
      steps
        .filter((s) => s.state === 'done')
        .map((s) => s.text)
        .join(' | '),
    ).not.toMatch(/committed/);
    expect(steps.find((s) => s.id === 'transaction')).toMatchObject({ state: 'failed' });
    expect(steps.find((s) => s.id === 'transaction')!.text).toMatch(/aborted/);
    expect(sendSummary(life)).toMatch(/transaction aborted/);
  });
});
