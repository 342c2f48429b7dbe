import { describe, expect, it } from 'vitest';
import { eventsVsCommandsLesson } from './03-events-vs-commands';
import { walkLesson } from '../testing/walk';
import { eventsOf } from '../facts';
import { queueOf } from './queue-helpers';

const typesIn = (h: ReturnType<typeof walkLesson>) =>
  h.sim.readLog(1, 'account-events', 0).map((r) => r.headers?.type);

describe('lesson 3 on the real engine', () => {
  it('a command becomes events in the log; a refused command becomes TransactionFailed', () => {
    const h = walkLesson(eventsVsCommandsLesson, {
      'predict-transfer': {
        answer: 'command',
        after: (h) => {
          expect(h.actor.getSnapshot().context.reveals['predict-transfer']!.correct).toBe('completed');
          expect(typesIn(h)).toEqual([
            'AccountBalanceChanged',
            'AccountBalanceChanged',
            'TransactionCompleted',
          ]);
          expect(h.sim.snapshot().services!.find((s) => s.id === 'accounts')!.balances).toEqual({
            alice: 70,
            bob: 50,
          });
        },
      },
      audit: {
        after: (h) => {
          const read = eventsOf(h.sim.events(), 'consumer.received').filter((e) => e.consumer === 'audit');
          expect(read.flatMap((e) => e.records.map((r) => JSON.parse(r.value!).type))).toEqual([
            'AccountBalanceChanged',
            'AccountBalanceChanged',
            'TransactionCompleted',
          ]);
          // The command itself was deleted from the queue once handled.
          expect(queueOf(h.sim.snapshot(), 'transactions')).toMatchObject({ messages: [], deleted: 1 });
        },
      },
      'challenge-refuse': {
        press: [],
        wrong: (h) => {
          h.send({ type: 'user.action', action: 'bob-alice-40' });
          h.runUntil(() => eventsOf(h.sim.events(), 'account.transactionProcessed').length === 2, 10_000);
        },
        hint: /t2 could be paid/,
        solve: (h) => h.send({ type: 'user.action', action: 'alice-bob-500' }),
        after: (h) => {
          const t3 = eventsOf(h.sim.events(), 'account.transactionProcessed').find(
            (e) => e.transactionId === 't3',
          )!;
          expect(t3).toMatchObject({
            outcome: 'failed',
            reason: 'insufficient funds',
            events: ['TransactionFailed'],
          });
          expect(typesIn(h).at(-1)).toBe('TransactionFailed');
          expect(h.sim.snapshot().services!.find((s) => s.id === 'accounts')!.balances).toEqual({
            alice: 110,
            bob: 10,
          });
        },
      },
    });
    expect(h.refused).toEqual([]);
  });
});
