import { describe, expect, it } from 'vitest';
import { otherPlatformsLesson } from './15-other-platforms';
import { walkLesson } from '../testing/walk';

describe('lesson 15 on the real engine', () => {
  it('keys pick partitions, earliest reads from the start, a group keeps each key on one consumer, commits', () => {
    const h = walkLesson(otherPlatformsLesson, {
      'predict-subscription': {
        answer: 'shared',
        after: (h) => {
          const reveal = h.actor.getSnapshot().context.reveals['predict-subscription']!;
          // What the group did decides the verdict: each key on one consumer, both consumers used.
          expect(reveal.correct).toBe('key_shared');
          expect(reveal.text).toMatch(/c1 owns clicks-\d/);
          expect(reveal.text).toMatch(/user-1 → c\d/);
          expect(reveal.text).toMatch(/Not simulated: Pulsar’s Shared type/);
        },
      },
      'challenge-exclusive': {
        wrong: () => {},
        hint: /c1 and c2 each still own a partition/,
        solve: (h) => {
          h.act([{ type: 'consumer.crash', consumer: 'c2' }]);
          h.run(100);
          h.send({ type: 'user.check' });
          // The right move, not noticed yet: the hint counts down instead of saying "wrong".
          expect(h.actor.getSnapshot().context.hint).toMatch(/Right move.*`session.timeout.ms` \(6000 ms\)/);
        },
        after: (h) => {
          expect(h.actor.getSnapshot().context.message).toMatch(/c1 alone owns clicks-0 and clicks-1/);
        },
      },
    });
    expect(h.refused).toEqual([]);
    const reveals = h.actor.getSnapshot().context.reveals;
    expect(reveals['shards']!.text).toMatch(/clicks-0 got .*; clicks-1 got /);
    expect(reveals['iterators']!.text).toMatch(/clicks-0@0.*clicks-1@0|clicks-1@0.*clicks-0@0/);
    expect(reveals['iterators']!.text).toMatch(/retention.ms = 604800000 ms \(7 days/);
    expect(reveals['checkpoint']!.text).toMatch(/c1 committed clicks-\d at 6/);
    expect(reveals['checkpoint']!.text).toMatch(/c2 committed clicks-\d at 6/);
  });
});
