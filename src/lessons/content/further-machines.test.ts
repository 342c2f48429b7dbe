/**
 * Lessons 13 and 14 through the lesson machine's pure transitions: hand-made snapshots and events
 * in, state and emitted commands out. No engine runs here (the NN-*.test.ts files do that).
 */
import { describe, expect, it } from 'vitest';
import { initialTransition, transition } from 'xstate';
import type { ClusterSnapshot, EngineEvent } from '../../engine';
import { lessonMachine, type LessonProgress } from '../lesson-machine';
import {
  runTransitions as run,
  type LessonMachineState as State,
  type ScriptItem,
} from '../testing/transitions';
import type { Lesson } from '../lesson-types';
import { FURTHER, lessonById, nextEntry } from '../catalog';
import { retentionReplayLesson } from './13-retention-replay';
import { exactlyOnceLesson } from './14-exactly-once';
import { otherPlatformsLesson } from './15-other-platforms';

interface Replica {
  start?: number;
  end?: number;
  segments?: number[];
}

function snap(
  over: {
    topic?: string;
    partitions?: Replica[];
    consumers?: { id: string; groupId?: string | null; received?: number; position?: number }[];
    groups?: { groupId: string; offset: number }[];
    producers?: { id: string; transactionState?: string; producerId?: number }[];
  } = {},
): ClusterSnapshot {
  const topic = over.topic ?? 'payments';
  return {
    nowMs: 0,
    seed: 1,
    nodes: [],
    network: {},
    quorum: { leader: 'controller-1', epoch: 1, voters: [], committedOffset: 0 },
    brokers: [{ id: 1, node: 'broker-1', alive: true, state: 'unfenced', brokerEpoch: 1, metadataOffset: 1 }],
    topics: [
      {
        name: topic,
        partitions: (over.partitions ?? [{}]).map((r, partition) => ({
          partition,
          leader: 1,
          replicas: [1],
          isr: [1],
          replicaStates: [
            {
              broker: 1,
              alive: true,
              logStartOffset: r.start ?? 0,
              logEndOffset: r.end ?? 0,
              highWatermark: r.end ?? 0,
              segmentBaseOffsets: r.segments ?? [0],
            },
          ],
        })),
      },
    ],
    producers: (over.producers ?? []).map((p) => ({ producerId: 1, ...p })),
    consumers: (over.consumers ?? []).map((c) => ({
      groupId: null,
      received: 0,
      ...c,
      assignment: [{ topic, partition: 0, position: c.position ?? null }],
    })),
    groups: (over.groups ?? []).map((g) => ({
      groupId: g.groupId,
      offsets: [{ topic, partition: 0, offset: g.offset }],
    })),
    queues: [],
    services: [],
  } as unknown as ClusterSnapshot;
}

let seq = 0;
const e = (type: string, fields: Record<string, unknown> = {}): ScriptItem => ({
  type: 'engine.event',
  event: { seq: ++seq, atMs: seq * 10, type, ...fields } as unknown as EngineEvent,
});
const s = (over: Parameters<typeof snap>[0] = {}): ScriptItem => ({
  type: 'engine.snapshot',
  snapshot: snap(over),
});

/** Resume a lesson at `index` with the earlier steps done, as a reload would. */
const at = (lesson: Lesson, index: number): State => {
  const progress: LessonProgress = {
    index,
    done: Array.from({ length: index }, (_, i) => i),
    answers: {},
    reveals: {},
    pressed: [],
    finished: false,
  };
  return initialTransition(lessonMachine, { lesson, progress, skipSetup: true })[0];
};
const stepIndex = (lesson: Lesson, id: string) => lesson.steps.findIndex((st) => st.id === id);

describe('going further in the catalog', () => {
  it('lists lessons 13, 14 and 15 after the course, in order', () => {
    expect(FURTHER.map((f) => (f.kind === 'lesson' ? f.lesson.id : f.id)).slice(0, 3)).toEqual([
      '13-retention-replay',
      '14-exactly-once',
      '15-other-platforms',
    ]);
    expect(lessonById('14-exactly-once')?.title).toBe('Exactly-once');
    expect(
      nextEntry('13-retention-replay')?.kind === 'lesson' && nextEntry('13-retention-replay'),
    ).toMatchObject({
      lesson: { id: '14-exactly-once' },
    });
    expect(nextEntry('14-exactly-once')).toMatchObject({ lesson: { id: '15-other-platforms' } });
    expect(nextEntry('19-streams-vs-flink')).toBeUndefined(); // the last lesson (Streams against Flink)
    expect(nextEntry('11-groups')?.kind).toBe('sandbox');
  });

  it.each([retentionReplayLesson, exactlyOnceLesson].map((l) => [l.id, l] as const))(
    '%s: Next and Back walk every done step; a step not done holds Next',
    (_, lesson) => {
      let state = at(lesson, 0);
      const done = { ...state.context, done: lesson.steps.map((_, i) => i) };
      [state] = initialTransition(lessonMachine, { lesson, progress: done, skipSetup: true });
      [state] = transition(lessonMachine, state, { type: 'engine.batch', events: [], snapshot: snap() });
      for (let i = 0; i < lesson.steps.length; i++) {
        expect(state.context.index).toBe(i);
        [state] = transition(lessonMachine, state, { type: 'user.next' });
      }
      expect(state.value).toBe('finished');
      [state] = transition(lessonMachine, state, { type: 'user.back' });
      expect(state.context.index).toBe(lesson.steps.length - 1);
      // The first step waits for a fact that an empty cluster does not have.
      let fresh = at(lesson, 0);
      [fresh] = transition(lessonMachine, fresh, { type: 'engine.batch', events: [], snapshot: snap() });
      [fresh] = transition(lessonMachine, fresh, { type: 'user.next' });
      expect(fresh.context.index).toBe(0);
      expect(lesson.steps.some((st) => st.kind === 'predict')).toBe(true);
      expect(lesson.steps.some((st) => st.kind === 'challenge')).toBe(true);
    },
  );
});

describe('lesson 13 (retention and replay) machine', () => {
  const lesson = retentionReplayLesson;

  it('starts the report job and January on entry, and waits for two segments and the reads', () => {
    let r = run(at(lesson, 0), [s()]);
    expect(r.dispatched[0]).toEqual([
      'consumer.create',
      'consumer.subscribe',
      ...Array(8).fill('producer.send'),
    ]);
    r = run(r.state, [
      s({ partitions: [{ end: 8, segments: [0, 4] }], consumers: [{ id: 'reports', received: 7 }] }),
    ]);
    expect(r.state.value).toEqual({ step: 'waiting' });
    r = run(r.state, [
      s({ partitions: [{ end: 8, segments: [0, 4] }], consumers: [{ id: 'reports', received: 8 }] }),
    ]);
    expect(r.state.value).toEqual({ step: 'complete' });
  });

  it('commits, then crashes reports and sends February, then restarts it once January is gone', () => {
    const i = stepIndex(lesson, 'predict-out-of-range');
    let r = run(at(lesson, i), [s({ partitions: [{ end: 8, segments: [0, 4] }] })]);
    r = run(r.state, [{ type: 'user.answer', choice: 'committed' }]);
    expect(r.dispatched).toEqual([['consumer.commit']]);
    r = run(r.state, [s({ partitions: [{ end: 8 }], groups: [{ groupId: 'reports', offset: 3 }] })]);
    expect(r.dispatched).toEqual([['consumer.crash', ...Array(8).fill('producer.send')]]);
    r = run(r.state, [s({ partitions: [{ start: 4, end: 16, segments: [4, 8, 12] }] })]);
    expect(r.dispatched).toEqual([]);
    r = run(r.state, [
      s({ partitions: [{ start: 8, end: 16, segments: [8, 12] }] }),
      e('log.segmentsDeleted', {
        broker: 1,
        topic: 'payments',
        partition: 0,
        segments: 2,
        logStartOffset: 8,
        reason: 'retention.bytes',
      }),
    ]);
    expect(r.dispatched).toEqual([['node.restart']]);
    r = run(r.state, [
      e('consumer.restarted', { node: 'consumer:reports' }),
      e('consumer.positionSet', {
        consumer: 'reports',
        topic: 'payments',
        partition: 0,
        offset: 3,
        reason: 'committed',
      }),
      e('consumer.positionSet', {
        consumer: 'reports',
        topic: 'payments',
        partition: 0,
        offset: 8,
        reason: 'reset-earliest',
      }),
      e('consumer.received', {
        consumer: 'reports',
        records: [{ topic: 'payments', partition: 0, offset: 8, value: 'feb #01' }],
      }),
      s({ partitions: [{ start: 8, end: 16, segments: [8, 12] }] }),
    ]);
    expect(r.state.value).toEqual({ step: 'complete' });
    const reveal = r.state.context.reveals['predict-out-of-range']!;
    expect(reveal.correct).toBe('reset');
    expect(reveal.text).toMatch(/deleted 2 segments on the leader: the log now starts at offset 8/);
    expect(reveal.text).toMatch(/OFFSET_OUT_OF_RANGE.*to offset 8/);
    expect(reveal.text).toMatch(/Payments 3–7 were never in its report/);
  });

  it('the replay challenge: a latest group gets a hint, an earliest group that read 8–15 passes', () => {
    const i = stepIndex(lesson, 'challenge-replay');
    const kept = { partitions: [{ start: 8, end: 16, segments: [8, 12] }] };
    let r = run(at(lesson, i), [s(kept), { type: 'user.check' }]);
    expect(r.state.context.hint).toMatch(/group.id of your own/);
    r = run(r.state, [
      s({ ...kept, consumers: [{ id: 'c1', groupId: 'late', position: 16 }] }),
      { type: 'user.check' },
    ]);
    expect(r.state.context.hint).toMatch(/c1 \(group late\) starts at the end of the log \(offset 16\)/);
    const records = Array.from({ length: 8 }, (_, k) => ({
      topic: 'payments',
      partition: 0,
      offset: 8 + k,
      value: 'v',
    }));
    r = run(r.state, [
      e('consumer.received', { consumer: 'c2', records: records.slice(0, 5) }),
      s({ ...kept, consumers: [{ id: 'c2', groupId: 'audit', position: 13 }] }),
      { type: 'user.check' },
    ]);
    expect(r.state.context.hint).toMatch(/has read 5 payments of the 8 kept/);
    r = run(r.state, [
      e('consumer.received', { consumer: 'c2', records: records.slice(5) }),
      s({ ...kept, consumers: [{ id: 'c2', groupId: 'audit', position: 16 }] }),
      { type: 'user.check' },
    ]);
    expect(r.state.value).toEqual({ step: 'complete' });
    expect(r.state.context.message).toMatch(
      /c2 \(group audit\) read all 8 payments still kept, offsets 8–15/,
    );
  });
});

describe('lesson 14 (exactly-once) machine', () => {
  const lesson = exactlyOnceLesson;
  const ledger = (over: Parameters<typeof snap>[0] = {}) =>
    s({ topic: 'ledger', partitions: [{}, {}], ...over });
  const got = (consumer: string, partition: number, value: string, offset = 0) =>
    e('consumer.received', { consumer, records: [{ topic: 'ledger', partition, offset, value }] });

  it('the retry: cuts the answer and sends on the answer, heals on the retry, reveals one copy', () => {
    let r = run(at(lesson, 0), [ledger()]);
    expect(r.dispatched[0]).toEqual([
      'consumer.create',
      'consumer.assign',
      'consumer.create',
      'consumer.assign',
    ]);
    r = run(r.state, [{ type: 'user.answer', choice: 'two' }]);
    expect(r.dispatched).toEqual([['network.cut', 'producer.send']]);
    r = run(r.state, [
      e('producer.batchSent', { producer: 'pay' }),
      e('partition.appended', { topic: 'ledger', partition: 0, baseOffset: 0, producerId: 1 }),
      e('producer.retryScheduled', { producer: 'pay', error: 'REQUEST_TIMED_OUT' }),
      ledger({ producers: [{ id: 'pay', producerId: 1 }] }),
    ]);
    expect(r.dispatched).toEqual([['network.heal']]);
    r = run(r.state, [
      e('producer.batchSent', { producer: 'pay' }),
      e('partition.duplicateBatchDetected', {
        topic: 'ledger',
        partition: 0,
        producerId: 1,
        baseSequence: 0,
      }),
      e('producer.acked', { producer: 'pay', offset: 0 }),
      got('ru', 0, 'pay €10'),
      ledger({ producers: [{ id: 'pay', producerId: 1 }] }),
    ]);
    expect(r.state.value).toEqual({ step: 'complete' });
    const reveal = r.state.context.reveals['predict-retry']!;
    expect(reveal.correct).toBe('one');
    expect(reveal.text).toMatch(/sent the batch 2 times\. The leader appended it 1 time \(offset 0\)/);
  });

  it('the abort challenge: a commit gets a hint; an abort that ru read and rc did not passes', () => {
    const i = stepIndex(lesson, 'challenge-abort');
    let r = run(at(lesson, i), [ledger(), { type: 'user.check' }]);
    expect(r.state.context.hint).toMatch(/Create a producer in the Produce tab/);
    const send = (value: string) =>
      e('command.accepted', { command: { type: 'producer.send', producer: 'p1', topic: 'ledger', value } });
    const part = { partitions: [{ topic: 'ledger', partition: 0 }], transactionalId: 'p1-tx', producerId: 7 };
    // The records are told by position (producer id, offsets), not by value.
    const appended = (offset: number) =>
      e('partition.appended', {
        topic: 'ledger',
        partition: 0,
        baseOffset: offset,
        lastOffset: offset,
        producerId: 7,
      });
    r = run(r.state, [
      e('producer.transactionBegun', { producer: 'p1', transactionalId: 'p1-tx' }),
      send('keep'),
      appended(0),
      e('transaction.committed', { ...part, reason: 'requested' }),
      got('rc', 0, 'keep'),
      { type: 'user.check' },
    ]);
    expect(r.state.context.hint).toMatch(/p1-tx was committed/);
    r = run(r.state, [
      e('producer.transactionBegun', { producer: 'p1', transactionalId: 'p1-tx' }),
      send('undo'),
      appended(2),
      e('producer.transactionAborted', { producer: 'p1', transactionalId: 'p1-tx', reason: 'requested' }),
      e('transaction.aborted', { ...part, reason: 'requested' }),
      { type: 'user.check' },
    ]);
    expect(r.state.context.hint).toMatch(/ru has not read its records yet/);
    r = run(r.state, [got('ru', 0, 'undo', 2), { type: 'user.check' }]);
    expect(r.state.value).toEqual({ step: 'complete' });
    expect(r.state.context.message).toMatch(/ru read “undo”; rc read none of them/);
  });
});

describe('lesson 15 (other platforms) machine', () => {
  const lesson = otherPlatformsLesson;
  /** The group dashboard in a state, with its members. */
  const group = (state: string, members: string[]): ScriptItem => {
    const snapshot = snap({ topic: 'clicks' });
    snapshot.groups = [
      {
        groupId: 'dashboard',
        state,
        members: members.map((clientId) => ({ clientId, assignment: [] })),
        offsets: [],
      } as unknown as ClusterSnapshot['groups'][number],
    ];
    return { type: 'engine.snapshot', snapshot };
  };

  it('joins c1 and c2 after the answer, and sends the second clicks only once the group is stable with both', () => {
    const i = stepIndex(lesson, 'predict-subscription');
    let r = run(at(lesson, i), [group('Empty', [])]);
    r = run(r.state, [{ type: 'user.answer', choice: 'key_shared' }]);
    expect(r.dispatched).toEqual([
      ['consumer.create', 'consumer.subscribe', 'consumer.create', 'consumer.subscribe'],
    ]);
    r = run(r.state, [group('PreparingRebalance', ['c1', 'c2']), group('Stable', ['c1'])]);
    expect(r.dispatched).toEqual([]);
    r = run(r.state, [group('Stable', ['c1', 'c2']), group('Stable', ['c1', 'c2'])]);
    expect(r.dispatched).toEqual([Array(6).fill('producer.send')]);
    expect(r.state.value).toEqual({ step: 'running' });
  });
});
