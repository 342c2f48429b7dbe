/**
 * KIP-447 (issue 13): producer.sendOffsetsToTransaction carries the consumer's group metadata, so
 * the group coordinator fences a zombie processor by generation; and initTransactions, commit and
 * abort each end with an event.
 */
import { describe, expect, it } from 'vitest';
import type { Simulation } from '../simulation';
import type { Command } from '../types';
import { cluster, eventsOf, untilReady } from '../testing/scenario';

function setup(): Simulation {
  const sim = untilReady(
    cluster(16, {
      brokers: 3,
      brokerConfig: { 'transaction.state.log.num.partitions': 3, 'offsets.topic.num.partitions': 3 },
    }),
  );
  sim.dispatch({ type: 'topic.create', topic: 'in', partitions: 2, replicationFactor: 3 });
  sim.dispatch({ type: 'topic.create', topic: 'out', partitions: 1, replicationFactor: 3 });
  sim.runFor(500);
  sim.dispatch({ type: 'producer.create', producer: 'tp', config: { 'transactional.id': 'app-tx' } });
  sim.dispatch({
    type: 'consumer.create',
    consumer: 'c1',
    groupId: 'app',
    config: { 'enable.auto.commit': false },
  });
  sim.dispatch({ type: 'consumer.subscribe', consumer: 'c1', topics: ['in'] });
  const stable = sim.runUntil(
    (s) => s.snapshot().groups.find((g) => g.groupId === 'app')?.state === 'Stable',
    20_000,
  );
  expect(stable).toBe(true);
  expect(sim.runUntil((s) => s.snapshot().producers[0]!.transactionState === 'READY', 20_000)).toBe(true);
  return sim;
}

const member = (sim: Simulation, c: string) => sim.snapshot().consumers.find((x) => x.id === c)!;
const groupOffsets = (sim: Simulation) => sim.snapshot().groups.find((g) => g.groupId === 'app')!.offsets;

function commitWith(sim: Simulation, extra: Record<string, unknown>) {
  sim.dispatch({ type: 'producer.beginTransaction', producer: 'tp' });
  sim.dispatch({ type: 'producer.send', producer: 'tp', topic: 'out', key: null, value: 'result' });
  sim.dispatch({
    type: 'producer.sendOffsetsToTransaction',
    producer: 'tp',
    groupId: 'app',
    offsets: [{ topic: 'in', partition: 0, offset: 3 }],
    ...extra,
  } as Command);
  sim.dispatch({ type: 'producer.commitTransaction', producer: 'tp' });
  sim.runFor(5000);
}

describe('transactions and group metadata (KIP-447)', () => {
  it('initTransactions completing is an event', () => {
    const sim = setup();
    expect(eventsOf(sim, 'producer.transactionsInitialized')).toMatchObject([
      { producer: 'tp', transactionalId: 'app-tx', producerEpoch: 0 },
    ]);
  });

  it('offsets sent with the current member’s metadata commit with the transaction', () => {
    const sim = setup();
    commitWith(sim, { consumer: 'c1' });
    expect(eventsOf(sim, 'producer.transactionCommitted')).toHaveLength(1);
    expect(groupOffsets(sim)).toEqual([{ topic: 'in', partition: 0, offset: 3 }]);
    const commit = eventsOf(sim, 'rpc.sent').find((e) => e.kind === 'TxnOffsetCommit')!;
    expect(commit.body).toMatchObject({
      generationId: member(sim, 'c1').generation,
      memberId: member(sim, 'c1').memberId,
    });
  });

  it('a zombie with an old generation is fenced: ILLEGAL_GENERATION, and the commit aborts', () => {
    const sim = setup();
    const old = { generationId: member(sim, 'c1').generation, memberId: member(sim, 'c1').memberId };
    // A second member joins: the group moves to a new generation while the zombie still holds the old one.
    sim.dispatch({
      type: 'consumer.create',
      consumer: 'c2',
      groupId: 'app',
      config: { 'enable.auto.commit': false },
    });
    sim.dispatch({ type: 'consumer.subscribe', consumer: 'c2', topics: ['in'] });
    expect(
      sim.runUntil(
        (s) => member(s, 'c2').generation > old.generationId && member(s, 'c2').state === 'stable',
        20_000,
      ),
    ).toBe(true);
    commitWith(sim, { groupMetadata: old });
    expect(eventsOf(sim, 'producer.transactionOffsetsRejected')).toMatchObject([
      { producer: 'tp', groupId: 'app', error: 'ILLEGAL_GENERATION' },
    ]);
    expect(eventsOf(sim, 'producer.transactionCommitted')).toHaveLength(0);
    expect(eventsOf(sim, 'producer.transactionAborted')).toMatchObject([
      { reason: 'sendOffsetsToTransaction failed with ILLEGAL_GENERATION' },
    ]);
    expect(groupOffsets(sim)).toEqual([]);
    // The producer itself is not fenced: the next transaction, with current metadata, commits.
    commitWith(sim, { consumer: 'c1' });
    expect(eventsOf(sim, 'producer.transactionCommitted')).toHaveLength(1);
  });

  it('an unknown member id is refused with UNKNOWN_MEMBER_ID', () => {
    const sim = setup();
    commitWith(sim, { groupMetadata: { generationId: member(sim, 'c1').generation, memberId: 'ghost' } });
    expect(eventsOf(sim, 'producer.transactionOffsetsRejected')).toMatchObject([
      { error: 'UNKNOWN_MEMBER_ID' },
    ]);
  });

  it('bad group metadata is refused at dispatch', () => {
    const sim = setup();
    sim.dispatch({ type: 'producer.beginTransaction', producer: 'tp' });
    const send = (extra: Record<string, unknown>) => () =>
      sim.dispatch({
        type: 'producer.sendOffsetsToTransaction',
        producer: 'tp',
        groupId: 'app',
        offsets: [{ topic: 'in', partition: 0, offset: 1 }],
        ...extra,
      } as Command);
    expect(send({ groupMetadata: { generationId: 'x', memberId: '' } })).toThrow(
      expect.objectContaining({ code: 'INVALID_COMMAND' }),
    );
    expect(send({ consumer: 'nobody' })).toThrow(expect.objectContaining({ code: 'UNKNOWN_NODE' }));
    expect(send({ consumer: 'c1', groupMetadata: { generationId: 1, memberId: 'm' } })).toThrow(
      expect.objectContaining({ code: 'INVALID_COMMAND' }),
    );
  });
});
