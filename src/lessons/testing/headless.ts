/**
 * Drive a lesson's flow machine against a real simulation in Node, the way the UI does through the
 * worker and with the same driver (driver.ts): each slice of virtual time is one batch (its events,
 * then the snapshot), and the commands the machine emits are dispatched. Lesson tests use it to
 * prove each step's fact really happens and each challenge's check really tells a right solution
 * from a wrong one.
 */
import type { createActor } from 'xstate';
import {
  createSimulation,
  guaranteeGuard,
  isEngineError,
  type Command,
  type GuaranteeChecker,
  type Simulation,
} from '../../engine';
import type { Lesson } from '../lesson-types';
import type { lessonMachine } from '../lesson-machine';
import { LessonDriver, type LearnerEvent } from '../driver';

export interface HeadlessLesson {
  sim: Simulation;
  actor: ReturnType<typeof createActor<typeof lessonMachine>>;
  /** The guarantee checker that watched the run (a violation throws, failing the test). */
  guarantees: GuaranteeChecker;
  /** Commands the engine refused (code: message), in order. */
  refused: string[];
  /** Send a learner event, then let the engine run a moment. */
  send(event: LearnerEvent): void;
  /** Dispatch commands as the learner would with the tools. */
  act(commands: readonly Command[]): void;
  /** Run in slices until `done` or `maxMs` of virtual time pass; true if done. */
  runUntil(done: () => boolean, maxMs?: number): boolean;
  run(ms: number): void;
  /** Run until the current step is complete (its fact held, answer revealed, challenge solved). */
  untilComplete(maxMs?: number): boolean;
  stateValue(): unknown;
  index(): number;
}

const SLICE_MS = 20;

export function startHeadless(lesson: Lesson): HeadlessLesson {
  const sim = createSimulation({ seed: lesson.seed, ...lesson.options });
  const refused: string[] = [];
  const dispatch = (commands: readonly Command[]) => {
    for (const command of commands) {
      try {
        sim.dispatch(command);
      } catch (e) {
        if (!isEngineError(e)) throw e;
        refused.push(`${e.code}: ${e.message}`);
      }
    }
  };
  const driver = new LessonDriver({ lesson }, dispatch);
  const actor = driver.actor;
  driver.start();
  let seq = 0;
  // The guarantee checker watches every lesson: a violation of what Kafka promises fails the test.
  const guard = guaranteeGuard(`lesson ${lesson.id}`);
  const feed = () => {
    const events = sim.events(seq);
    guard.feed(events);
    seq = events.at(-1)?.seq ?? seq;
    driver.take({ events, snapshot: sim.snapshot(), traceLength: seq, live: true });
  };
  const run = (ms: number) => {
    for (let t = 0; t < ms; t += SLICE_MS) {
      sim.runFor(Math.min(SLICE_MS, ms - t));
      feed();
    }
  };
  const runUntil = (done: () => boolean, maxMs = 60_000) => {
    feed();
    for (let t = 0; t < maxMs && !done(); t += SLICE_MS) {
      sim.runFor(SLICE_MS);
      feed();
    }
    return done();
  };
  const complete = () => {
    const v = actor.getSnapshot();
    return v.matches('finished') || v.matches({ step: 'complete' }) || v.matches({ step: 'ready' });
  };
  return {
    sim,
    actor,
    guarantees: guard.checker,
    refused,
    send(event) {
      driver.send(event);
      feed();
    },
    act(commands) {
      dispatch(commands);
      feed();
    },
    runUntil,
    run,
    untilComplete: (maxMs) => runUntil(complete, maxMs),
    stateValue: () => actor.getSnapshot().value,
    index: () => actor.getSnapshot().context.index,
  };
}
