import { describe, expect, it } from 'vitest';
import type { ProduceResponse } from '../protocol/produce';
import { batchOf, produce, replyTo, sendRaw, simulationWithRawClient } from '../testing/raw-client';
import { eventsOf, lastSeq, untilReady } from '../testing/scenario';
import type { FacadeSimulation as Simulation } from '../simulation';

const LAG_MS = 10_000;

function setup(seed: number) {
  const sim = untilReady(
    simulationWithRawClient({ seed, brokers: 3, brokerConfig: { 'replica.lag.time.max.ms': LAG_MS } }),
  );
  sim.dispatch({ type: 'topic.create', topic: 'orders', partitions: 1, replicationFactor: 3 });
  sim.runFor(1500);
  const p = sim.snapshot().topics[0]!.partitions[0]!;
  return { sim, leader: p.leader, followers: p.replicas.filter((b) => b !== p.leader) };
}

const partition = (sim: Simulation) => sim.snapshot().topics[0]!.partitions[0]!;
const answer = (sim: Simulation, id: number) => replyTo(sim, id)?.body as ProduceResponse | undefined;

describe('in-sync replicas', () => {
  it('a follower cut off from its leader leaves the ISR after replica.lag.time.max.ms, then rejoins', () => {
    const { sim, leader, followers } = setup(31);
    const lagging = followers[0]!;
    const since = lastSeq(sim);
    sim.dispatch({ type: 'network.cut', from: `broker-${lagging}`, to: `broker-${leader}` });
    const cutAt = sim.now();
    // Keep writing so the follower really falls behind.
    sendRaw(sim, `broker-${leader}`, 'Produce', produce('orders', 0, batchOf(['1', '2']), 1));
    expect(sim.runUntil((s) => !partition(s).isr.includes(lagging), 3 * LAG_MS)).toBe(true);
    const shrink = eventsOf(sim, 'partition.changed', since).find((e) => e.reason === 'isr-shrink')!;
    expect([...shrink.isr].sort()).toEqual([leader, followers[1]!].sort());
    expect(shrink.atMs - cutAt).toBeGreaterThan(LAG_MS);
    expect(eventsOf(sim, 'partition.isrProposed', since)[0]!.detail).toMatch(
      /replica\.lag\.time\.max\.ms=10000/,
    );
    // Heal: it fetches, catches up and is added back.
    sim.dispatch({ type: 'network.heal' });
    expect(sim.runUntil((s) => partition(s).isr.includes(lagging), 10_000)).toBe(true);
    expect(eventsOf(sim, 'partition.changed', since).at(-1)).toMatchObject({ reason: 'isr-expand' });
    expect(sim.readLog(lagging, 'orders', 0).map((r) => r.value)).toEqual(['1', '2']);
  });

  it('holds the HW while the ISR shrink is pending, then advances once it commits', () => {
    const { sim, leader, followers } = setup(32);
    sim.dispatch({ type: 'network.cut', from: `broker-${followers[0]}`, to: `broker-${leader}` });
    const id = sendRaw(sim, `broker-${leader}`, 'Produce', produce('orders', 0, batchOf(['k'])));
    sim.runFor(LAG_MS / 2);
    expect(answer(sim, id)).toBeUndefined(); // acks=all waits for the cut-off ISR member
    sim.runUntil((s) => answer(s, id) !== undefined, 3 * LAG_MS);
    expect(answer(sim, id)!.partitions[0]).toMatchObject({ error: null, baseOffset: 0 });
    expect(partition(sim).isr).not.toContain(followers[0]);
  });
});

describe('leader epochs and truncation', () => {
  it('an isolated leader acknowledges acks=1 writes that the new leader never had; they are truncated on return', () => {
    const { sim, leader } = setup(33);
    const others = [1, 2, 3].filter((b) => b !== leader).map((b) => `broker-${b}`);
    const since = lastSeq(sim);
    // The leader is cut off from everyone but the client.
    sim.dispatch({
      type: 'network.partition',
      sides: [[`broker-${leader}`], ['controller-1', 'controller-2', 'controller-3', ...others]],
    });
    const lost = sendRaw(sim, `broker-${leader}`, 'Produce', produce('orders', 0, batchOf(['lost']), 1));
    sim.runFor(100);
    expect(answer(sim, lost)!.partitions[0]).toMatchObject({ error: null, baseOffset: 0 }); // acknowledged!
    // The controller fences the silent broker and elects a new leader from the ISR.
    expect(sim.runUntil((s) => partition(s).leader !== leader && partition(s).leader !== -1, 15_000)).toBe(
      true,
    );
    const newLeader = partition(sim).leader;
    sim.runFor(1000); // let the new leader learn of its election from the metadata log
    const kept = sendRaw(sim, `broker-${newLeader}`, 'Produce', produce('orders', 0, batchOf(['kept']), 1));
    sim.runUntil((s) => answer(s, kept) !== undefined, 2000);
    sim.dispatch({ type: 'network.heal' });
    sim.runFor(10_000);
    // The old leader learned it was deposed, found its log diverged, and truncated the acked write.
    const truncated = eventsOf(sim, 'replica.truncated', since).filter((e) => e.broker === leader);
    expect(truncated).toMatchObject([{ toOffset: 0, removed: 1 }]);
    for (const b of [1, 2, 3]) expect(sim.readLog(b, 'orders', 0).map((r) => r.value)).toEqual(['kept']);
  });

  it('with acks=all the isolated leader cannot acknowledge at all: nothing acknowledged is lost', () => {
    const { sim, leader } = setup(34);
    const others = [1, 2, 3].filter((b) => b !== leader).map((b) => `broker-${b}`);
    sim.dispatch({
      type: 'network.partition',
      sides: [[`broker-${leader}`], ['controller-1', 'controller-2', 'controller-3', ...others]],
    });
    const id = sendRaw(sim, `broker-${leader}`, 'Produce', produce('orders', 0, batchOf(['maybe'])));
    sim.runFor(40_000);
    expect(answer(sim, id)!.partitions[0]!.error).toMatch(/REQUEST_TIMED_OUT|NOT_LEADER_OR_FOLLOWER/);
  });

  it('the ISR shrinking below min.insync.replicas after an append freezes the HW: the request times out, the record stays in the log', () => {
    // Kafka 3.7+ (KAFKA-15583): under min ISR the HW does not move, so NOT_ENOUGH_REPLICAS_AFTER_APPEND
    // gives way to REQUEST_TIMED_OUT (reference §4.4). The write is in the log although it "failed".
    const sim = untilReady(
      simulationWithRawClient({ seed: 35, brokers: 3, brokerConfig: { 'replica.lag.time.max.ms': LAG_MS } }),
    );
    sim.dispatch({
      type: 'topic.create',
      topic: 'orders',
      partitions: 1,
      replicationFactor: 3,
      config: { 'min.insync.replicas': 3 },
    });
    sim.runFor(1500);
    const p = partition(sim);
    const follower = p.replicas.find((b) => b !== p.leader)!;
    sim.dispatch({ type: 'network.cut', from: `broker-${follower}`, to: `broker-${p.leader}` });
    const req = produce('orders', 0, batchOf(['in-the-log']));
    const id = sendRaw(sim, `broker-${p.leader}`, 'Produce', { ...req, timeoutMs: 3 * LAG_MS });
    sim.runUntil((s) => answer(s, id) !== undefined, 4 * LAG_MS);
    expect(partition(sim).isr).not.toContain(follower);
    expect(answer(sim, id)!.partitions[0]!.error).toBe('REQUEST_TIMED_OUT');
    expect(sim.readLog(p.leader, 'orders', 0).map((r) => r.value)).toEqual(['in-the-log']);
    expect(partition(sim).replicaStates.find((r) => r.broker === p.leader)!.highWatermark).toBe(0);
  });
});
