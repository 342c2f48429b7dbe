import { describe, expect, it } from 'vitest';
import { partitionForKey } from '../../engine';
import { streamsVsFlinkLesson, USERS } from './19-streams-vs-flink';
import { walkLesson } from '../testing/walk';
import type { HeadlessLesson } from '../testing/headless';

const reveal = (h: HeadlessLesson, step: string) => h.actor.getSnapshot().context.reveals[step]!;

describe('lesson 19 on the real engine', () => {
  it('uses two users on different partitions', () => {
    expect(new Set(USERS.map((u) => partitionForKey(u, 2))).size).toBe(2);
  });

  it('stream time against the watermark, a late click, a crash of each, and the challenge', () => {
    const h = walkLesson(streamsVsFlinkLesson, {
      'predict-ahead': {
        answer: 'both',
        after: (h) => {
          const r = reveal(h, 'predict-ahead');
          expect(r.correct).toBe('streams');
          expect(r.text).toMatch(/ann \[0 s, 10 s\) = 1/);
          expect(r.text).toMatch(
            /source-0 watermark is 10.999 s and source-1’s is -0.001 s; the window subtasks take the \*\*minimum\*\*, -0.001 s/,
          );
        },
      },
      'predict-late': {
        answer: 'streams',
        after: (h) => {
          const r = reveal(h, 'predict-late');
          expect(r.correct).toBe('flink');
          expect(r.text).toMatch(/Skipping record for expired/);
          expect(r.text).toMatch(/holds 2/);
        },
      },
      'ben-catches-up': {
        after: (h) => {
          const out = h.actor.getSnapshot().context.reveals['ben-catches-up']?.text ?? '';
          expect(out).toMatch(/ann = 2/);
          expect(out).toMatch(/ann \[0 s, 10 s\) = 1/);
        },
      },
      'predict-crash': {
        answer: 'group',
        maxMs: 40_000,
        after: (h) => {
          const r = reveal(h, 'predict-crash');
          expect(r.correct).toBe('checkpoint');
          expect(r.text).toMatch(/from checkpoint \d+/);
          expect(r.text).toMatch(/No Watermark/);
        },
      },
      'challenge-fire': {
        press: [],
        wrong: (h) => {
          h.send({ type: 'user.action', action: 'ann-30' });
          h.run(3000);
        },
        hint: /every partition needs a click after 22 s/,
        solve: (h) => {
          h.send({ type: 'user.action', action: 'ben-25' });
        },
        after: (h) => {
          expect(h.actor.getSnapshot().context.message).toMatch(/Flink fired \[10 s, 20 s\)/);
        },
      },
    });
    expect(h.refused).toEqual([]);
  });
});
