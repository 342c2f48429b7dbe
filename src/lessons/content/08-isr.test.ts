import { describe, expect, it } from 'vitest';
import { isrLesson } from './08-isr';
import { walkLesson } from '../testing/walk';

describe('lesson 8 on the real engine', () => {
  it('a slow follower leaves the ISR and rejoins; the challenge accepts a crash and rejects too early a check', () => {
    const h = walkLesson(isrLesson, {
      'predict-slow': {
        answer: 'stays',
        after: (h) => {
          const reveal = h.actor.getSnapshot().context.reveals['predict-slow']!;
          expect(reveal.correct).toBe('leaves');
          expect(reveal.text).toMatch(/shrink the ISR/);
          const p = h.sim.snapshot().topics.find((t) => t.name === 'orders')!.partitions[0]!;
          expect(p.isr).toHaveLength(2);
        },
      },
      'challenge-shrink': {
        wrong: () => {},
        hint: /Stop one follower from keeping up/,
        solve: (h) => {
          const p = h.sim.snapshot().topics.find((t) => t.name === 'orders')!.partitions[0]!;
          const follower = p.replicas.find((b) => b !== p.leader)!;
          h.act([{ type: 'broker.crash', broker: follower }]);
        },
      },
    });
    expect(h.refused).toEqual([]);
  });
});
