import { describe, expect, it } from 'vitest';
import { windowsLesson } from './17-windows-and-time';
import { walkLesson } from '../testing/walk';

describe('lesson 17 on the real engine', () => {
  it('grace takes a straggler, suppress keeps the window silent until stream time passes 10:10, a late record is dropped', () => {
    const h = walkLesson(windowsLesson, {
      'predict-grace': { answer: 'no' },
      'predict-silent': { answer: 'yes' },
      'challenge-close': {
        press: [],
        wrong: (h) => {
          h.send({ type: 'user.action', action: 'bob-1008' });
          h.run(1500);
        },
        hint: /Stream time is 10:08 and suppress’s is 10:08: the window \[09:00, 10:00\) closes at 10:10/,
        solve: (h) => h.send({ type: 'user.action', action: 'bob-1015' }),
        after: (h) => {
          expect(h.actor.getSnapshot().context.message).toMatch(
            /Stream time reached 10:15.*⟨\[ann@32400000\/36000000\], 11⟩/,
          );
        },
      },
      'predict-late': { answer: 'counted' },
    });
    expect(h.refused).toEqual([]);
    const reveals = h.actor.getSnapshot().context.reveals;
    expect(reveals['morning']!.text).toMatch(/took 12 purchases; the task’s stream time is 09:48/);
    expect(reveals['predict-grace']!.correct).toBe('yes');
    expect(reveals['predict-grace']!.text).toMatch(/Counted\. Stream time was 10:05/);
    expect(reveals['predict-silent']!.correct).toBe('suppressed');
    expect(reveals['predict-silent']!.text).toMatch(/alerts holds 0 records/);
    expect(reveals['predict-silent']!.text).toMatch(/It is 10:05\./);
    expect(reveals['predict-late']!.correct).toBe('dropped');
    expect(reveals['predict-late']!.text).toMatch(
      /Skipping record for expired window\. topic=\[purchases\] partition=\[0\] offset=\[\d+\] timestamp=\[35940000\] window=\[32400000,36000000\) expiration=\[36300000\] streamTime=\[36900000\]/,
    );
  });
});
