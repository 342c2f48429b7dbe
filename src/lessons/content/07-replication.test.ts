import { describe, expect, it } from 'vitest';
import { replicationLesson } from './07-replication';
import { walkLesson } from '../testing/walk';

describe('lesson 7 on the real engine', () => {
  it('followers copy by fetching, the HW follows, and a follower takes over when the leader goes', () => {
    let leader = 0;
    const h = walkLesson(replicationLesson, {
      'predict-fetch': {
        answer: 'push',
        after: (h) => {
          const reveal = h.actor.getSnapshot().context.reveals['predict-fetch']!;
          expect(reveal.correct).toBe('fetch');
          expect(reveal.text).toMatch(/broker-\d copied it at .*broker-\d copied it at/);
        },
      },
      'challenge-failover': {
        wrong: (h) => {
          leader = h.sim.snapshot().topics.find((t) => t.name === 'orders')!.partitions[0]!.leader;
          const follower = [1, 2, 3].find((b) => b !== leader)!;
          h.act([{ type: 'broker.crash', broker: follower }]);
          h.run(1000);
        },
        hint: /still leads orders-0/,
        solve: (h) => {
          h.act([{ type: 'broker.crash', broker: leader }]);
          // Right away the controller has not noticed: the hint says so, with the timer and its key.
          h.run(50);
          h.actor.send({ type: 'user.check' });
          const hint = h.actor.getSnapshot().context.hint ?? '';
          expect(hint).toMatch(/Right move: broker-\d is down/);
          expect(hint).toMatch(
            /`broker.session.timeout.ms` \(9000 ms\).*between \d+\.\d s and \d+\.\d s of virtual time/,
          );
          expect(hint).not.toMatch(/still leads/);
        },
        after: (h) => {
          const p = h.sim.snapshot().topics.find((t) => t.name === 'orders')!.partitions[0]!;
          expect(p.leader).not.toBe(leader);
          expect(h.sim.readLog(p.leader, 'orders', 0)).toHaveLength(6);
        },
      },
    });
    expect(h.refused).toEqual([]);
  });
});
