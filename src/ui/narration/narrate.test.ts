import { describe, expect, it } from 'vitest';
import type { Command } from '../../engine';
import { idempotentLossRun } from '../../engine/testing/idempotent-loss';
import { cluster, untilReady } from '../../engine/testing/scenario';
import { Narrator, mergeSentences } from './narrate';

/** A teaching-scale cluster: followers leave the ISR after 2 s instead of 30 s. */
function teachingCluster() {
  const sim = untilReady(cluster(1, { brokerConfig: { 'replica.lag.time.max.ms': 2000 } }));
  sim.dispatch({ type: 'topic.create', topic: 'orders', partitions: 1, replicationFactor: 3 });
  sim.runFor(300);
  return sim;
}

describe('narration', () => {
  it('explains a consumer that took longer than max.poll.interval.ms', () => {
    const sim = teachingCluster();
    sim.dispatch({ type: 'producer.create', producer: 'p1' });
    for (let i = 0; i < 5; i++)
      sim.dispatch({ type: 'producer.send', producer: 'p1', topic: 'orders', key: null, value: `v${i}` });
    sim.dispatch({
      type: 'consumer.create',
      consumer: 'slow',
      groupId: 'g',
      config: {
        'auto.offset.reset': 'earliest',
        'processing.ms.per.record': 2000,
        'max.poll.interval.ms': 3000,
      },
    });
    sim.dispatch({ type: 'consumer.subscribe', consumer: 'slow', topics: ['orders'] });
    sim.runUntil((s) => s.events().some((e) => e.type === 'consumer.pollTimedOut'), 30_000);
    const texts = new Narrator().narrate(sim.events()).map((t) => t.text);
    expect(texts).toContain(
      'slow spent longer than max.poll.interval.ms (3000 ms) on its records without polling again, so it left group g. Its partitions go to the others, and whatever it had not committed will be read again.',
    );
  });

  it('explains a producer closing a connection that timed out', () => {
    const { sim } = idempotentLossRun(1, { settleMs: 1000 });
    const texts = new Narrator().narrate(sim.events()).map((t) => t.text);
    expect(
      texts.some((t) =>
        /^p got no answer from broker-\d within request\.timeout\.ms and closed the connection/.test(t),
      ),
    ).toBe(true);
  });

  it('says who left the ISR and why, then who rejoined', () => {
    const sim = teachingCluster();
    const narrator = new Narrator();
    narrator.narrate(sim.events(), undefined);
    const p = sim.snapshot().topics[0]!.partitions[0]!;
    const follower = p.replicas.find((b) => b !== p.leader)!;
    const before = sim.snapshot();
    const since = sim.events().at(-1)!.seq;
    sim.dispatch({ type: 'network.cut', from: `broker-${follower}`, to: `broker-${p.leader}` });
    // An idle follower is never out of sync (its log end equals the leader's): write something.
    sim.dispatch({ type: 'producer.create', producer: 'p1', config: { acks: 1 } });
    sim.dispatch({ type: 'producer.send', producer: 'p1', topic: 'orders', key: null, value: 'hello' });
    sim.runFor(5000);
    const cut = narrator.narrate(sim.events(since), before).map((s) => s.text);
    expect(cut).toContain(`broker-${follower} and broker-${p.leader} can no longer reach each other.`);
    const left = cut.find((t) =>
      t.startsWith(`broker-${follower} left the ISR of orders-0: broker ${follower} has not`),
    );
    expect(left).toMatch(/\(replica\.lag\.time\.max\.ms=2000\)\. ISR now \[/);

    const healedAt = sim.events().at(-1)!.seq;
    sim.dispatch({ type: 'network.heal' } as Extract<Command, { type: 'network.heal' }>);
    sim.runUntil((s) => s.snapshot().topics[0]!.partitions[0]!.isr.includes(follower), 30_000);
    const healed = narrator.narrate(sim.events(healedAt)).map((s) => s.text);
    expect(healed).toContain('The network is whole again: every node can reach every other node.');
    expect(
      healed.some((t) =>
        t.startsWith(`broker-${follower} rejoined the ISR of orders-0: broker ${follower} caught up`),
      ),
    ).toBe(true);
  });

  it('narrates a crash, the fencing and the new leader in plain words', () => {
    const sim = teachingCluster();
    const narrator = new Narrator();
    const since = sim.events().at(-1)!.seq;
    const leader = sim.snapshot().topics[0]!.partitions[0]!.leader;
    sim.dispatch({ type: 'broker.crash', broker: leader });
    sim.runFor(12_000);
    const texts = narrator.narrate(sim.events(since)).map((s) => s.text);
    expect(texts).toContain(`broker-${leader} crashed: it keeps its log on disk and loses everything else.`);
    expect(texts).toContain(
      `broker-${leader} is fenced: no heartbeat reached the controller within broker.session.timeout.ms.`,
    );
    expect(
      texts.some((t) => /^orders-0 is led by broker-\d in leader epoch 1 \(its leader was fenced\)/.test(t)),
    ).toBe(true);
  });

  it('sums a burst of acknowledgements into one sentence', () => {
    const sim = teachingCluster();
    sim.dispatch({ type: 'producer.create', producer: 'p1', config: { acks: 'all' } });
    const since = sim.events().at(-1)!.seq;
    for (let i = 0; i < 20; i++)
      sim.dispatch({ type: 'producer.send', producer: 'p1', topic: 'orders', key: null, value: `v${i}` });
    sim.runFor(1000);
    const texts = new Narrator().narrate(sim.events(since)).map((s) => s.text);
    expect(texts).toContain('p1: 20 records acknowledged.');
  });

  it('keeps one running sum for a burst acknowledged over many frames', () => {
    const sum = (id: number, atMs: number, count: number) => ({
      id,
      atMs,
      tone: 'good' as const,
      text: '',
      acks: { producer: 'p1', count, lastAtMs: atMs },
    });
    const log = mergeSentences(mergeSentences([], [sum(1, 100, 190)]), [sum(2, 116, 198)]);
    expect(log).toHaveLength(1);
    expect(log[0]).toMatchObject({ id: 1, text: 'p1: 388 records acknowledged.' });
    // Something else said in between starts a new sum.
    const other = { id: 3, atMs: 120, tone: 'info' as const, text: 'broker-1 crashed.' };
    expect(mergeSentences([...log, other], [sum(4, 130, 5)])).toHaveLength(3);
  });

  it('a cooperative rebalance: a member that keeps its partitions is not said to own none', () => {
    const sim = untilReady(cluster(11));
    sim.dispatch({ type: 'topic.create', topic: 'clicks', partitions: 3, replicationFactor: 1 });
    sim.runFor(500);
    const join = (consumer: string): Command[] => [
      {
        type: 'consumer.create',
        consumer,
        groupId: 'E',
        config: { 'partition.assignment.strategy': 'cooperative-sticky' },
      },
      { type: 'consumer.subscribe', consumer, topics: ['clicks'] },
    ];
    for (const c of join('e1')) sim.dispatch(c);
    sim.runUntil((s) => s.snapshot().groups.find((g) => g.groupId === 'E')?.state === 'Stable', 20_000);
    sim.runFor(1000);
    const from = sim.events().at(-1)!.seq;
    for (const c of join('e2')) sim.dispatch(c);
    sim.runFor(20_000);
    const narrator = new Narrator();
    narrator.narrate(sim.events().filter((e) => e.seq <= from));
    const texts = narrator.narrate(sim.events(from)).map((t) => t.text);
    const e1 = texts.filter((t) => t.startsWith('e1 '));
    expect(e1.some((t) => /^e1 keeps clicks-\d/.test(t))).toBe(true);
    expect(e1.join(' ')).not.toMatch(/e1 now owns no partitions/);
  });
});
