/**
 * Saved progress across reloads (localStorage): which lesson the learner is in, each lesson's
 * step, done steps, answers and reveals, and which lessons are complete. Storage can be blocked
 * (privacy modes) or hold garbage from an older version: both read as "no progress".
 */
import type { LessonProgress } from './lesson-machine';

export const PROGRESS_KEY = 'streamlab.lessons.v1';

export interface CourseProgress {
  /** The lesson opened last (the home page offers to continue it). */
  current: string | undefined;
  completed: string[];
  lessons: Record<string, LessonProgress>;
  /** The worker session holding each lesson's cluster, to reopen it from any tab. */
  sessions: Record<string, string>;
}

type Store = Pick<Storage, 'getItem' | 'setItem'> | undefined;

export function emptyCourse(): CourseProgress {
  return { current: undefined, completed: [], lessons: {}, sessions: {} };
}

function isProgress(value: unknown): value is LessonProgress {
  if (typeof value !== 'object' || value === null) return false;
  const p = value as Record<string, unknown>;
  return (
    typeof p.index === 'number' &&
    Number.isSafeInteger(p.index) &&
    p.index >= 0 &&
    Array.isArray(p.done) &&
    p.done.every((d) => typeof d === 'number') &&
    typeof p.answers === 'object' &&
    p.answers !== null &&
    typeof p.reveals === 'object' &&
    p.reveals !== null &&
    Array.isArray(p.pressed) &&
    typeof p.finished === 'boolean' &&
    (p.starts === undefined || (typeof p.starts === 'object' && p.starts !== null)) &&
    (p.speed === undefined || typeof p.speed === 'number')
  );
}

export function readCourse(store: Store): CourseProgress {
  try {
    const data: unknown = JSON.parse(store?.getItem(PROGRESS_KEY) ?? 'null');
    if (typeof data !== 'object' || data === null) return emptyCourse();
    const d = data as Record<string, unknown>;
    const lessons: Record<string, LessonProgress> = {};
    if (typeof d.lessons === 'object' && d.lessons !== null) {
      for (const [id, p] of Object.entries(d.lessons)) if (isProgress(p)) lessons[id] = p;
    }
    const sessions: Record<string, string> = {};
    if (typeof d.sessions === 'object' && d.sessions !== null) {
      for (const [id, session] of Object.entries(d.sessions))
        if (typeof session === 'string') sessions[id] = session;
    }
    return {
      sessions,
      current: typeof d.current === 'string' ? d.current : undefined,
      completed: Array.isArray(d.completed)
        ? d.completed.filter((x): x is string => typeof x === 'string')
        : [],
      lessons,
    };
  } catch {
    return emptyCourse();
  }
}

export function writeCourse(store: Store, course: CourseProgress): void {
  try {
    store?.setItem(PROGRESS_KEY, JSON.stringify(course));
  } catch {
    // storage full or blocked: progress simply is not kept
  }
}

/** Record a lesson's progress (and completion) in the course. */
export function withLesson(course: CourseProgress, id: string, progress: LessonProgress): CourseProgress {
  const completed =
    progress.finished && !course.completed.includes(id) ? [...course.completed, id] : course.completed;
  return { ...course, current: id, completed, lessons: { ...course.lessons, [id]: progress } };
}

/** Forget a lesson's progress and cluster (Start over); completion stays. */
export function withoutLesson(course: CourseProgress, id: string): CourseProgress {
  const { [id]: _progress, ...lessons } = course.lessons;
  const { [id]: _session, ...sessions } = course.sessions;
  return { ...course, lessons, sessions };
}

export function browserStore(): Store {
  try {
    return window.localStorage;
  } catch {
    return undefined;
  }
}
