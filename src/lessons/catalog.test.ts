import { describe, expect, it } from 'vitest';
import { initialTransition, transition } from 'xstate';
import type { ClusterSnapshot } from '../engine';
import {
  CATALOG,
  COURSE_SIZE,
  FURTHER,
  STREAM_PROCESSING,
  entryId,
  lessonById,
  lessonPosition,
  nextEntry,
} from './catalog';
import { lessonMachine } from './lesson-machine';

const lessons = CATALOG.flatMap((e) => (e.kind === 'lesson' ? [e.lesson] : []));
/** An empty cluster: no step's fact holds in it. */
const snapshot = {
  nowMs: 0,
  seed: 1,
  nodes: [],
  network: { latencyMsMin: 2, latencyMsMax: 6, lossRate: 0, partitionSides: [], cuts: [], links: [] },
  quorum: { leader: 'controller-1', epoch: 1, voters: [], committedOffset: 0 },
  brokers: [],
  topics: [],
  producers: [],
  consumers: [],
  groups: [],
  queues: [],
  services: [],
} as unknown as ClusterSnapshot;

describe('the catalog', () => {
  it('lists the course in order, 1 to 12, with unique ids and the sandbox last', () => {
    expect(CATALOG.map((e) => (e.kind === 'lesson' ? e.lesson.number : e.number))).toEqual(
      Array.from({ length: COURSE_SIZE }, (_, i) => i + 1),
    );
    expect(new Set(CATALOG.map(entryId)).size).toBe(CATALOG.length);
    expect(CATALOG.at(-1)?.kind).toBe('sandbox');
    expect(lessonById('09-acks')?.title).toBe('Acks');
    expect(nextEntry('11-groups')?.kind).toBe('sandbox');
  });

  it('the stream-processing part follows "Going further": lessons 16–19, each leading to the next', () => {
    const ids = STREAM_PROCESSING.map(entryId);
    expect(ids).toEqual([
      '16-stateless-processing',
      '17-windows-and-time',
      '18-state-and-guarantees',
      '19-streams-vs-flink',
    ]);
    expect(STREAM_PROCESSING.map((e) => (e.kind === 'lesson' ? e.lesson.number : 0))).toEqual([
      16, 17, 18, 19,
    ]);
    expect(entryId(nextEntry('16-stateless-processing')!)).toBe('17-windows-and-time');
    expect(entryId(nextEntry('17-windows-and-time')!)).toBe('18-state-and-guarantees');
    expect(entryId(nextEntry('18-state-and-guarantees')!)).toBe('19-streams-vs-flink');
    expect(nextEntry('19-streams-vs-flink')).toBeUndefined();
    // The last entry of the contents says so (1–12 with the sandbox, 13–15, 16–19).
    expect(lessonPosition({ number: 19 })).toBe('Lesson 19 of 19 · Stream processing');
    expect(lessonById('17-windows-and-time')?.title).toBe('Windows and stream time');
    for (const e of STREAM_PROCESSING) {
      if (e.kind !== 'lesson') continue;
      expect(e.lesson.steps.some((s) => s.kind === 'predict')).toBe(true);
      expect(e.lesson.steps.some((s) => s.kind === 'challenge')).toBe(true);
    }
  });

  it.each(lessons.filter((l) => l.number >= 4).map((l) => [l.id, l] as const))(
    '%s pins a seed, asks at least one prediction and sets at least one challenge',
    (_, lesson) => {
      expect(Number.isSafeInteger(lesson.seed)).toBe(true);
      expect(lesson.steps.some((s) => s.kind === 'predict')).toBe(true);
      expect(lesson.steps.some((s) => s.kind === 'challenge')).toBe(true);
      expect(new Set(lesson.steps.map((s) => s.id)).size).toBe(lesson.steps.length);
    },
  );
});

describe.each(lessons.map((l) => [l.id, l] as const))('%s machine (pure transitions)', (_, lesson) => {
  it('Next and Back move through every step once each is done; Next on the last finishes', () => {
    const done = lesson.steps.map((_, i) => i);
    const progress = { index: 0, done, answers: {}, reveals: {}, pressed: [], finished: false };
    let [state] = initialTransition(lessonMachine, { lesson, progress, skipSetup: true });
    [state] = transition(lessonMachine, state, { type: 'engine.batch', events: [], snapshot });
    for (let i = 0; i < lesson.steps.length; i++) {
      expect(state.context.index).toBe(i);
      expect(['ready', 'complete']).toContain((state.value as { step: string }).step);
      [state] = transition(lessonMachine, state, { type: 'user.next' });
    }
    expect(state.value).toBe('finished');
    [state] = transition(lessonMachine, state, { type: 'user.back' });
    expect(state.context.index).toBe(lesson.steps.length - 1);
    [state] = transition(lessonMachine, state, { type: 'user.back' });
    expect(state.context.index).toBe(Math.max(0, lesson.steps.length - 2));
  });

  it('a step that is not done yet holds Next', () => {
    const blocking = lesson.steps.findIndex((s) => s.kind !== 'narrative');
    if (blocking < 0) return;
    const progress = { index: blocking, done: [], answers: {}, reveals: {}, pressed: [], finished: false };
    let [state] = initialTransition(lessonMachine, { lesson, progress, skipSetup: true });
    [state] = transition(lessonMachine, state, { type: 'engine.batch', events: [], snapshot });
    [state] = transition(lessonMachine, state, { type: 'user.next' });
    expect(state.context.index).toBe(blocking);
  });

  it('a lesson page counts every entry the contents list (learners saw "of 12" beside 14)', () => {
    const listed = CATALOG.length + FURTHER.length + STREAM_PROCESSING.length;
    expect(lessonPosition({ number: 4 })).toBe(`Lesson 4 of ${listed}`);
    expect(lessonPosition({ number: 13 })).toBe(`Lesson 13 of ${listed} · Going further`);
    expect(lessonPosition({ number: 16 })).toBe(`Lesson 16 of ${listed} · Stream processing`);
  });
});
