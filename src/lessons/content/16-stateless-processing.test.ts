import { describe, expect, it } from 'vitest';
import { statelessLesson } from './16-stateless-processing';
import { walkLesson } from '../testing/walk';

const order = (amount: number) => ({
  type: 'producer.send' as const,
  producer: 'shop',
  topic: 'orders',
  key: 'mine',
  value: JSON.stringify({ user: 'me', amount }),
});

describe('lesson 16 on the real engine', () => {
  it('filters and maps into big-orders; a small order is rejected with the hint, a big one passes', () => {
    const h = walkLesson(statelessLesson, {
      'predict-filter': {
        answer: 'four',
        after: (h) => {
          const reveal = h.actor.getSnapshot().context.reveals['predict-filter']!;
          expect(reveal.correct).toBe('two');
          expect(reveal.text).toMatch(/The filter saw 4 orders and passed 2/);
          expect(reveal.text).toMatch(/⟨bob, bob spent 150⟩ and ⟨ann, ann spent 300⟩/);
        },
      },
      'challenge-own': {
        wrong: (h) => {
          h.act([order(5)]);
          h.run(1500);
        },
        hint: /passed none: `value.amount > 100` was false/,
        solve: (h) => h.act([order(500)]),
        after: (h) => {
          expect(h.actor.getSnapshot().context.message).toMatch(/⟨me, me spent 500⟩/);
        },
      },
    });
    expect(h.refused).toEqual([]);
    expect(h.actor.getSnapshot().context.reveals['app']!.text).toMatch(
      /a: 0_0 running\. Internal topics: none/,
    );
  });
});
