/**
 * Transactions, end to end (reference §7): a transactional producer commits or aborts, the
 * coordinator writes the markers, the LSO moves, and read_committed consumers see only committed
 * records while read_uncommitted ones see everything.
 */
import { describe, expect, it } from 'vitest';
import { cluster, eventsOf, tail, untilReady } from '../testing/scenario';
import type { FacadeSimulation as Simulation } from '../simulation';
import { formatTrace, replaySimulation } from '../index';

const BROKER_CONFIG = {
  'transaction.state.log.num.partitions': 3,
  'offsets.topic.num.partitions': 3,
  'transaction.abort.timed.out.transaction.cleaner.interval.ms': 1000,
};

function setup(seed = 7): Simulation {
  const sim = untilReady(cluster(seed, { brokers: 3, brokerConfig: BROKER_CONFIG }));
  sim.dispatch({
    type: 'topic.create',
    topic: 'orders',
    partitions: 2,
    replicationFactor: 3,
    config: { 'min.insync.replicas': 2 },
  });
  sim.runFor(500);
  return sim;
}

function transactional(sim: Simulation, producer: string, extra: Record<string, string | number> = {}) {
  sim.dispatch({ type: 'producer.create', producer, config: { 'transactional.id': 'tx-1', ...extra } });
  const ok = sim.runUntil(
    (s) => s.snapshot().producers.find((p) => p.id === producer)?.transactionState === 'READY',
    20_000,
  );
  if (!ok) throw new Error(`producer ${producer} never initialized\n${tail(sim)}`);
}

function sendAll(sim: Simulation, producer: string, values: string[]) {
  values.forEach((value, i) =>
    sim.dispatch({ type: 'producer.send', producer, topic: 'orders', key: null, value, partition: i % 2 }),
  );
}

function replica(sim: Simulation, partition: number) {
  const p = sim.snapshot().topics.find((t) => t.name === 'orders')!.partitions[partition]!;
  return p.replicaStates.find((r) => r.broker === p.leader)!;
}

function consume(sim: Simulation, consumer: string, isolation: 'read_committed' | 'read_uncommitted') {
  sim.dispatch({
    type: 'consumer.create',
    consumer,
    config: { 'isolation.level': isolation, 'auto.offset.reset': 'earliest' },
  });
  sim.dispatch({
    type: 'consumer.assign',
    consumer,
    partitions: [
      { topic: 'orders', partition: 0 },
      { topic: 'orders', partition: 1 },
    ],
  });
}

const received = (sim: Simulation, consumer: string) =>
  eventsOf(sim, 'consumer.received')
    .filter((e) => e.consumer === consumer)
    .flatMap((e) => e.records.map((r) => r.value))
    .sort();

describe('transactions', () => {
  it('commits: markers on every partition, the LSO reaches the HW, read_committed sees the records', () => {
    const sim = setup();
    transactional(sim, 'tp');
    sim.dispatch({ type: 'producer.beginTransaction', producer: 'tp' });
    sendAll(sim, 'tp', ['a', 'b', 'c']);
    sim.dispatch({ type: 'producer.commitTransaction', producer: 'tp' });
    const done = sim.runUntil((s) => eventsOf(s, 'transaction.committed').length > 0, 20_000);
    expect(done, tail(sim)).toBe(true);
    expect(eventsOf(sim, 'producer.transactionCommitted')).toHaveLength(1);
    const markers = eventsOf(sim, 'partition.markerWritten');
    expect(markers.map((m) => m.partition).sort()).toEqual([0, 1]);
    expect(markers.every((m) => m.control === 'COMMIT')).toBe(true);
    sim.runFor(2000);
    for (const p of [0, 1]) {
      const r = replica(sim, p);
      expect(r.lastStableOffset).toBe(r.highWatermark);
      expect(r.controlOffsets).toHaveLength(1);
    }
    const log = sim.readLog(replica(sim, 0).broker, 'orders', 0);
    expect(log.at(-1)?.control).toBe('COMMIT');
    consume(sim, 'rc', 'read_committed');
    sim.runFor(3000);
    expect(received(sim, 'rc')).toEqual(['a', 'b', 'c']);
    const snap = sim.snapshot();
    expect(snap.transactions?.[0]).toMatchObject({ transactionalId: 'tx-1', state: 'CompleteCommit' });
  });

  it('aborts: ABORT markers, read_committed skips the records, read_uncommitted sees them', () => {
    const sim = setup(11);
    transactional(sim, 'tp');
    sim.dispatch({ type: 'producer.create', producer: 'plain' });
    sim.dispatch({ type: 'producer.beginTransaction', producer: 'tp' });
    sendAll(sim, 'tp', ['x1', 'x2']);
    sim.runFor(500); // the records are in the log, the transaction still open
    sim.dispatch({
      type: 'producer.send',
      producer: 'plain',
      topic: 'orders',
      key: null,
      value: 'p1',
      partition: 0,
    });
    sim.runFor(500);
    sim.dispatch({ type: 'producer.abortTransaction', producer: 'tp' });
    const done = sim.runUntil((s) => eventsOf(s, 'transaction.aborted').length > 0, 20_000);
    expect(done, tail(sim)).toBe(true);
    expect(eventsOf(sim, 'transaction.aborted')[0]!.reason).toBe('requested');
    expect(eventsOf(sim, 'producer.transactionAborted')).toHaveLength(1);
    expect(eventsOf(sim, 'partition.markerWritten').every((m) => m.control === 'ABORT')).toBe(true);
    consume(sim, 'rc', 'read_committed');
    consume(sim, 'ru', 'read_uncommitted');
    sim.runFor(3000);
    expect(received(sim, 'rc')).toEqual(['p1']);
    expect(received(sim, 'ru')).toEqual(['p1', 'x1', 'x2']);
    // Both consumers moved past the marker.
    const rc = sim.snapshot().consumers.find((c) => c.id === 'rc')!;
    for (const a of rc.assignment) expect(a.position).toBe(replica(sim, a.partition).logEndOffset);
  });

  it('read_committed stops at the LSO while a transaction is open; read_uncommitted reads to the HW', () => {
    const sim = setup(12);
    transactional(sim, 'tp');
    sim.dispatch({ type: 'producer.create', producer: 'plain' });
    sim.dispatch({
      type: 'producer.send',
      producer: 'plain',
      topic: 'orders',
      key: null,
      value: 'before',
      partition: 0,
    });
    sim.runFor(500);
    sim.dispatch({ type: 'producer.beginTransaction', producer: 'tp' });
    sendAll(sim, 'tp', ['open']);
    sim.runFor(500);
    sim.dispatch({
      type: 'producer.send',
      producer: 'plain',
      topic: 'orders',
      key: null,
      value: 'after',
      partition: 0,
    });
    consume(sim, 'rc', 'read_committed');
    consume(sim, 'ru', 'read_uncommitted');
    sim.runFor(3000);
    const r = replica(sim, 0);
    expect(r.lastStableOffset).toBe(1); // the open transaction's first offset
    expect(r.highWatermark).toBe(3);
    expect(received(sim, 'rc')).toEqual(['before']);
    expect(received(sim, 'ru')).toEqual(['after', 'before', 'open']);
    // Lag is measured to what each may read: the LSO for read_committed, the HW otherwise.
    const lag = (c: string) =>
      sim
        .snapshot()
        .consumers.find((x) => x.id === c)!
        .assignment.find((a) => a.partition === 0)!.lag;
    expect(lag('rc')).toBe(0);
    expect(lag('ru')).toBe(0);
    sim.dispatch({ type: 'producer.commitTransaction', producer: 'tp' });
    sim.runFor(3000);
    expect(received(sim, 'rc')).toEqual(['after', 'before', 'open']);
  });

  it('aborts a transaction left open past transaction.timeout.ms by a producer that died', () => {
    const sim = setup(13);
    transactional(sim, 'tp', { 'transaction.timeout.ms': 3000 });
    sim.dispatch({ type: 'producer.beginTransaction', producer: 'tp' });
    sendAll(sim, 'tp', ['lost1', 'lost2']);
    sim.runFor(500);
    sim.dispatch({ type: 'node.crash', node: 'producer:tp' });
    const done = sim.runUntil((s) => eventsOf(s, 'transaction.aborted').length > 0, 20_000);
    expect(done, tail(sim)).toBe(true);
    const aborted = eventsOf(sim, 'transaction.aborted')[0]!;
    expect(aborted.reason).toBe('timeout');
    expect(aborted.producerEpoch).toBe(1); // the coordinator bumped the epoch to fence the old one
    sim.runFor(2000);
    for (const p of [0, 1]) expect(replica(sim, p).lastStableOffset).toBe(replica(sim, p).highWatermark);
    consume(sim, 'rc', 'read_committed');
    sim.runFor(3000);
    expect(received(sim, 'rc')).toEqual([]);
  });

  it('fences a zombie: a second instance with the same transactional.id bumps the epoch', () => {
    const sim = setup(14);
    transactional(sim, 'old');
    sim.dispatch({ type: 'producer.beginTransaction', producer: 'old' });
    sendAll(sim, 'old', ['zombie1']);
    sim.runFor(500);
    // The new instance takes over: its InitProducerId aborts the old open transaction and fences it.
    transactional(sim, 'new');
    expect(eventsOf(sim, 'transaction.aborted')[0]?.reason).toBe('fenced');
    const epochs = sim.snapshot().producers.map((p) => [p.id, p.producerEpoch]);
    expect(epochs).toEqual([
      ['old', 0],
      ['new', 2],
    ]);
    // The zombie keeps going: its next send is refused with INVALID_PRODUCER_EPOCH and it is fenced.
    sim.dispatch({
      type: 'producer.send',
      producer: 'old',
      topic: 'orders',
      key: null,
      value: 'zombie2',
      partition: 0,
    });
    sim.dispatch({ type: 'producer.commitTransaction', producer: 'old' });
    sim.runFor(3000);
    const fenced = eventsOf(sim, 'producer.fenced');
    expect(fenced).toHaveLength(1);
    expect(['PRODUCER_FENCED', 'INVALID_PRODUCER_EPOCH']).toContain(fenced[0]!.error);
    expect(eventsOf(sim, 'producer.transactionCommitted')).toHaveLength(0);
    expect(() => sim.dispatch({ type: 'producer.beginTransaction', producer: 'old' })).toThrow(/fenced/);
    // The new instance works.
    sim.dispatch({ type: 'producer.beginTransaction', producer: 'new' });
    sendAll(sim, 'new', ['fresh']);
    sim.dispatch({ type: 'producer.commitTransaction', producer: 'new' });
    sim.runFor(3000);
    consume(sim, 'rc', 'read_committed');
    sim.runFor(3000);
    expect(received(sim, 'rc')).toEqual(['fresh']);
  });

  it('rejects transactional commands in the wrong state with INVALID_TXN_STATE', () => {
    const sim = setup(15);
    sim.dispatch({ type: 'producer.create', producer: 'plain' });
    expect(() => sim.dispatch({ type: 'producer.beginTransaction', producer: 'plain' })).toThrow(
      expect.objectContaining({ code: 'INVALID_TXN_STATE' }),
    );
    transactional(sim, 'tp');
    expect(() => sim.dispatch({ type: 'producer.commitTransaction', producer: 'tp' })).toThrow(
      expect.objectContaining({ code: 'INVALID_TXN_STATE' }),
    );
    expect(() =>
      sim.dispatch({ type: 'producer.send', producer: 'tp', topic: 'orders', key: null, value: 'v' }),
    ).toThrow(expect.objectContaining({ code: 'INVALID_TXN_STATE' }));
    sim.dispatch({ type: 'producer.beginTransaction', producer: 'tp' });
    expect(() => sim.dispatch({ type: 'producer.beginTransaction', producer: 'tp' })).toThrow(
      expect.objectContaining({ code: 'INVALID_TXN_STATE' }),
    );
  });

  it('sendOffsetsToTransaction: the group offsets commit with the transaction, and only then', () => {
    const sim = setup(16);
    transactional(sim, 'tp');
    const offsets = (s: Simulation) => s.snapshot().groups.find((g) => g.groupId === 'app')?.offsets ?? [];
    // An aborted transaction's offsets never become the group's.
    sim.dispatch({ type: 'producer.beginTransaction', producer: 'tp' });
    sendAll(sim, 'tp', ['out1']);
    sim.dispatch({
      type: 'producer.sendOffsetsToTransaction',
      producer: 'tp',
      groupId: 'app',
      offsets: [{ topic: 'orders', partition: 1, offset: 5 }],
    });
    sim.runFor(2000);
    expect(offsets(sim)).toEqual([]); // pending until the marker
    sim.dispatch({ type: 'producer.abortTransaction', producer: 'tp' });
    sim.runFor(2000);
    expect(offsets(sim)).toEqual([]);
    // A committed one's do, atomically with the output.
    sim.dispatch({ type: 'producer.beginTransaction', producer: 'tp' });
    sendAll(sim, 'tp', ['out2']);
    sim.dispatch({
      type: 'producer.sendOffsetsToTransaction',
      producer: 'tp',
      groupId: 'app',
      offsets: [{ topic: 'orders', partition: 1, offset: 7 }],
    });
    sim.dispatch({ type: 'producer.commitTransaction', producer: 'tp' });
    const ok = sim.runUntil((s) => offsets(s).length > 0, 10_000);
    expect(ok, tail(sim)).toBe(true);
    expect(offsets(sim)).toEqual([{ topic: 'orders', partition: 1, offset: 7 }]);
    sim.runUntil((s) => eventsOf(s, 'transaction.committed').length > 0, 10_000);
    const committed = eventsOf(sim, 'transaction.committed')[0]!;
    expect(committed.partitions.map((p) => p.topic).sort()).toEqual(['__consumer_offsets', 'orders']);
    // A consumer of the group starts from the transactionally committed offset.
    sim.dispatch({ type: 'consumer.create', consumer: 'c', groupId: 'app' });
    sim.dispatch({ type: 'consumer.assign', consumer: 'c', partitions: [{ topic: 'orders', partition: 1 }] });
    sim.runFor(2000);
    const c = sim.snapshot().consumers.find((x) => x.id === 'c')!;
    expect(c.assignment[0]!.committed).toBe(7);
  });

  it('survives a coordinator failover: the new coordinator finishes the commit from __transaction_state', () => {
    const sim = setup(17);
    transactional(sim, 'tp');
    sim.dispatch({ type: 'producer.beginTransaction', producer: 'tp' });
    sendAll(sim, 'tp', ['f1', 'f2']);
    sim.runFor(1000);
    const coordinator = sim.snapshot().transactions![0]!.coordinator;
    sim.dispatch({ type: 'broker.crash', broker: coordinator });
    sim.dispatch({ type: 'producer.commitTransaction', producer: 'tp' });
    const done = sim.runUntil((s) => eventsOf(s, 'producer.transactionCommitted').length > 0, 30_000);
    expect(done, tail(sim)).toBe(true);
    sim.runUntil((s) => eventsOf(s, 'transaction.committed').length > 0, 10_000);
    const t = sim.snapshot().transactions!.find((x) => x.transactionalId === 'tx-1')!;
    expect(t.coordinator).not.toBe(coordinator);
    expect(t.state).toBe('CompleteCommit');
    consume(sim, 'rc', 'read_committed');
    sim.runFor(5000);
    expect(received(sim, 'rc')).toEqual(['f1', 'f2']);
  });

  it('is deterministic: a transactional session replays event for event, and from a checkpoint', () => {
    const sim = setup(18);
    const cp = sim.checkpoint();
    const script = () => {
      transactional(sim, 'tp', { 'transaction.timeout.ms': 2000 });
      sim.dispatch({ type: 'producer.beginTransaction', producer: 'tp' });
      sendAll(sim, 'tp', ['d1', 'd2']);
      sim.dispatch({ type: 'producer.commitTransaction', producer: 'tp' });
      sim.runFor(1000);
      sim.dispatch({ type: 'producer.beginTransaction', producer: 'tp' });
      sendAll(sim, 'tp', ['d3']);
      sim.runFor(200);
      sim.dispatch({ type: 'node.crash', node: 'producer:tp' }); // aborted later by the timeout
      sim.runFor(5000);
    };
    script();
    const trace = formatTrace(sim.events());
    const snap = sim.snapshot();
    expect(eventsOf(sim, 'transaction.aborted')[0]?.reason).toBe('timeout');
    const again = replaySimulation(sim.options, sim.commandLog());
    again.runFor(sim.now() - again.now());
    expect(formatTrace(again.events())).toBe(trace);
    sim.restore(cp);
    script();
    expect(formatTrace(sim.events())).toBe(trace);
    expect(sim.snapshot()).toEqual(snap);
  });

  it('a consumer of the group waits for a pending transactional offset (UNSTABLE_OFFSET_COMMIT)', () => {
    const sim = setup(19);
    transactional(sim, 'tp');
    sim.dispatch({ type: 'producer.beginTransaction', producer: 'tp' });
    sendAll(sim, 'tp', ['o1']);
    sim.dispatch({
      type: 'producer.sendOffsetsToTransaction',
      producer: 'tp',
      groupId: 'app',
      offsets: [{ topic: 'orders', partition: 0, offset: 1 }],
    });
    sim.runFor(2000);
    sim.dispatch({ type: 'consumer.create', consumer: 'c', groupId: 'app' });
    sim.dispatch({ type: 'consumer.assign', consumer: 'c', partitions: [{ topic: 'orders', partition: 0 }] });
    sim.runFor(2000);
    const position = () => sim.snapshot().consumers.find((x) => x.id === 'c')!.assignment[0]!.position;
    expect(position()).toBeNull(); // not the offset from before the transaction
    sim.dispatch({ type: 'producer.commitTransaction', producer: 'tp' });
    sim.runFor(2000);
    const set = eventsOf(sim, 'consumer.positionSet').filter((e) => e.consumer === 'c');
    expect(
      set.map((e) => [e.offset, e.reason]),
      tail(sim, 40),
    ).toEqual([[1, 'committed']]);
    expect(position()).toBe(2); // and past the COMMIT marker at offset 1
  });
});
