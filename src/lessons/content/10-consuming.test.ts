import { describe, expect, it } from 'vitest';
import { consumingLesson } from './10-consuming';
import { walkLesson } from '../testing/walk';
import { startHeadless } from '../testing/headless';

describe('lesson 10 on the real engine', () => {
  it('a crash before commit re-reads from 0; a commit sticks; a second group reads everything', () => {
    const h = walkLesson(consumingLesson, {
      'long-poll': {
        after: (h) => {
          // The walk sends at once, while c1 is still joining: the outcome says so instead of
          // passing the join off as a long poll.
          const text = h.actor.getSnapshot().context.reveals['long-poll']!.text;
          expect(text).toMatch(/c1 was still joining group billing when the first order was appended/);
        },
      },
      commit: {
        after: (h) =>
          expect(h.actor.getSnapshot().context.reveals['commit']!.text).toMatch(
            /c1 committed orders-0 at offset \d+ .*coordinator, broker \d, stored it in `__consumer_offsets`/,
          ),
      },
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

  it('the long poll, measured: c1 waiting at the leader has the orders within fetch.max.wait.ms', () => {
    const h = startHeadless(consumingLesson);
    h.runUntil(() => h.actor.getSnapshot().matches('step'), 30_000);
    // The learner reads first: c1 joins its group and its Fetch waits at the leader.
    h.runUntil(
      () => h.sim.snapshot().consumers.some((c) => c.id === 'c1' && c.assignment.length > 0),
      30_000,
    );
    h.run(1000);
    h.send({ type: 'user.action', action: 'send' });
    expect(h.untilComplete(30_000)).toBe(true);
    const text = h.actor.getSnapshot().context.reveals['long-poll']!.text;
    const waited = Number(/: (\d+) ms later/.exec(text)?.[1]);
    expect(waited).toBeGreaterThan(0);
    expect(waited).toBeLessThan(2000);
    expect(text).toMatch(/answered c1’s waiting Fetch as soon as there was something to send/);
  });
});
