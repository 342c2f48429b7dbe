/**
 * Sentences learners caught contradicting the simulation or the page (issue 15). Each reveal that
 * was wrong has its own test beside its lesson; these are the fixed texts of the steps.
 */
import { describe, expect, it } from 'vitest';
import type { Lesson } from '../lesson-types';
import { messagingLesson } from './01-messaging';
import { replicationLesson } from './07-replication';

const allText = (lesson: Lesson) =>
  lesson.steps
    .flatMap((s) => [
      ...s.body,
      ...(s.actions ?? []).map((a) => a.label),
      ...(s.kind === 'challenge' ? [s.goal] : []),
      ...(s.kind === 'predict' ? [s.question] : []),
    ])
    .join('\n');

describe('lesson texts agree with the page and the simulation', () => {
  it('lesson 1 says "crash" where the only button is Crash', () => {
    expect(allText(messagingLesson)).not.toMatch(/\bstop (every|the)\b|stopped services/);
  });

  it('lesson 1 does not promise which consumer takes the backlog', () => {
    expect(allText(messagingLesson)).not.toMatch(/streaming worker takes the backlog/);
  });

  it('lesson 7 does not call followers "in sync" before lesson 8 teaches the ISR', () => {
    expect(allText(replicationLesson)).not.toMatch(/every in-sync replica has|it was in sync/);
  });
});
