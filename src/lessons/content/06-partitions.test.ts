import { describe, expect, it } from 'vitest';
import { partitionForKey } from '../../engine';
import { partitionsLesson } from './06-partitions';
import { walkLesson } from '../testing/walk';

describe('lesson 6 on the real engine', () => {
  it('one key stays on one partition in order; the challenge wants a key on another partition', () => {
    const home = partitionForKey('order_123', 3);
    const same = ['a', 'b', 'c', 'd', 'e', 'f'].find((k) => partitionForKey(k, 3) === home)!;
    const other = ['a', 'b', 'c', 'd', 'e', 'f'].find((k) => partitionForKey(k, 3) !== home)!;
    const send = (key: string) => ({
      type: 'producer.send' as const,
      producer: 'p1',
      topic: 'orders',
      key,
      value: 'x',
    });
    const h = walkLesson(partitionsLesson, {
      'predict-key': {
        answer: 'spread',
        after: (h) => {
          const reveal = h.actor.getSnapshot().context.reveals['predict-key']!;
          expect(reveal.correct).toBe('one');
          expect(reveal.text).toContain(`All four went to orders-${home}`);
        },
      },
      'other-orders': {
        after: (h) => {
          // The step says where each key went, from the acknowledgements (learners read "their own
          // partitions" while order_456 shares order_123's).
          const said = h.actor.getSnapshot().context.reveals['other-orders']!.text;
          const p456 = partitionForKey('order_456', 3);
          expect(said).toContain(`order_456 went to orders-${p456}`);
          expect(
            said.includes('order_456 went to orders-' + p456 + ', the same partition as order_123'),
          ).toBe(p456 === home);
          expect(partitionsLesson.steps.find((s) => s.id === 'other-orders')!.body.join(' ')).not.toMatch(
            /their own partitions/,
          );
        },
      },
      'challenge-key': {
        wrong: (h) => {
          h.act([send(same)]);
          h.run(500);
        },
        hint: new RegExp(`Key “${same}” landed in orders-${home}`),
        solve: (h) => h.act([send(other)]),
      },
    });
    expect(h.refused).toEqual([]);
  });
});
