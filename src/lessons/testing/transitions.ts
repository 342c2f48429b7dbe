/**
 * Pure transitions of the lesson flow machine for tests: no actor, no engine. A test writes what
 * the engine said as events and snapshots, one after another; they reach the machine as the driver
 * sends them, one `engine.batch` per batch: a run of events and the snapshot after them. What comes
 * out is the final state and the commands the machine asked to run.
 */
import { initialTransition, transition } from 'xstate';
import type { ClusterSnapshot, EngineEvent } from '../../engine';
import { lessonMachine, type LessonMachineEvent } from '../lesson-machine';

export type LessonMachineState = ReturnType<typeof initialTransition<typeof lessonMachine>>[0];

/** A test's script: the learner's events, and the engine's events and snapshots one by one. */
export type ScriptItem =
  | Exclude<LessonMachineEvent, { type: 'engine.batch' }>
  | { type: 'engine.event'; event: EngineEvent }
  | { type: 'engine.snapshot'; snapshot: ClusterSnapshot };

/** Apply a script; returns the final state and every emitted dispatch's types. */
export function runTransitions(
  state: LessonMachineState,
  script: (ScriptItem | LessonMachineEvent)[],
): { state: LessonMachineState; dispatched: string[][] } {
  const dispatched: string[][] = [];
  const apply = (event: LessonMachineEvent) => {
    const [next, actions] = transition(lessonMachine, state, event);
    for (const a of actions) {
      const params = (a as { params?: { event?: { type: string; commands?: { type: string }[] } } }).params;
      const emitted = params?.event;
      if (emitted?.type === 'dispatch' && emitted.commands?.length)
        dispatched.push(emitted.commands.map((c) => c.type));
    }
    state = next;
  };
  // Events wait for the snapshot that ends their batch. Where a test gives none, the cluster did
  // not change: the batch ends with the snapshot the machine holds.
  let events: EngineEvent[] = [];
  const endBatch = (snapshot: ClusterSnapshot | undefined) => {
    const held = snapshot ?? state.context.snapshot;
    if (held) apply({ type: 'engine.batch', events, snapshot: held });
    events = [];
  };
  for (const item of script) {
    if (item.type === 'engine.event') events.push(item.event);
    else if (item.type === 'engine.snapshot') endBatch(item.snapshot);
    else {
      if (events.length > 0) endBatch(undefined);
      apply(item);
    }
  }
  if (events.length > 0) endBatch(undefined);
  return { state, dispatched };
}
