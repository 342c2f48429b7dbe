/**
 * The sweeps' new invariants can fail (issue 13). Each is run against a deliberately broken
 * engine — a test double swapped in with vi.mock, off unless a test turns it on:
 * - followers that never truncate (partition-log's truncateTo does nothing): the convergence
 *   check reports the follower's endless Fetch loop;
 * - a producer whose request timeout fails only that request and takes answers in arrival order
 *   (the engine before issue 13): the lost-responses check reports the wedged producer.
 * The other parts of the convergence check are shown failing on a tampered or unhealed cluster.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { BrokerNode } from '../cluster/broker-state';
import type { ProducerNode } from '../client/producer-state';
import type { NodeContext, RpcMessage } from '../kernel/kernel';
import type { ProduceResponse } from '../protocol/produce';
import { checkConvergence, checkReplicasConverged } from './convergence';
import { idempotentLossRun } from './idempotent-loss';
import { produceFuzz } from './produce-fuzz';
import { cluster, untilReady } from './scenario';

const broken = vi.hoisted(() => ({ noTruncation: false, oneRequestTimeouts: false }));

vi.mock('../cluster/partition-log', async (importOriginal) => {
  const real = await importOriginal<typeof import('../cluster/partition-log')>();
  return {
    ...real,
    truncateTo: (log: Parameters<typeof real.truncateTo>[0], offset: number) =>
      broken.noTruncation ? 0 : real.truncateTo(log, offset),
  };
});

vi.mock('../client/producer-connection', async (importOriginal) => {
  const real = await importOriginal<typeof import('../client/producer-connection')>();
  const sender = await import('../client/sender');
  return {
    ...real,
    onProduceResponse: (ctx: NodeContext, self: ProducerNode, msg: RpcMessage) => {
      if (!broken.oneRequestTimeouts) return real.onProduceResponse(ctx, self, msg);
      if (msg.inReplyTo !== undefined)
        sender.completeRequest(ctx, self, msg.inReplyTo, msg.body as ProduceResponse);
    },
    onRequestTimeout: (ctx: NodeContext, self: ProducerNode, msgId: number) => {
      if (!broken.oneRequestTimeouts) return real.onRequestTimeout(ctx, self, msgId);
      sender.failRequest(ctx, self, msgId, 'REQUEST_TIMED_OUT', 'timed out', true);
    },
  };
});

afterEach(() => {
  broken.noTruncation = false;
  broken.oneRequestTimeouts = false;
});

/** Two leaders in a row, the second dying before it writes: its log then diverges. */
function divergedFollower() {
  const sim = untilReady(cluster(7));
  sim.dispatch({ type: 'topic.create', topic: 'orders', partitions: 1, replicationFactor: 3 });
  sim.dispatch({ type: 'producer.create', producer: 'p' });
  sim.runFor(500);
  for (const value of ['a', 'b', 'c'])
    sim.dispatch({ type: 'producer.send', producer: 'p', topic: 'orders', key: null, value });
  sim.runUntil((s) => s.snapshot().producers[0]!.acked === 3, 5000);
  const p = () => sim.snapshot().topics.find((t) => t.name === 'orders')!.partitions[0]!;
  const first = p().leader;
  sim.dispatch({ type: 'broker.crash', broker: first });
  sim.runUntil(() => ![first, -1].includes(p().leader), 15_000);
  const second = p().leader;
  const epoch = p().leaderEpoch;
  const log = () => (sim.kernel.state.nodes[`broker-${second}`] as BrokerNode).durable.logs['orders-0']!;
  sim.runUntil(() => log().epochs.at(-1)?.epoch === epoch, 1000);
  sim.dispatch({ type: 'broker.crash', broker: second });
  sim.runUntil(() => ![first, second, -1].includes(p().leader), 15_000);
  return sim;
}

describe('the convergence invariant (produce and cluster sweeps)', () => {
  it('holds on the real engine for a diverged follower', () => {
    expect(checkConvergence(divergedFollower(), 20_000)).toBeNull();
  });

  it('fails when followers do not truncate: the Fetch loop is named', () => {
    broken.noTruncation = true;
    expect(checkConvergence(divergedFollower(), 20_000)).toMatch(
      /fetch loop broker-\d→broker-\d: 6 immediate empty answers.*diverging/,
    );
  });

  it('fails when followers do not truncate, inside the produce sweep’s own harness', () => {
    broken.noTruncation = true;
    const failing = [1, 2, 3, 4, 5, 6].map(
      (seed) =>
        produceFuzz(seed, { acks: -1, minIsr: 2, durationMs: 20_000, checkEveryStep: false }).violation,
    );
    expect(failing.filter((v) => v !== null).length).toBeGreaterThan(0);
  });

  it('fails when a replica’s log differs from its leader’s', () => {
    const sim = divergedFollower();
    expect(checkConvergence(sim, 20_000)).toBeNull();
    const p = sim.snapshot().topics.find((t) => t.name === 'orders')!.partitions[0]!;
    const follower = p.replicas.find((b) => b !== p.leader)!;
    const log = (sim.kernel.state.nodes[`broker-${follower}`] as BrokerNode).durable.logs['orders-0']!;
    log.batches[0] = { ...log.batches[0]!, records: [{ ...log.batches[0]!.records[0]!, value: 'tampered' }] };
    expect(checkReplicasConverged(sim)).toMatch(/log differs from leader \d's at record 0/);
  });

  it('fails when the ISR is not full', () => {
    const sim = untilReady(cluster(3));
    sim.dispatch({ type: 'topic.create', topic: 'orders', partitions: 1, replicationFactor: 3 });
    sim.runFor(1000);
    expect(checkReplicasConverged(sim)).toBeNull();
    const p = sim.snapshot().topics[0]!.partitions[0]!;
    sim.dispatch({ type: 'broker.crash', broker: p.replicas.find((b) => b !== p.leader)! });
    sim.runFor(40_000);
    expect(checkReplicasConverged(sim)).toMatch(/ISR \[.*\] is missing replicas/);
  });
});

describe('the lost-responses invariant (idempotent producer sweep)', () => {
  it('fails on a producer whose timeouts fail one request and whose answers are taken out of order', () => {
    broken.oneRequestTimeouts = true;
    const problems = [1, 2, 3, 4, 5, 6].map((seed) => idempotentLossRun(seed).problem);
    expect(problems.filter((p) => p !== null).length).toBeGreaterThan(0);
    expect(problems.find((p) => p !== null)).toMatch(/log differs at offset|acknowledged|failed/);
  });
});
