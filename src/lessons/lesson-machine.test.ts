import { describe, expect, it } from 'vitest';
import { initialTransition } from 'xstate';
import type { ClusterSnapshot, EngineEvent } from '../engine';
import { lessonMachine } from './lesson-machine';
import { runTransitions as run } from './testing/transitions';
import type { Lesson } from './lesson-types';

/** Just enough of a snapshot for the machine's guards. */
function snap(over: { leader?: string | null; topics?: string[]; nowMs?: number } = {}): ClusterSnapshot {
  return {
    nowMs: over.nowMs ?? 0,
    seed: 1,
    nodes: [],
    network: {},
    quorum: {
      leader: over.leader === undefined ? 'controller-1' : over.leader,
      epoch: 1,
      voters: [],
      committedOffset: 0,
    },
    brokers: [{ id: 1, node: 'broker-1', alive: true, state: 'unfenced', brokerEpoch: 1, metadataOffset: 1 }],
    topics: (over.topics ?? []).map((name) => ({
      name,
      partitions: [{ partition: 0, leader: 1, replicas: [1], isr: [1], replicaStates: [] }],
    })),
    producers: [],
    consumers: [],
    groups: [],
  } as unknown as ClusterSnapshot;
}

const ev = (type: string, fields: Record<string, unknown> = {}): EngineEvent =>
  ({ seq: 1, atMs: 0, type, ...fields }) as unknown as EngineEvent;

const lesson: Lesson = {
  id: 'test',
  number: 99,
  title: 'Test',
  summary: '',
  seed: 1,
  options: { brokers: 1 },
  setup: [{ type: 'topic.create', topic: 't', partitions: 1, replicationFactor: 1 }],
  steps: [
    {
      id: 'intro',
      kind: 'narrative',
      title: 'Intro',
      body: ['Hello'],
      onEnter: () => [{ type: 'network.heal' }],
    },
    {
      id: 'wait',
      kind: 'wait',
      title: 'Wait',
      body: [],
      actions: [{ id: 'crash', label: 'Crash', commands: () => [{ type: 'broker.crash', broker: 1 }] }],
      fact: { waitingFor: 'crash', event: 'broker.crashed' },
    },
    {
      id: 'ask',
      kind: 'predict',
      title: 'Ask',
      body: [],
      question: 'Who leads?',
      choices: [
        { id: 'a', label: 'A' },
        { id: 'b', label: 'B' },
      ],
      run: () => [{ type: 'broker.restart', broker: 1 }],
      until: { waitingFor: 'leader', state: ({ snapshot }) => snapshot.quorum.leader === 'controller-2' },
      reveal: ({ snapshot }) => ({ text: `${snapshot.quorum.leader} leads`, correct: 'b' }),
    },
    {
      id: 'goal',
      kind: 'challenge',
      title: 'Goal',
      body: [],
      goal: 'Make topic u',
      check: ({ snapshot }) =>
        snapshot.topics.some((t) => t.name === 'u')
          ? { ok: true, message: 'yes' }
          : { ok: false, hint: 'create u' },
    },
  ],
};

const start = () => initialTransition(lessonMachine, { lesson })[0];
/** Through setup into the first step. */
const atStep0 = () =>
  run(start(), [
    { type: 'engine.snapshot', snapshot: snap() },
    { type: 'engine.snapshot', snapshot: snap({ topics: ['t'] }) },
  ]);

describe('lesson machine', () => {
  it('waits for a ready cluster, dispatches the setup, and starts once the setup topics exist', () => {
    let r = run(start(), [{ type: 'engine.snapshot', snapshot: snap({ leader: null }) }]);
    expect(r.state.value).toBe('preparing');
    expect(r.dispatched).toEqual([]);
    r = run(r.state, [{ type: 'engine.snapshot', snapshot: snap() }]);
    expect(r.state.value).toBe('settingUp');
    expect(r.dispatched).toEqual([['topic.create']]);
    r = run(r.state, [{ type: 'engine.snapshot', snapshot: snap() }]);
    expect(r.state.value).toBe('settingUp');
    r = run(r.state, [{ type: 'engine.snapshot', snapshot: snap({ topics: ['t'] }) }]);
    expect(r.state.value).toEqual({ step: 'ready' });
    expect(r.dispatched).toEqual([['network.heal']]); // the first step's onEnter
  });

  it('a narrative step allows Next at once; a wait step holds Next until its event arrives', () => {
    let { state } = atStep0();
    ({ state } = run(state, [{ type: 'user.next' }]));
    expect(state.value).toEqual({ step: 'waiting' });
    expect(state.context.index).toBe(1);
    ({ state } = run(state, [{ type: 'user.next' }, { type: 'engine.event', event: ev('broker.fenced') }]));
    expect(state.value).toEqual({ step: 'waiting' });
    expect(state.context.index).toBe(1);
    ({ state } = run(state, [{ type: 'engine.event', event: ev('broker.crashed') }]));
    expect(state.value).toEqual({ step: 'complete' });
    expect(state.context.done).toEqual([0, 1]);
  });

  it('an action button dispatches its commands once', () => {
    let { state } = atStep0();
    ({ state } = run(state, [{ type: 'user.next' }]));
    const r = run(state, [
      { type: 'user.action', action: 'crash' },
      { type: 'user.action', action: 'crash' },
      { type: 'user.action', action: 'nope' },
    ]);
    expect(r.dispatched).toEqual([['broker.crash']]);
    expect(r.state.context.pressed).toEqual(['wait/crash']);
  });

  it('predict: ignores unknown answers, runs after an answer, reveals from the state once the fact holds', () => {
    let { state } = atStep0();
    ({ state } = run(state, [
      { type: 'user.next' },
      { type: 'engine.event', event: ev('broker.crashed') },
      { type: 'user.next' },
    ]));
    expect(state.value).toEqual({ step: 'asking' });
    let r = run(state, [{ type: 'user.answer', choice: 'zzz' }, { type: 'user.next' }]);
    expect(r.state.value).toEqual({ step: 'asking' });
    r = run(r.state, [{ type: 'user.answer', choice: 'a' }]);
    expect(r.state.value).toEqual({ step: 'running' });
    expect(r.dispatched).toEqual([['broker.restart']]);
    expect(r.state.context.answers).toEqual({ ask: 'a' });
    r = run(r.state, [{ type: 'engine.snapshot', snapshot: snap({ leader: 'controller-3' }) }]);
    expect(r.state.value).toEqual({ step: 'running' });
    r = run(r.state, [{ type: 'engine.snapshot', snapshot: snap({ leader: 'controller-2' }) }]);
    expect(r.state.value).toEqual({ step: 'complete' });
    expect(r.state.context.reveals.ask).toEqual({ text: 'controller-2 leads', correct: 'b' });
  });

  it('challenge: a wrong attempt gets the hint, a right one passes; Next on the last step finishes', () => {
    let { state } = atStep0();
    ({ state } = run(state, [
      { type: 'user.next' },
      { type: 'engine.event', event: ev('broker.crashed') },
      { type: 'user.next' },
      { type: 'user.answer', choice: 'b' },
      { type: 'engine.snapshot', snapshot: snap({ leader: 'controller-2', topics: ['t'] }) },
      { type: 'user.next' },
    ]));
    expect(state.value).toEqual({ step: 'trying' });
    ({ state } = run(state, [{ type: 'user.next' }, { type: 'user.check' }]));
    expect(state.value).toEqual({ step: 'trying' });
    expect(state.context.hint).toBe('create u');
    ({ state } = run(state, [
      { type: 'engine.snapshot', snapshot: snap({ topics: ['t', 'u'] }) },
      { type: 'user.check' },
    ]));
    expect(state.value).toEqual({ step: 'complete' });
    expect(state.context.hint).toBeUndefined();
    expect(state.context.message).toBe('yes');
    ({ state } = run(state, [{ type: 'user.next' }]));
    expect(state.value).toBe('finished');
    expect(state.context.finished).toBe(true);
  });

  it('Back revisits a done step as complete without re-running its commands; not past the first step', () => {
    let { state } = atStep0();
    let r = run(state, [{ type: 'user.back' }]);
    expect(r.state.context.index).toBe(0);
    ({ state } = run(state, [{ type: 'user.next' }, { type: 'engine.event', event: ev('broker.crashed') }]));
    r = run(state, [{ type: 'user.back' }, { type: 'user.next' }]);
    expect(r.state.context.index).toBe(1);
    expect(r.state.value).toEqual({ step: 'complete' });
    expect(r.dispatched).toEqual([]); // onEnter of step 0 ran the first time only
  });

  it('events are recorded for the step and the lesson; the step list resets on each step', () => {
    let { state } = atStep0();
    ({ state } = run(state, [{ type: 'engine.event', event: ev('topic.created') }]));
    expect(state.context.stepEvents.map((e) => e.type)).toEqual(['topic.created']);
    ({ state } = run(state, [{ type: 'user.next' }]));
    expect(state.context.stepEvents).toEqual([]);
    expect(state.context.history.map((e) => e.type)).toEqual(['topic.created']);
  });

  it('resumes saved progress without the setup when the session was restored', () => {
    const progress = { index: 2, done: [0, 1], answers: {}, reveals: {}, pressed: [], finished: false };
    const [state] = initialTransition(lessonMachine, { lesson, progress, skipSetup: true });
    expect(state.value).toBe('resuming');
    const r = run(state, [{ type: 'engine.snapshot', snapshot: snap() }]);
    expect(r.state.value).toEqual({ step: 'asking' });
    expect(r.dispatched).toEqual([]);
  });

  it('records where each step began; a done prediction can be made again from there', () => {
    let { state } = atStep0();
    ({ state } = run(state, [
      { type: 'engine.snapshot', snapshot: snap({ topics: ['t'], nowMs: 500 }) },
      { type: 'user.next' },
      { type: 'engine.event', event: ev('broker.crashed') },
      { type: 'engine.snapshot', snapshot: snap({ topics: ['t'], nowMs: 900 }) },
      { type: 'user.next' },
    ]));
    expect(state.context.index).toBe(2);
    expect(state.context.starts).toEqual({ 0: 0, 1: 499, 2: 899 });
    let r = run(state, [
      { type: 'user.answer', choice: 'a' },
      { type: 'engine.snapshot', snapshot: snap({ leader: 'controller-2', topics: ['t'], nowMs: 2000 }) },
    ]);
    expect(r.state.value).toEqual({ step: 'complete' });
    expect(r.dispatched).toEqual([['broker.restart']]);
    // The UI put the cluster back where the step began, then asked to try again.
    r = run(r.state, [
      { type: 'engine.snapshot', snapshot: snap({ topics: ['t'], nowMs: 899 }) },
      { type: 'user.retry' },
    ]);
    expect(r.state.value).toEqual({ step: 'asking' });
    expect(r.state.context.answers).toEqual({});
    expect(r.state.context.reveals).toEqual({});
    expect(r.state.context.done).toEqual([0, 1]);
    expect(r.state.context.starts?.[2]).toBe(899);
    r = run(r.state, [{ type: 'user.answer', choice: 'b' }]);
    expect(r.dispatched).toEqual([['broker.restart']]);
  });

  it('a reload mid-prediction resumes waiting: the answer stands, nothing runs twice', () => {
    const progress = {
      index: 2,
      done: [0, 1],
      answers: { ask: 'a' },
      reveals: {},
      pressed: [],
      finished: false,
      starts: { 0: 0, 1: 499, 2: 899 },
    };
    const resumed = initialTransition(lessonMachine, { lesson, progress, skipSetup: true })[0];
    let r = run(resumed, [{ type: 'engine.snapshot', snapshot: snap({ topics: ['t'], nowMs: 1500 }) }]);
    expect(r.state.value).toEqual({ step: 'running' });
    expect(r.dispatched).toEqual([]);
    r = run(r.state, [{ type: 'user.answer', choice: 'b' }]);
    expect(r.dispatched).toEqual([]);
    expect(r.state.context.answers).toEqual({ ask: 'a' });
    r = run(r.state, [
      { type: 'engine.snapshot', snapshot: snap({ leader: 'controller-2', topics: ['t'] }) },
    ]);
    expect(r.state.value).toEqual({ step: 'complete' });
    expect(r.state.context.reveals['ask']?.text).toBe('controller-2 leads');
  });

  it('a step completed by an event says its outcome from the snapshot after the event, for every lesson', () => {
    const outcomeLesson: Lesson = {
      ...lesson,
      steps: [
        {
          id: 'w',
          kind: 'wait',
          title: 'W',
          body: [],
          fact: { waitingFor: 'election', event: 'raft.leaderElected' },
          outcome: ({ snapshot }) => `${snapshot.quorum.leader} leads`,
        },
      ],
    };
    let [state] = initialTransition(lessonMachine, { lesson: outcomeLesson });
    ({ state } = run(state, [
      { type: 'engine.snapshot', snapshot: snap() },
      { type: 'engine.snapshot', snapshot: snap({ topics: ['t'] }) },
      // One batch: the event, then the snapshot that already shows what the event says.
      { type: 'engine.event', event: ev('raft.leaderElected', { node: 'controller-2' }) },
      { type: 'engine.snapshot', snapshot: snap({ leader: 'controller-2', topics: ['t'] }) },
    ]));
    // Not "controller-1 leads": the snapshot the machine held when the event came was from before it.
    expect(state.value).toEqual({ step: 'complete' });
    expect(state.context.reveals['w']?.text).toBe('controller-2 leads');
  });
});
