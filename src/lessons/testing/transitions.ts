/**
 * Pure transitions of the lesson flow machine for tests: no actor, no engine. Events go in one
 * after another; what comes out is the final state and the commands the machine asked to run.
 */
import { initialTransition, transition } from 'xstate';
import { lessonMachine, type LessonMachineEvent } from '../lesson-machine';

export type LessonMachineState = ReturnType<typeof initialTransition<typeof lessonMachine>>[0];

/** Apply events one after another; returns the final state and every emitted dispatch's types. */
export function runTransitions(
  state: LessonMachineState,
  events: LessonMachineEvent[],
): { state: LessonMachineState; dispatched: string[][] } {
  const dispatched: string[][] = [];
  const all: LessonMachineEvent[] = [];
  // A batch ends with its snapshot: a step completed by an event settles on the snapshot after it.
  // Where a test gives none, the cluster did not change (the same snapshot comes again).
  events.forEach((event, i) => {
    all.push(event);
    const following = events[i + 1]?.type;
    if (event.type === 'engine.event' && following !== 'engine.event' && following !== 'engine.snapshot')
      all.push({ type: 'engine.snapshot', snapshot: undefined as never });
  });
  for (let event of all) {
    if (event.type === 'engine.snapshot' && event.snapshot === undefined) {
      if (!state.matches({ step: 'settling' }) || !state.context.snapshot) continue;
      event = { type: 'engine.snapshot', snapshot: state.context.snapshot };
    }
    const [next, actions] = transition(lessonMachine, state, event);
    for (const a of actions) {
      const params = (a as { params?: { event?: { type: string; commands?: { type: string }[] } } }).params;
      const emitted = params?.event;
      if (emitted?.type === 'dispatch' && emitted.commands?.length)
        dispatched.push(emitted.commands.map((c) => c.type));
    }
    state = next;
  }
  return { state, dispatched };
}
