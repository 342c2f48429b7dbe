/**
 * Connects a lesson's flow machine to the running engine session through the lesson driver
 * (lessons/driver.ts, the same one the headless lesson tests use): each batch is one machine
 * event; the commands the machine emits go to the engine through the client, in order; and every
 * change of the machine is saved as the learner's progress.
 *
 * On a reload the worker restores this tab's session exactly (same URL), so the machine resumes at
 * the saved step without running the setup again. If the session could not be restored (another
 * browser, storage cleared) the cluster is new, and the lesson starts over from its first step.
 */
import type { SnapshotFrom } from 'xstate';
import type { Command } from '../../engine';
import { LessonDriver, type LearnerEvent } from '../../lessons/driver';
import { lessonMachine, type LessonProgress } from '../../lessons/lesson-machine';
import type { Lesson } from '../../lessons/lesson-types';
import { readCourse, writeCourse, withLesson, type CourseProgress } from '../../lessons/progress';
import { readTabSession, urlDigest, writeTabSession } from '../open-plan';
import type { EngineSession } from '../engine-session.svelte';
import { SPEEDS, type Speed } from '../playback/playback.svelte';

const asSpeed = (value: number, fallback: number): Speed =>
  (SPEEDS as readonly number[]).includes(value) ? (value as Speed) : (fallback as Speed);
import type { Batch } from '../../bridge/protocol';
import type { BatchMove } from '../batch-continuity';

/** Booting the cluster and running the setup is not the lesson: it runs at the fastest speed. */
const SETUP_SPEED = 5;

type Store = Pick<Storage, 'getItem' | 'setItem'> | undefined;

/**
 * Before the session opens: if this lesson's cluster lives in a saved worker session and this tab
 * does not already hold it, point the tab at it, so the open plan restores it (the same path as a
 * reload). A new tab or a restarted browser then resumes the lesson with its cluster.
 */
export function pointTabAtLesson(
  lessonId: string,
  store: Store,
  tabStorage: Pick<Storage, 'getItem' | 'setItem'> | undefined,
  href: string,
): void {
  const sessionId = readCourse(store).sessions[lessonId];
  if (!sessionId) return;
  const tab = readTabSession(tabStorage);
  if (tab?.url !== urlDigest(href)) writeTabSession(tabStorage, sessionId, href);
}
export type LessonState = SnapshotFrom<typeof lessonMachine>;

export function progressOf(state: LessonState, speed?: number): LessonProgress {
  const { index, done, answers, reveals, pressed, finished, starts } = state.context;
  return {
    index,
    done,
    answers,
    reveals,
    pressed,
    finished,
    starts: starts ?? {},
    ...(speed ? { speed } : {}),
  };
}

export class LessonRunner {
  state = $state.raw<LessonState | undefined>(undefined);
  /** A command the engine refused (it should not happen in a written lesson; shown if it does). */
  problem = $state<string | undefined>(undefined);
  /** The saved cluster was gone, so the lesson started again from the top. */
  restarted = $state(false);
  completed = $state<string[]>([]);

  private driver: LessonDriver | undefined;
  private started = false;
  private queue: Promise<void> = Promise.resolve();
  private readonly lesson: Lesson;
  private readonly session: EngineSession;
  private readonly store: Store;

  private readonly tabStorage: Pick<Storage, 'getItem'> | undefined;

  constructor(lesson: Lesson, session: EngineSession, store: Store, tabStorage?: Pick<Storage, 'getItem'>) {
    this.lesson = lesson;
    this.session = session;
    this.store = store;
    this.tabStorage = tabStorage;
    this.completed = readCourse(store).completed;
  }

  /** Listen to the session; returns the cleanup. */
  connect(): () => void {
    const off = this.session.onBatch((batch, move) => this.onBatch(batch, move));
    return () => {
      off();
      this.driver?.stop();
    };
  }

  send(event: LearnerEvent): void {
    this.driver?.send(event);
  }

  /** Back: the previous step, with the cluster put back where that step began. */
  back(): void {
    this.driver?.send({ type: 'user.back' });
    this.seekToStep();
  }

  /** Next: in the recorded past, the next step's start is still there: go to it. */
  next(): void {
    this.driver?.send({ type: 'user.next' });
    if (this.session.inPast) this.seekToStep();
  }

  /** Try the current (done) step again from where it began: the old outcome is forgotten. */
  retry(): void {
    const start = this.startOf();
    if (start === undefined) return;
    this.afterSeek = { atMs: start, then: () => this.driver?.send({ type: 'user.retry' }) };
    this.session.playback.seek(start);
  }

  /** The learner changed the speed: saved with the progress (a reload restores it). */
  rememberSpeed(speed: number): void {
    if (speed === this.speed) return;
    this.speed = speed;
    if (this.driver) this.save(this.driver.actor.getSnapshot());
  }

  private speed: number | undefined;
  private afterSeek: { atMs: number; then: () => void } | undefined;

  private startOf(): number | undefined {
    const context = this.driver?.actor.getSnapshot().context;
    return context ? context.starts?.[context.index] : undefined;
  }

  private seekToStep(): void {
    const start = this.startOf();
    if (start !== undefined && start <= this.session.endMs) this.session.playback.seek(start);
  }

  private onBatch(batch: Batch, move: BatchMove): void {
    const driver = this.driver ?? this.begin();
    // A jump (the session opened, time travel) is the session's one classification, not a guess.
    const taken = { ...batch, live: !batch.timeline.inPast, reset: move.kind === 'jump' };
    // The machine judges facts on the live cluster only (the driver holds back a scrubbed-back
    // past); a seek the runner asked for is handed over once, wherever it lands.
    const after = this.afterSeek;
    if (after && Math.abs(batch.nowMs - after.atMs) < 1) {
      this.afterSeek = undefined;
      driver.take(taken, true);
      after.then();
      return;
    }
    driver.take(taken);
  }

  /** The first batch tells whether the session was restored (origin is set before batches arrive). */
  private begin(): LessonDriver {
    const course = readCourse(this.store);
    const saved = course.lessons[this.lesson.id];
    const restored = this.session.origin === 'restored' || this.session.origin === 'copied';
    const resume = restored && saved !== undefined;
    this.speed = resume ? saved.speed : undefined;
    this.restarted = !restored && saved !== undefined && (saved.index > 0 || saved.done.length > 0);
    const driver = new LessonDriver(
      resume ? { lesson: this.lesson, progress: saved, skipSetup: true } : { lesson: this.lesson },
      (commands) => this.enqueue(commands),
    );
    driver.actor.subscribe((state) => {
      this.state = state;
      this.save(state);
      // The cluster boots and is set up at full speed; the lesson itself runs at its own pace.
      if (!this.started && state.matches('step')) {
        this.started = true;
        if (!resume) this.session.playback.setSpeed(this.lesson.speed ?? 1);
      }
    });
    this.driver = driver;
    if (!resume) this.session.playback.setSpeed(SETUP_SPEED);
    else {
      if (saved.speed !== undefined)
        this.session.playback.setSpeed(asSpeed(saved.speed, this.lesson.speed ?? 1));
      // A restored session opens paused (the sandbox's rule: look before it runs on). A lesson is
      // live, and its saved position may sit just after an action whose effects have not happened
      // yet (a prediction's crash whose election is still to come): play on, whatever the speed.
      // (This used to be an `else` of the saved speed: a learner who had changed the speed came
      // back to a paused cluster, and a step waiting on the engine never completed.)
      if (!this.session.playback.playing) this.session.playback.play();
    }
    driver.start();
    return driver;
  }

  private saved = '';

  /** Saves when the progress changed (not on every engine event the machine records). */
  private save(state: LessonState): void {
    const progress = JSON.stringify(progressOf(state, this.speed));
    if (progress === this.saved) return;
    this.saved = progress;
    const course: CourseProgress = withLesson(
      readCourse(this.store),
      this.lesson.id,
      progressOf(state, this.speed),
    );
    // The session opened for this page (adopted into the tab's storage when it became ready).
    const sessionId = readTabSession(this.tabStorage)?.id;
    if (sessionId) course.sessions = { ...course.sessions, [this.lesson.id]: sessionId };
    writeCourse(this.store, course);
    if (course.completed.length !== this.completed.length) this.completed = course.completed;
  }

  /**
   * Each emit's commands are applied together, at the same virtual instant (one request), as the
   * headless tests apply them; emits are applied in the order the machine made them.
   */
  private enqueue(commands: Command[]): void {
    this.queue = this.queue.then(async () => {
      const result = await this.session.dispatchMany(commands);
      if (!result.ok) this.problem = `The engine refused a lesson command: ${result.message}`;
    });
  }
}
