import { describe, expect, it } from 'vitest';
import { consumingLesson } from './10-consuming';
import { walkLesson } from '../testing/walk';
import { startHeadless } from '../testing/headless';

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

describe('lesson 10: a late answer (learners hit this)', () => {
  it('c1 rejoins even when it restarts just before its old session expires', () => {
    // Answering at 31.425 s put the restarted c1's JoinGroup 6 s before the old incarnation's
    // session expiry: the coordinator expired the NEW member with the old one (group Empty, c1
    // "joining" for good). Kafka keeps a new member NewMemberJoinTimeoutMs, not a session.
    const h = startHeadless(consumingLesson);
    h.runUntil(() => h.actor.getSnapshot().matches('step'), 30_000);
    h.send({ type: 'user.action', action: 'send' });
    expect(h.untilComplete(30_000)).toBe(true);
    h.send({ type: 'user.next' });
    h.runUntil(() => h.sim.snapshot().nowMs >= 31_000, 60_000);
    h.sim.runFor(31_425 - h.sim.snapshot().nowMs);
    h.send({ type: 'user.answer', choice: 'zero' });
    expect(h.untilComplete(40_000)).toBe(true);
    expect(h.sim.snapshot().groups.find((g) => g.groupId === 'billing')?.state).toBe('Stable');
  });
});
