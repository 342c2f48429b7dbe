import { describe, expect, it } from 'vitest';
import { partitionForKey } from '../../engine';
import { stateLesson } from './18-state-and-guarantees';
import { walkLesson } from '../testing/walk';

const buy = (key: string) => ({
  type: 'producer.send' as const,
  producer: 'shop',
  topic: 'purchases',
  key,
  value: 'hat',
});

const users = ['ann', 'bob', 'gus', 'kim'];

describe('lesson 18 on the real engine', () => {
  it('restores a moved task from its changelogs, counts on, and shows ALOS duplicates against EOS', () => {
    const p0 = users.find((u) => partitionForKey(u, 2) === 0)!;
    const p1 = users.find((u) => partitionForKey(u, 2) === 1)!;
    const h = walkLesson(stateLesson, {
      'predict-restore': { answer: 'zero', maxMs: 40_000 },
      'challenge-continue': {
        wrong: (h) => {
          h.act([buy(p1)]);
          h.run(1500);
        },
        hint: new RegExp(`${p1} went to partition 1 \\(task 0_1, which never moved\\)`),
        solve: (h) => h.act([buy(p0)]),
        after: (h) => {
          expect(h.actor.getSnapshot().context.message).toMatch(
            new RegExp(`${p0} was at 3 before the crash; the restored store counted on to 4`),
          );
        },
      },
      'predict-crash': { answer: 'once', maxMs: 60_000 },
    });
    expect(h.refused).toEqual([]);
    const reveals = h.actor.getSnapshot().context.reveals;
    expect(reveals['app']!.text).toMatch(
      /loyalty-users-table-changelog and loyalty-purchase-counts-changelog/,
    );
    expect(reveals['traffic']!.text).toMatch(/ann=3, bob=3, gus=3, kim=3/);
    expect(reveals['predict-restore']!.correct).toBe('restore');
    expect(reveals['predict-restore']!.text).toMatch(/from loyalty-purchase-counts-changelog/);
    expect(reveals['predict-restore']!.text).toMatch(/from loyalty-users-table-changelog/);
    expect(reveals['predict-crash']!.correct).toBe('alos-dup');
    expect(reveals['predict-crash']!.text).toMatch(/rc-eos read 3 copies, each once/);
    // The guarantee checker judged each application by its processing.guarantee: the at_least_once
    // copies are allowed duplicates, explained by the crash; the exactly_once_v2 output has none.
    const dups = h.guarantees.findings().filter((f) => f.kind === 'duplicate');
    expect(dups.length).toBeGreaterThan(0);
    expect(dups.every((f) => f.topic === 'copies-alos' && f.verdict === 'allowed')).toBe(true);
    expect(dups[0]!.because).toMatch(/^echo-alos runs with processing\.guarantee=at_least_once/);
    expect(dups[0]!.sentences[1]).toMatch(/^Instance x crashed at [\d.]+ s before committing/);
  });
});
