import { describe, expect, it } from 'vitest';
import type { ProduceResponse } from '../protocol/produce';
import { batchOf, produce, replyTo, sendRaw, simulationWithRawClient } from '../testing/raw-client';
import { eventsOf, lastSeq, untilReady } from '../testing/scenario';
import type { FacadeSimulation as Simulation } from '../simulation';

function setup(seed: number, config: Record<string, string | number> = {}) {
  const sim = untilReady(simulationWithRawClient({ seed, brokers: 3 }));
  sim.dispatch({ type: 'topic.create', topic: 'orders', partitions: 1, replicationFactor: 3, config });
  sim.runUntil((s) => s.snapshot().topics[0]?.partitions[0]?.replicaStates.length === 3, 5000);
  sim.runFor(1000); // followers start fetching
  const p = sim.snapshot().topics[0]!.partitions[0]!;
  return { sim, leader: p.leader, followers: p.replicas.filter((b) => b !== p.leader) };
}

const answer = (sim: Simulation, id: number) => replyTo(sim, id)?.body as ProduceResponse | undefined;
const replicas = (sim: Simulation) => sim.snapshot().topics[0]!.partitions[0]!.replicaStates;

describe('replication and the high watermark', () => {
  it('acks=all answers only after every ISR replica has the batch and the HW passed it', () => {
    const { sim, leader } = setup(21);
    const since = lastSeq(sim);
    const id = sendRaw(sim, `broker-${leader}`, 'Produce', produce('orders', 0, batchOf(['a', 'b', 'c'])));
    sim.runUntil((s) => answer(s, id) !== undefined, 5000);
    expect(answer(sim, id)!.partitions[0]).toMatchObject({ error: null, baseOffset: 0 });
    const appended = eventsOf(sim, 'partition.appended', since)[0]!;
    const hw = eventsOf(sim, 'partition.highWatermarkMoved', since).find((e) => e.highWatermark >= 3)!;
    const followerCopies = eventsOf(sim, 'replica.appended', since);
    expect(followerCopies).toHaveLength(2);
    for (const f of followerCopies) expect(f.seq).toBeLessThan(hw.seq);
    expect(appended.seq).toBeLessThan(hw.seq);
    const reply = sim.events(since).find((e) => e.type === 'rpc.sent' && e.kind === 'ProduceResponse')!;
    expect(reply.seq).toBeGreaterThan(hw.seq);
    sim.runFor(1000);
    for (const r of replicas(sim)) expect(r).toMatchObject({ logEndOffset: 3, highWatermark: 3 });
    for (const b of [1, 2, 3])
      expect(sim.readLog(b, 'orders', 0).map((r) => r.value)).toEqual(['a', 'b', 'c']);
  });

  it('acks=1 answers as soon as the leader appended; acks=0 gets no answer at all', () => {
    const { sim, leader } = setup(22);
    const one = sendRaw(sim, `broker-${leader}`, 'Produce', produce('orders', 0, batchOf(['x']), 1));
    const zero = sendRaw(sim, `broker-${leader}`, 'Produce', produce('orders', 0, batchOf(['y']), 0));
    sim.runFor(20);
    const oneReply = replyTo(sim, one)!;
    expect((oneReply.body as ProduceResponse).partitions[0]!.error).toBeNull();
    // Answered on the leader's append: before any follower fetched it.
    const appended = eventsOf(sim, 'partition.appended')[0]!;
    expect(oneReply.sentAtMs).toBe(appended.atMs);
    sim.runFor(2000);
    expect(replyTo(sim, zero)).toBeUndefined();
    expect(sim.readLog(leader, 'orders', 0).map((r) => r.value)).toEqual(['x', 'y']);
  });

  it('acks=all with too few in-sync replicas fails with NOT_ENOUGH_REPLICAS and appends nothing', () => {
    const { sim, leader, followers } = setup(23, { 'min.insync.replicas': 3 });
    sim.dispatch({ type: 'broker.crash', broker: followers[0]! });
    sim.runUntil((s) => s.snapshot().topics[0]!.partitions[0]!.isr.length === 2, 40_000);
    const id = sendRaw(sim, `broker-${leader}`, 'Produce', produce('orders', 0, batchOf(['z'])));
    sim.runUntil((s) => answer(s, id) !== undefined, 1000);
    expect(answer(sim, id)!.partitions[0]!.error).toBe('NOT_ENOUGH_REPLICAS');
    expect(sim.readLog(leader, 'orders', 0)).toEqual([]);
  });

  it('dedupes a retried idempotent batch and rejects a sequence gap', () => {
    const { sim, leader } = setup(24);
    const to = `broker-${leader}`;
    const first = batchOf(['p', 'q'], { producerId: 7, baseSequence: 0 });
    const a = sendRaw(sim, to, 'Produce', produce('orders', 0, first));
    sim.runUntil((s) => answer(s, a) !== undefined, 5000);
    const retry = sendRaw(sim, to, 'Produce', produce('orders', 0, first));
    sim.runUntil((s) => answer(s, retry) !== undefined, 5000);
    expect(answer(sim, retry)!.partitions[0]).toMatchObject({ error: null, baseOffset: 0 });
    expect(eventsOf(sim, 'partition.duplicateBatchDetected')).toHaveLength(1);
    const gap = sendRaw(
      sim,
      to,
      'Produce',
      produce('orders', 0, batchOf(['r'], { producerId: 7, baseSequence: 5 })),
    );
    sim.runUntil((s) => answer(s, gap) !== undefined, 5000);
    expect(answer(sim, gap)!.partitions[0]!.error).toBe('OUT_OF_ORDER_SEQUENCE_NUMBER');
    expect(sim.readLog(leader, 'orders', 0).map((r) => r.value)).toEqual(['p', 'q']);
  });

  it('acks=all answers a retried duplicate only once the original batch is replicated', () => {
    const { sim, leader, followers } = setup(25);
    const to = `broker-${leader}`;
    for (const f of followers) sim.dispatch({ type: 'network.cut', from: `broker-${f}`, to });
    const batch = batchOf(['once'], { producerId: 9, baseSequence: 0 });
    const first = sendRaw(sim, to, 'Produce', produce('orders', 0, batch));
    sim.runFor(200);
    const retry = sendRaw(sim, to, 'Produce', produce('orders', 0, batch));
    sim.runFor(2000);
    expect(eventsOf(sim, 'partition.duplicateBatchDetected')).toHaveLength(1);
    expect(answer(sim, first)).toBeUndefined();
    expect(answer(sim, retry)).toBeUndefined(); // not acknowledged: nobody else has it yet
    sim.dispatch({ type: 'network.heal' });
    sim.runUntil((s) => answer(s, retry) !== undefined, 5000);
    expect(answer(sim, retry)!.partitions[0]).toMatchObject({ error: null, baseOffset: 0 });
    for (const b of [1, 2, 3]) expect(sim.readLog(b, 'orders', 0).map((r) => r.value)).toEqual(['once']);
  });
});
