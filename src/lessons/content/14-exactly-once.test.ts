import { describe, expect, it } from 'vitest';
import { exactlyOnceLesson } from './14-exactly-once';
import { walkLesson } from '../testing/walk';
import type { HeadlessLesson } from '../testing/headless';

const reveal = (h: HeadlessLesson, step: string) => h.actor.getSnapshot().context.reveals[step]!;

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
