import { describe, expect, it } from 'vitest';
import { exactlyOnceLesson } from './14-exactly-once';
import { walkLesson, type StepPlan } from '../testing/walk';
import type { HeadlessLesson } from '../testing/headless';

const reveal = (h: HeadlessLesson, step: string) => h.actor.getSnapshot().context.reveals[step]!;

/** The read-process-write prediction: the crashed attempt aborted, the retry committed once. */
const PREDICT_EOS: StepPlan = {
  answer: 'twice',
  after: (h) => {
    const r = reveal(h, 'predict-eos');
    expect(r.correct).toBe('once');
    expect(r.text).toMatch(/transaction \(.*__consumer_offsets-\d.*\) was \*\*aborted\*\* \(reason: fenced/);
    expect(r.text).toMatch(/restarted proc read 2 transfers again, offsets 0 and 1/);
    expect(r.text).toMatch(/results and group settler’s offset 2 together/);
    expect(r.text).toMatch(
      /rc \(read_committed\) saw “x1: settled” once and “x2: settled” once: each transfer’s effect exactly once/,
    );
    expect(r.text).toMatch(/ru \(read_uncommitted\) saw “x1: settled” twice and “x2: settled” twice/);
    // The engine's own record: one aborted and one committed transaction of settler, each
    // with __consumer_offsets in it; the group's committed offset is 2; rc read each result once.
    const events = h.sim.events();
    const outcome = (type: 'transaction.aborted' | 'transaction.committed') =>
      events.flatMap((e) => (e.type === type && e.transactionalId === 'settler' ? [e] : []));
    expect(outcome('transaction.aborted')).toHaveLength(1);
    expect(outcome('transaction.committed')).toHaveLength(1);
    for (const t of [...outcome('transaction.aborted'), ...outcome('transaction.committed')])
      expect(t.partitions.some((p) => p.topic === '__consumer_offsets')).toBe(true);
    const group = h.sim.snapshot().groups.find((g) => g.groupId === 'settler')!;
    expect(group.offsets.find((o) => o.topic === 'transfers')?.offset).toBe(2);
    const rcValues = events.flatMap((e) =>
      e.type === 'consumer.received' && e.consumer === 'rc' ? e.records.map((x) => x.value) : [],
    );
    expect(rcValues.filter((v) => v === 'x1: settled')).toHaveLength(1);
    expect(rcValues.filter((v) => v === 'x2: settled')).toHaveLength(1);
    // proc read each transfer twice: the crashed attempt, then the retry.
    const procOffsets = events.flatMap((e) =>
      e.type === 'consumer.received' && e.consumer === 'proc' ? e.records.map((x) => x.offset) : [],
    );
    expect(procOffsets).toEqual([0, 1, 0, 1]);
  },
};

describe('lesson 14 on the real engine', () => {
  it('a retry deduplicated, an atomic commit, a crashed transaction aborted, an abort of your own', () => {
    const h = walkLesson(exactlyOnceLesson, {
      'predict-retry': {
        answer: 'two',
        after: (h) => {
          expect(reveal(h, 'predict-retry').correct).toBe('one');
          expect(reveal(h, 'predict-retry').text).toMatch(/appended it 1 time/);
          expect(reveal(h, 'predict-retry').text).toMatch(/partition\.duplicateBatch/);
          expect(h.sim.events().some((e) => e.type === 'partition.duplicateBatchDetected')).toBe(true);
        },
      },
      'predict-commit': {
        answer: 'debit',
        after: (h) => {
          expect(reveal(h, 'predict-commit').correct).toBe('both');
          expect(reveal(h, 'predict-commit').text).toMatch(
            /COMMIT markers: ledger-\d offset \d+ and ledger-\d offset \d+/,
          );
          expect(reveal(h, 'predict-commit').text).toMatch(/none of it before the commit was decided/);
        },
      },
      'predict-crash': {
        answer: 'both',
        maxMs: 30_000,
        after: (h) => {
          const r = reveal(h, 'predict-crash');
          expect(r.correct).toBe('ru-only');
          expect(r.text).toMatch(/reason: timeout/);
          expect(r.text).toMatch(/rc \(read_committed\) read nothing of t2/);
        },
      },
      pipeline: {
        after: (h) => {
          // What initTransactions returned, read from the producer's own state.
          const settler = h.sim.snapshot().producers.find((p) => p.id === 'settler')!;
          expect(settler.producerId).not.toBeNull();
          expect(reveal(h, 'pipeline').text).toContain(
            `producer id ${settler.producerId}, epoch ${settler.producerEpoch}`,
          );
        },
      },
      'predict-eos': PREDICT_EOS,
      'challenge-abort': {
        wrong: (h) => {
          h.act([
            { type: 'producer.create', producer: 'me', config: { acks: 'all', 'transactional.id': 'me-tx' } },
          ]);
          h.runUntil(
            () => h.sim.snapshot().producers.find((p) => p.id === 'me')?.transactionState === 'READY',
            20_000,
          );
          h.act([
            { type: 'producer.beginTransaction', producer: 'me' },
            { type: 'producer.send', producer: 'me', topic: 'ledger', key: null, value: 'kept' },
            { type: 'producer.commitTransaction', producer: 'me' },
          ]);
          h.runUntil(
            () =>
              h.sim.events().some((e) => e.type === 'transaction.committed' && e.transactionalId === 'me-tx'),
            20_000,
          );
        },
        hint: /was committed, so rc reads its records too/,
        solve: (h) => {
          h.act([
            { type: 'producer.beginTransaction', producer: 'me' },
            { type: 'producer.send', producer: 'me', topic: 'ledger', key: null, value: 'undo me' },
          ]);
          h.run(1000);
          h.act([{ type: 'producer.abortTransaction', producer: 'me' }]);
        },
        after: (h) => {
          expect(h.actor.getSnapshot().context.message).toMatch(
            /Transaction me-tx aborted.*ru read “undo me”; rc read none of them/,
          );
        },
      },
    });
    expect(h.refused).toEqual([]);
  });
});

describe('lesson 14: the challenge tells records by position, not value (learners hit this)', () => {
  it('an aborted "hello" passes even after a committed "hello"', () => {
    const h = walkLesson(exactlyOnceLesson, {
      'predict-eos': PREDICT_EOS,
      'challenge-abort': {
        wrong: (h) => {
          h.act([
            { type: 'producer.create', producer: 'me', config: { acks: 'all', 'transactional.id': 'me-tx' } },
          ]);
          h.runUntil(
            () => h.sim.snapshot().producers.find((p) => p.id === 'me')?.transactionState === 'READY',
            20_000,
          );
          h.act([
            { type: 'producer.beginTransaction', producer: 'me' },
            { type: 'producer.send', producer: 'me', topic: 'ledger', key: null, value: 'hello' },
            { type: 'producer.commitTransaction', producer: 'me' },
          ]);
          h.runUntil(
            () =>
              h.sim.events().some((e) => e.type === 'transaction.committed' && e.transactionalId === 'me-tx'),
            20_000,
          );
          h.run(3000); // rc reads the committed "hello"
        },
        hint: /was committed/,
        solve: (h) => {
          h.act([
            { type: 'producer.beginTransaction', producer: 'me' },
            { type: 'producer.send', producer: 'me', topic: 'ledger', key: null, value: 'hello' },
          ]);
          h.run(1000);
          h.act([{ type: 'producer.abortTransaction', producer: 'me' }]);
        },
        after: (h) => {
          expect(h.actor.getSnapshot().context.message).toMatch(
            /Transaction me-tx aborted.*ru read “hello”; rc read none of them/,
          );
        },
      },
    });
    expect(h.refused).toEqual([]);
  });
});
