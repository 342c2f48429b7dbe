import { describe, expect, it } from 'vitest';
import { queueVsLogLesson } from './02-queue-vs-log';
import { walkLesson } from '../testing/walk';
import { eventsOf } from '../facts';
import { queueOf } from './queue-helpers';

const readerOf = (h: ReturnType<typeof walkLesson>, consumer: string) =>
  eventsOf(h.sim.events(), 'consumer.received')
    .filter((e) => e.consumer === consumer)
    .flatMap((e) => e.records.map((r) => r.value));

describe('lesson 2 on the real engine', () => {
  it('the queue deletes what was acked; the log keeps it for two groups and for replay', () => {
    const h = walkLesson(queueVsLogLesson, {
      stored: {
        after: (h) => {
          expect(queueOf(h.sim.snapshot(), 'orders')!.messages.map((m) => m.body)).toEqual([
            'order-1',
            'order-2',
            'order-3',
            'order-4',
          ]);
          expect(h.sim.readLog(1, 'orders', 0).map((r) => r.value)).toEqual([
            'order-1',
            'order-2',
            'order-3',
            'order-4',
          ]);
        },
      },
      'predict-queue': {
        answer: 'all',
        after: (h) => {
          expect(queueOf(h.sim.snapshot(), 'orders')).toMatchObject({ messages: [], deleted: 4 });
          expect(h.actor.getSnapshot().context.reveals['predict-queue']!.correct).toBe('nothing');
        },
      },
      'predict-second': {
        answer: 'none',
        after: (h) => {
          const got = eventsOf(h.sim.events(), 'queue.messageReceived').filter(
            (e) => e.consumer === 'worker:analytics',
          );
          expect(got).toEqual([]);
        },
      },
      'predict-log': {
        answer: 'both',
        after: (h) => {
          expect(readerOf(h, 'billing-c1')).toEqual(['order-1', 'order-2', 'order-3', 'order-4']);
          expect(readerOf(h, 'analytics-c1')).toEqual(['order-1', 'order-2', 'order-3', 'order-4']);
          expect(h.sim.readLog(1, 'orders', 0)).toHaveLength(4);
        },
      },
      'challenge-replay': {
        press: [],
        wrong: (h) => {
          h.send({ type: 'user.action', action: 'queue-replay' });
          h.run(3000);
        },
        hint: /nothing to replay there/,
        solve: (h) =>
          h.act([
            {
              type: 'consumer.create',
              consumer: 'c1',
              groupId: 'g1',
              config: { 'auto.offset.reset': 'earliest' },
            },
            { type: 'consumer.subscribe', consumer: 'c1', topics: ['orders'] },
          ]),
        after: (h) => expect(readerOf(h, 'c1')).toEqual(['order-1', 'order-2', 'order-3', 'order-4']),
      },
    });
    expect(h.refused).toEqual([]);
    // The queue worker that tried to replay never received anything.
    expect(
      eventsOf(h.sim.events(), 'queue.messageReceived').filter((e) => e.consumer === 'worker:replay'),
    ).toEqual([]);
  });

  it('a new group that starts at latest does not replay', () => {
    walkLesson(queueVsLogLesson, {
      'challenge-replay': {
        press: [],
        wrong: (h) => {
          h.act([
            {
              type: 'consumer.create',
              consumer: 'late',
              groupId: 'late',
              config: { 'auto.offset.reset': 'latest' },
            },
            { type: 'consumer.subscribe', consumer: 'late', topics: ['orders'] },
          ]);
          h.run(5000);
        },
        hint: /auto.offset.reset = earliest/,
        solve: (h) =>
          h.act([
            { type: 'consumer.seek', consumer: 'late', topic: 'orders', partition: 0, to: 'beginning' },
          ]),
      },
    });
  });
});
