import { describe, expect, it } from 'vitest';
import { consumingLesson } from './10-consuming';
import { walkLesson } from '../testing/walk';

describe('lesson 10 on the real engine', () => {
  it('a crash before commit re-reads from 0; a commit sticks; a second group reads everything', () => {
    const h = walkLesson(consumingLesson, {
      'predict-crash': {
        answer: 'three',
        after: (h) => {
          const reveal = h.actor.getSnapshot().context.reveals['predict-crash']!;
          expect(reveal.correct).toBe('zero');
          expect(reveal.text).toMatch(/read offsets 0, 1 and 2/);
        },
      },
      'challenge-reader': {
        wrong: (h) => {
          h.act([
            {
              type: 'consumer.create',
              consumer: 'c2',
              groupId: 'billing',
              config: { 'auto.offset.reset': 'earliest' },
            },
            { type: 'consumer.subscribe', consumer: 'c2', topics: ['orders'] },
          ]);
          h.run(2000);
        },
        hint: /joined billing/,
        solve: (h) => {
          h.act([
            { type: 'consumer.close', consumer: 'c2' },
            {
              type: 'consumer.create',
              consumer: 'c3',
              groupId: 'audit',
              config: { 'auto.offset.reset': 'earliest' },
            },
            { type: 'consumer.subscribe', consumer: 'c3', topics: ['orders'] },
          ]);
        },
        maxMs: 60_000,
      },
    });
    expect(h.refused).toEqual([]);
  });
});
