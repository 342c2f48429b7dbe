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
  for (const event of events) {
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
