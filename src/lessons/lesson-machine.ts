/**
 * The flow of one lesson as an xstate v5 machine. It never touches the engine: it is fed one
 * `engine.batch` per batch of the engine (its non-RPC events, in order, and the snapshot after
 * them), and it *emits* `dispatch` with the commands to run; the lesson driver (driver.ts, for the
 * UI and the headless tests alike) carries them out. So every transition is pure and testable
 * with `transition()`.
 *
 *   preparing ──(cluster ready)──▶ settingUp ──(setup done)──▶ step ──(Next on the last)──▶ finished
 *                                                               │ entering → narrative | waiting →
 *                                                               │ ready | asking → running →
 *                                                               │ complete | trying → solved
 *
 * Steps wait for facts, never for time. Back revisits a step as done (the cluster does not rewind:
 * the step shows what happened); Next from a done step needs nothing more.
 */
import { assign, emit, enqueueActions, setup } from 'xstate';
import type { ClusterSnapshot, Command, EngineEvent } from '../engine';
import type { Fact, FactView, Lesson, LessonStep } from './lesson-types';
import { clusterReady, setupTopicsExist } from './facts';

/** How many non-RPC events a lesson remembers for its predicates. */
export const HISTORY_MAX = 2000;

export type LessonMachineEvent =
  | { type: 'user.next' }
  | { type: 'user.back' }
  | { type: 'user.answer'; choice: string }
  | { type: 'user.action'; action: string }
  | { type: 'user.check' }
  /** Do the current (done) step again: the UI has put the cluster back where the step began. */
  | { type: 'user.retry' }
  /** One batch of the engine: its non-RPC events, in order, then the snapshot after them. */
  | { type: 'engine.batch'; events: readonly EngineEvent[]; snapshot: ClusterSnapshot };

export type LessonEmitted = { type: 'dispatch'; commands: Command[] };

/** What a learner has done in a lesson: saved, and handed back in to resume. */
export interface LessonProgress {
  index: number;
  /** Steps whose fact held, answer was revealed or challenge solved. */
  done: number[];
  answers: Record<string, string>;
  reveals: Record<string, { text: string; correct?: string }>;
  /** Action buttons already pressed, as `stepId/actionId`. */
  pressed: string[];
  finished: boolean;
  /** Virtual ms at which each step (by index) was first entered: Back and "Try again" go there. */
  starts?: Record<number, number>;
  /** The playback speed the learner chose (restored on a reload). */
  speed?: number;
}

export interface LessonInput {
  lesson: Lesson;
  /** Saved progress; with `skipSetup` the cluster is already set up (a restored session). */
  progress?: LessonProgress;
  skipSetup?: boolean;
}

export interface LessonContext extends LessonProgress {
  lesson: Lesson;
  snapshot: ClusterSnapshot | undefined;
  entry: ClusterSnapshot | undefined;
  stepEvents: EngineEvent[];
  history: EngineEvent[];
  /** The last check's hint (a wrong attempt), cleared by the next check or step. */
  hint: string | undefined;
  message: string | undefined;
  skipSetup: boolean;
}

export function emptyProgress(): LessonProgress {
  return { index: 0, done: [], answers: {}, reveals: {}, pressed: [], finished: false, starts: {} };
}

export function stepOf(context: Pick<LessonContext, 'lesson' | 'index'>): LessonStep {
  const step = context.lesson.steps[context.index];
  if (!step) throw new Error(`lesson ${context.lesson.id} has no step ${context.index}`);
  return step;
}

export function viewOf(context: LessonContext, snapshot: ClusterSnapshot): FactView {
  return { snapshot, stepEvents: context.stepEvents, history: context.history, entry: context.entry };
}

/** Does `fact` hold, given the context and (optionally) an event that just arrived? */
export function factHolds(fact: Fact, context: LessonContext, event?: EngineEvent): boolean {
  const snapshot = context.snapshot;
  if (!snapshot) return false;
  const view = viewOf(context, snapshot);
  if (event) {
    if (fact.event !== event.type) return false;
    return fact.where ? fact.where(event, view) : true;
  }
  return fact.state ? fact.state(view) : false;
}

function currentFact(context: LessonContext): Fact | undefined {
  const step = stepOf(context);
  if (step.kind === 'wait') return step.fact;
  if (step.kind === 'predict') return step.until;
  return undefined;
}

function remember(list: EngineEvent[], events: readonly EngineEvent[], max: number): EngineEvent[] {
  if (events.length === 0) return list;
  const next = list.concat(events);
  return next.length > max ? next.slice(next.length - max) : next;
}

/**
 * Does one of the batch's events make the current fact hold? Each is judged as it arrived: with
 * the snapshot from before the batch and the events before it in the history.
 */
function factByEvent(context: LessonContext, events: readonly EngineEvent[]): boolean {
  const fact = currentFact(context);
  if (!fact || !events.some((e) => e.type === fact.event)) return false;
  let seen = context;
  for (const event of events) {
    if (factHolds(fact, seen, event)) return true;
    seen = {
      ...seen,
      history: remember(seen.history, [event], HISTORY_MAX),
      stepEvents: remember(seen.stepEvents, [event], HISTORY_MAX),
    };
  }
  return false;
}

const withDone = (done: number[], index: number) => (done.includes(index) ? done : [...done, index]);

export const lessonMachine = setup({
  types: {
    context: {} as LessonContext,
    events: {} as LessonMachineEvent,
    input: {} as LessonInput,
    emitted: {} as LessonEmitted,
  },
  guards: {
    clusterReady: ({ event }) => event.type === 'engine.batch' && clusterReady(event.snapshot),
    setupDone: ({ context, event }) =>
      event.type === 'engine.batch' &&
      (context.lesson.setupDone ?? setupTopicsExist(context.lesson.setup))(event.snapshot),
    skipSetup: ({ context }) => context.skipSetup,
    isDone: ({ context }) => context.done.includes(context.index),
    kindIs: ({ context }, kind: LessonStep['kind']) => stepOf(context).kind === kind,
    answered: ({ context }) => stepOf(context).id in context.answers,
    retryable: ({ context }) => stepOf(context).kind !== 'narrative' && context.done.includes(context.index),
    hasNext: ({ context }) => context.index + 1 < context.lesson.steps.length,
    hasBack: ({ context }) => context.index > 0,
    factByEvent: ({ context, event }) => event.type === 'engine.batch' && factByEvent(context, event.events),
    factByState: ({ context }) => {
      const fact = currentFact(context);
      return !!fact && factHolds(fact, context);
    },
    validAnswer: ({ context, event }) => {
      const step = stepOf(context);
      return (
        event.type === 'user.answer' &&
        step.kind === 'predict' &&
        step.choices.some((c) => c.id === event.choice)
      );
    },
    checkPasses: ({ context }) => {
      const step = stepOf(context);
      if (step.kind !== 'challenge' || !context.snapshot) return false;
      return step.check(viewOf(context, context.snapshot)).ok;
    },
    actionAllowed: ({ context, event }) => {
      const step = stepOf(context);
      if (event.type !== 'user.action' || !context.snapshot) return false;
      const known = step.actions?.some((a) => a.id === event.action) ?? false;
      return known && !context.pressed.includes(`${step.id}/${event.action}`);
    },
  },
  actions: {
    /** The batch's events into the history, then its snapshot (the cluster after them). */
    takeBatch: assign(({ context, event }) => {
      if (event.type !== 'engine.batch') return {};
      return {
        history: remember(context.history, event.events, HISTORY_MAX),
        stepEvents: remember(context.stepEvents, event.events, HISTORY_MAX),
        snapshot: event.snapshot,
      };
    }),
    enterStep: assign(({ context }) => ({
      // Just before the step's own commands (they run at this instant): going back here replays them.
      starts:
        context.index in (context.starts ?? {}) || !context.snapshot
          ? context.starts
          : { ...context.starts, [context.index]: Math.max(0, context.snapshot.nowMs - 1) },
      stepEvents: [],
      entry: context.snapshot,
      hint: undefined,
      message: undefined,
    })),
    /** Forget this step and every later one; the past after the cluster's position is gone too. */
    forgetFromHere: assign(({ context }) => {
      const ids = new Set(context.lesson.steps.slice(context.index).map((st) => st.id));
      const keep = <T>(rec: Record<string, T>) =>
        Object.fromEntries(Object.entries(rec).filter(([id]) => !ids.has(id)));
      const now = context.snapshot?.nowMs ?? Infinity;
      return {
        done: context.done.filter((d) => d < context.index),
        answers: keep(context.answers),
        reveals: keep(context.reveals),
        pressed: context.pressed.filter((key) => !ids.has(key.split('/')[0]!)),
        history: context.history.filter((e) => e.atMs <= now),
        finished: false,
      };
    }),
    markDone: assign(({ context }) => ({ done: withDone(context.done, context.index) })),
    goNext: assign(({ context }) => ({ index: context.index + 1 })),
    goBack: assign(({ context }) => ({ index: context.index - 1 })),
    finish: assign(({ context }) => ({ finished: true, done: withDone(context.done, context.index) })),
    recordAnswer: assign(({ context, event }) =>
      event.type === 'user.answer'
        ? { answers: { ...context.answers, [stepOf(context).id]: event.choice } }
        : {},
    ),
    recordReveal: assign(({ context }) => {
      const step = stepOf(context);
      if (step.kind !== 'predict' || !context.snapshot) return {};
      return { reveals: { ...context.reveals, [step.id]: step.reveal(viewOf(context, context.snapshot)) } };
    }),
    recordOutcome: assign(({ context }) => {
      const step = stepOf(context);
      if (step.kind !== 'wait' || !step.outcome || !context.snapshot) return {};
      return {
        reveals: { ...context.reveals, [step.id]: { text: step.outcome(viewOf(context, context.snapshot)) } },
      };
    }),
    recordCheck: assign(({ context }) => {
      const step = stepOf(context);
      if (step.kind !== 'challenge' || !context.snapshot) return {};
      const result = step.check(viewOf(context, context.snapshot));
      return result.ok
        ? { hint: undefined, message: result.message }
        : { hint: result.hint, message: undefined };
    }),
    recordPress: assign(({ context, event }) =>
      event.type === 'user.action'
        ? { pressed: [...context.pressed, `${stepOf(context).id}/${event.action}`] }
        : {},
    ),
    dispatchSetup: emit(({ context }) => ({
      type: 'dispatch' as const,
      commands: [...context.lesson.setup],
    })),
    dispatchOnEnter: emit(({ context }) => {
      const step = stepOf(context);
      const first = !context.done.includes(context.index) && context.snapshot && step.onEnter;
      return { type: 'dispatch' as const, commands: first ? step.onEnter!(context.snapshot!) : [] };
    }),
    dispatchRun: emit(({ context }) => {
      const step = stepOf(context);
      const commands =
        step.kind === 'predict' && step.run && context.snapshot ? step.run(context.snapshot) : [];
      return { type: 'dispatch' as const, commands };
    }),
    fireReactions: enqueueActions(({ context, enqueue }) => {
      const step = stepOf(context);
      const snapshot = context.snapshot;
      if (step.kind !== 'predict' || !step.then || !snapshot) return;
      const view = viewOf(context, snapshot);
      const fired: string[] = [];
      step.then.forEach((reaction, i) => {
        const key = `${step.id}/then-${i}`;
        if (context.pressed.includes(key) || !reaction.when(view)) return;
        fired.push(key);
        enqueue.emit({ type: 'dispatch', commands: reaction.commands(snapshot, view) });
      });
      if (fired.length > 0) enqueue.assign({ pressed: [...context.pressed, ...fired] });
    }),
    dispatchAction: emit(({ context, event }) => {
      const action =
        event.type === 'user.action'
          ? stepOf(context).actions?.find((a) => a.id === event.action)
          : undefined;
      const commands =
        action && context.snapshot
          ? action.commands(context.snapshot, viewOf(context, context.snapshot))
          : [];
      return { type: 'dispatch' as const, commands };
    }),
  },
}).createMachine({
  id: 'lesson',
  context: ({ input }) => ({
    ...emptyProgress(),
    ...input.progress,
    lesson: input.lesson,
    snapshot: undefined,
    entry: undefined,
    stepEvents: [],
    history: [],
    hint: undefined,
    message: undefined,
    skipSetup: input.skipSetup ?? false,
  }),
  initial: 'starting',
  // Batches are recorded whatever the state; the states below react to them.
  on: {
    'engine.batch': { actions: 'takeBatch' },
  },
  states: {
    starting: {
      always: [{ guard: 'skipSetup', target: 'resuming' }, { target: 'preparing' }],
    },
    preparing: {
      on: {
        'engine.batch': {
          guard: 'clusterReady',
          target: 'settingUp',
          actions: ['takeBatch', 'dispatchSetup'],
        },
      },
    },
    settingUp: {
      on: {
        'engine.batch': { guard: 'setupDone', target: 'step', actions: 'takeBatch' },
      },
    },
    /** Resuming a restored session: the setup ran before the reload. */
    resuming: {
      on: { 'engine.batch': { target: 'step', actions: 'takeBatch' } },
    },
    step: {
      initial: 'entering',
      on: {
        'user.back': { guard: 'hasBack', target: '.entering', reenter: true, actions: 'goBack' },
        'user.retry': {
          guard: 'retryable',
          target: '.entering',
          reenter: true,
          actions: 'forgetFromHere',
        },
        'user.action': { guard: 'actionAllowed', actions: ['recordPress', 'dispatchAction'] },
      },
      states: {
        entering: {
          entry: ['enterStep', 'dispatchOnEnter'],
          always: [
            { guard: { type: 'kindIs', params: 'narrative' }, target: 'ready' },
            { guard: 'isDone', target: 'complete' },
            { guard: { type: 'kindIs', params: 'wait' }, target: 'waiting' },
            // Answered before a reload, not revealed yet: its commands already ran; wait on.
            {
              guard: ({ context }) =>
                stepOf(context).kind === 'predict' && stepOf(context).id in context.answers,
              target: 'running',
            },
            { guard: { type: 'kindIs', params: 'predict' }, target: 'asking' },
            { target: 'trying' },
          ],
        },
        waiting: {
          always: { guard: 'factByState', target: 'complete', actions: ['recordOutcome', 'markDone'] },
          on: {
            // The fact arrived as an event: the outcome is said from the batch's snapshot, the
            // cluster after the event, so it never prints what was true just before it.
            'engine.batch': {
              guard: 'factByEvent',
              target: 'complete',
              actions: ['takeBatch', 'recordOutcome', 'markDone'],
            },
          },
        },
        asking: {
          on: {
            'user.answer': {
              guard: 'validAnswer',
              target: 'running',
              actions: ['recordAnswer', 'dispatchRun'],
            },
          },
        },
        running: {
          always: { guard: 'factByState', target: 'complete', actions: ['recordReveal', 'markDone'] },
          on: {
            'engine.batch': [
              // As in `waiting`: the reveal is said from the cluster after the event.
              {
                guard: 'factByEvent',
                target: 'complete',
                actions: ['takeBatch', 'recordReveal', 'markDone'],
              },
              { actions: ['takeBatch', 'fireReactions'] },
            ],
          },
        },
        trying: {
          on: {
            'user.check': [
              { guard: 'checkPasses', target: 'complete', actions: ['recordCheck', 'markDone'] },
              { actions: 'recordCheck' },
            ],
          },
        },
        /** Narrative steps: Next is always allowed. */
        ready: {
          on: {
            'user.next': [
              { guard: 'hasNext', target: '#lesson.step', reenter: true, actions: ['markDone', 'goNext'] },
              { target: '#lesson.finished', actions: 'finish' },
            ],
          },
        },
        complete: {
          on: {
            'user.next': [
              { guard: 'hasNext', target: '#lesson.step', reenter: true, actions: 'goNext' },
              { target: '#lesson.finished', actions: 'finish' },
            ],
          },
        },
      },
    },
    finished: {
      on: {
        'user.back': { target: 'step' },
      },
    },
  },
});
