/**
 * Lessons 1–3 through the lesson machine's pure transitions: hand-made snapshots and events in,
 * state and emitted commands out. No engine runs here (the NN-*.test.ts files do that).
 */
import { describe, expect, it } from 'vitest';
import { initialTransition } from 'xstate';
import type { ClusterSnapshot, EngineEvent, QueueSnapshot, ServiceSnapshot } from '../../engine';
import { lessonMachine } from '../lesson-machine';
import { runTransitions as run, type ScriptItem } from '../testing/transitions';
import type { Lesson } from '../lesson-types';
import { messagingLesson } from './01-messaging';
import { queueVsLogLesson } from './02-queue-vs-log';
import { eventsVsCommandsLesson } from './03-events-vs-commands';

interface SnapOver {
  topics?: { name: string; hw?: number }[];
  queues?: Partial<QueueSnapshot>[];
  services?: Partial<ServiceSnapshot>[];
  consumers?: { id: string; received: number }[];
  nodes?: { id: string; kind: string; alive: boolean }[];
}

function snap(over: SnapOver = {}): ClusterSnapshot {
  return {
    nowMs: 0,
    seed: 1,
    nodes: over.nodes ?? [{ id: 'queue-1', kind: 'queue', alive: true, incarnation: 1 }],
    network: {},
    quorum: { leader: 'controller-1', epoch: 1, voters: [], committedOffset: 0 },
    brokers: [{ id: 1, node: 'broker-1', alive: true, state: 'unfenced', brokerEpoch: 1, metadataOffset: 1 }],
    topics: (over.topics ?? []).map((t) => ({
      name: t.name,
      partitions: [
        {
          partition: 0,
          leader: 1,
          replicas: [1],
          isr: [1],
          replicaStates: [
            { broker: 1, logStartOffset: 0, logEndOffset: t.hw ?? 0, highWatermark: t.hw ?? 0 },
          ],
        },
      ],
    })),
    producers: [],
    consumers: (over.consumers ?? []).map((c) => ({ ...c, assignment: [] })),
    groups: [],
    queues: (over.queues ?? []).map((q) => ({
      name: 'orders',
      ready: 0,
      inFlight: 0,
      deleted: 0,
      waiting: 0,
      messages: [],
      ...q,
    })),
    services: (over.services ?? []).map((s) => ({ alive: true, holding: [], count: 0, ...s })),
  } as unknown as ClusterSnapshot;
}

let seq = 0;
const ev = (type: string, fields: Record<string, unknown> = {}): EngineEvent =>
  ({ seq: ++seq, atMs: seq * 10, type, ...fields }) as unknown as EngineEvent;

const start = (lesson: Lesson) => initialTransition(lessonMachine, { lesson })[0];
const s = (over: SnapOver = {}): ScriptItem => ({ type: 'engine.snapshot', snapshot: snap(over) });
const e = (type: string, fields: Record<string, unknown> = {}): ScriptItem => ({
  type: 'engine.event',
  event: ev(type, fields),
});

describe('lesson 1 (messaging) machine', () => {
  const orders = (over: Partial<QueueSnapshot> = {}) => ({ name: 'orders', ...over });

  it('sets up a queue and a sender, then starts once the queue exists', () => {
    let r = run(start(messagingLesson), [s()]);
    expect(r.dispatched).toEqual([['queue.create', 'sender.create']]);
    expect(r.state.value).toBe('settingUp');
    r = run(r.state, [s({ queues: [orders()] })]);
    expect(r.state.value).toEqual({ step: 'ready' });
  });

  it('waits for a backlog, predicts streaming, and only then starts the worker', () => {
    let { state } = run(start(messagingLesson), [s(), s({ queues: [orders()] }), { type: 'user.next' }]);
    expect(state.value).toEqual({ step: 'waiting' });
    ({ state } = run(state, [s({ queues: [orders({ ready: 2 })] })]));
    expect(state.value).toEqual({ step: 'waiting' });
    ({ state } = run(state, [s({ queues: [orders({ ready: 3 })] }), { type: 'user.next' }]));
    expect(state.value).toEqual({ step: 'asking' });
    const r = run(state, [{ type: 'user.answer', choice: 'all-at-once' }]);
    expect(r.dispatched).toEqual([['worker.create']]);
    let after = run(r.state, [
      e('worker.handled', { worker: 'billing', body: 'order-1', messageId: 'm1' }),
      e('worker.handled', { worker: 'billing', body: 'order-2', messageId: 'm2' }),
      s({ queues: [orders({ ready: 1 })] }),
    ]);
    expect(after.state.value).toEqual({ step: 'running' });
    after = run(after.state, [
      e('worker.handled', { worker: 'billing', body: 'order-3', messageId: 'm3' }),
      s({ services: [{ node: 'worker:billing', role: 'worker', count: 3 }] }),
    ]);
    expect(after.state.value).toEqual({ step: 'complete' });
    const reveal = after.state.context.reveals['predict-streaming']!;
    expect(reveal.correct).toBe('one-by-one');
    expect(reveal.text).toContain('order-1, order-2 and order-3');
  });

  it('the streaming reveal says how many orders still wait (learners read "backlog gone" beside 8)', () => {
    let { state } = run(start(messagingLesson), [s(), s({ queues: [orders()] }), { type: 'user.next' }]);
    ({ state } = run(state, [s({ queues: [orders({ ready: 3 })] }), { type: 'user.next' }]));
    const r = run(state, [{ type: 'user.answer', choice: 'one-by-one' }]);
    const after = run(r.state, [
      e('worker.handled', { worker: 'billing', body: 'order-1', messageId: 'm1' }),
      e('worker.handled', { worker: 'billing', body: 'order-2', messageId: 'm2' }),
      e('worker.handled', { worker: 'billing', body: 'order-3', messageId: 'm3' }),
      s({ queues: [orders({ ready: 8 })], services: [{ node: 'worker:billing', role: 'worker', count: 3 }] }),
    ]);
    const text = after.state.context.reveals['predict-streaming']!.text;
    expect(text).not.toMatch(/backlog was gone/);
    expect(text).toMatch(/8 orders still wait/);
  });

  it('the decoupling challenge hints at what is missing, then passes', () => {
    const handled = (n: number) => Array.from({ length: n }, () => e('worker.handled', { body: 'order-1' }));
    const { state } = run(start(messagingLesson), [
      s(),
      s({ queues: [orders()] }),
      { type: 'user.next' },
      s({ queues: [orders({ ready: 3 })] }),
      { type: 'user.next' },
      { type: 'user.answer', choice: 'one-by-one' },
      ...handled(3),
      s({ services: [{ node: 'worker:billing', role: 'worker', count: 3 }] }),
      { type: 'user.next' },
      ...handled(2),
      { type: 'user.next' },
      { type: 'user.answer', choice: 'all' },
      e('batch.handled', { bodies: ['order-4', 'order-5'], messageIds: ['m4', 'm5'] }),
      { type: 'user.next' },
    ]);
    expect(state.context.index).toBe(5);
    expect(state.value).toEqual({ step: 'trying' });
    const running = {
      queues: [orders({ ready: 5 })],
      services: [
        { node: 'sender:shop', role: 'sender' as const },
        { node: 'batch:invoicing', role: 'batch' as const, queue: 'orders' },
      ],
    };
    let r = run(state, [s(running), { type: 'user.check' }]);
    expect(r.state.context.hint).toMatch(/batch:invoicing still consumes/);
    r = run(r.state, [
      s({ ...running, services: [{ ...running.services[0]!, alive: false }, running.services[1]!] }),
      { type: 'user.check' },
    ]);
    expect(r.state.context.hint).toMatch(/The shop is down/);
    r = run(r.state, [
      s({ ...running, services: [running.services[0]!, { ...running.services[1]!, alive: false }] }),
      { type: 'user.check' },
    ]);
    expect(r.state.value).toEqual({ step: 'complete' });
    expect(r.state.context.message).toMatch(/5 orders wait in the queue/);
  });
});

describe('lesson 2 (queue vs log) machine', () => {
  const both = (ready: number, hw: number, more: SnapOver = {}): SnapOver => ({
    topics: [{ name: 'orders', hw }],
    queues: [{ name: 'orders', ready }],
    ...more,
  });

  it('sends four orders to both channels on entry and waits for both to hold them', () => {
    let r = run(start(queueVsLogLesson), [s()]);
    expect(r.dispatched).toEqual([['queue.create', 'topic.create', 'sender.create', 'producer.create']]);
    r = run(r.state, [s(both(0, 0))]);
    expect(r.state.value).toEqual({ step: 'ready' });
    expect(r.dispatched).toEqual([[...Array(4).fill(['queue.send', 'producer.send'])].flat()]);
    r = run(r.state, [{ type: 'user.next' }, s(both(4, 3))]);
    expect(r.state.value).toEqual({ step: 'waiting' });
    r = run(r.state, [s(both(4, 4))]);
    expect(r.state.value).toEqual({ step: 'complete' });
  });

  it('the replay challenge: the queue worker gets a hint, reading offset 0 of the log passes', () => {
    let { state } = run(start(queueVsLogLesson), [s(), s(both(4, 4))]);
    const allDone = both(0, 4, {
      queues: [{ name: 'orders', deleted: 4, waiting: 2 }],
      services: [{ node: 'worker:analytics', role: 'worker', state: 'polling', queue: 'orders' }],
      consumers: [
        { id: 'billing-c1', received: 4 },
        { id: 'analytics-c1', received: 4 },
      ],
    });
    ({ state } = run(state, [
      { type: 'user.next' },
      s(both(4, 4)),
      { type: 'user.next' },
      { type: 'user.answer', choice: 'all' },
      s(allDone),
      { type: 'user.next' },
      { type: 'user.answer', choice: 'none' },
      s(allDone),
      { type: 'user.next' },
      { type: 'user.answer', choice: 'both' },
      s(allDone),
      { type: 'user.next' },
    ]));
    expect(state.context.index).toBe(5);
    let r = run(state, [{ type: 'user.action', action: 'queue-replay' }]);
    expect(r.dispatched).toEqual([['worker.create']]);
    r = run(r.state, [
      s({
        ...allDone,
        services: [...allDone.services!, { node: 'worker:replay', role: 'worker', queue: 'orders' }],
      }),
      { type: 'user.check' },
    ]);
    expect(r.state.context.hint).toMatch(/nothing to replay there/);
    r = run(r.state, [
      e('consumer.received', {
        consumer: 'c1',
        records: [{ topic: 'orders', partition: 0, offset: 0, value: 'order-1' }],
      }),
      { type: 'user.check' },
    ]);
    expect(r.state.value).toEqual({ step: 'complete' });
    expect(r.state.context.message).toMatch(/c1 read order-1 again/);
  });
});

describe('lesson 3 (events vs commands) machine', () => {
  const ready: SnapOver = { topics: [{ name: 'account-events', hw: 0 }], queues: [{ name: 'transactions' }] };

  it('creates the account service on entry, sends t1 only after the prediction, and reveals the events', () => {
    let r = run(start(eventsVsCommandsLesson), [s()]);
    expect(r.dispatched).toEqual([['topic.create', 'queue.create', 'sender.create']]);
    r = run(r.state, [s(ready)]);
    expect(r.dispatched).toEqual([['accountService.create']]);
    r = run(r.state, [{ type: 'user.next' }]);
    expect(r.state.value).toEqual({ step: 'asking' });
    r = run(r.state, [{ type: 'user.answer', choice: 'failed' }]);
    expect(r.dispatched).toEqual([['queue.send']]);
    r = run(r.state, [
      e('account.transactionProcessed', {
        transactionId: 't1',
        outcome: 'completed',
        events: ['AccountBalanceChanged', 'AccountBalanceChanged', 'TransactionCompleted'],
        topic: 'account-events',
        baseOffset: 0,
        balances: { alice: 70, bob: 50 },
      }),
    ]);
    expect(r.state.value).toEqual({ step: 'complete' });
    expect(r.state.context.reveals['predict-transfer']).toMatchObject({ correct: 'completed' });
    expect(r.state.context.reveals['predict-transfer']!.text).toContain('alice 70, bob 50');
  });

  it('the refusal challenge: a payable transfer gets a hint, an unaffordable one passes', () => {
    let { state } = run(start(eventsVsCommandsLesson), [s(), s(ready), { type: 'user.next' }]);
    ({ state } = run(state, [
      { type: 'user.answer', choice: 'completed' },
      e('account.transactionProcessed', {
        transactionId: 't1',
        outcome: 'completed',
        events: [],
        balances: {},
      }),
      { type: 'user.next' },
      s({ ...ready, consumers: [{ id: 'audit', received: 3 }] }),
      { type: 'user.next' },
    ]));
    expect(state.value).toEqual({ step: 'trying' });
    let r = run(state, [{ type: 'user.check' }]);
    expect(r.state.context.hint).toMatch(/press one of the buttons/);
    r = run(r.state, [
      { type: 'user.action', action: 'bob-alice-40' },
      e('account.transactionProcessed', {
        transactionId: 't2',
        outcome: 'completed',
        events: [],
        balances: { alice: 110, bob: 10 },
      }),
      { type: 'user.check' },
    ]);
    expect(r.dispatched).toEqual([['queue.send']]);
    expect(r.state.context.hint).toMatch(/t2 could be paid/);
    r = run(r.state, [
      { type: 'user.action', action: 'alice-bob-500' },
      e('account.transactionProcessed', {
        transactionId: 't3',
        outcome: 'failed',
        reason: 'insufficient funds',
        events: ['TransactionFailed'],
        balances: { alice: 110, bob: 10 },
      }),
      { type: 'user.check' },
    ]);
    expect(r.state.value).toEqual({ step: 'complete' });
    expect(r.state.context.message).toMatch(/refused t3 \(insufficient funds\)/);
  });
});
