import { describe, expect, it } from 'vitest';
import type { ClusterSnapshot, Command, EngineEvent } from '../engine';
import { LessonDriver, type DriverBatch } from './driver';
import type { Lesson } from './lesson-types';

/** Just enough of a snapshot for the machine's guards. */
function snap(nowMs: number, topics: string[] = ['t']): ClusterSnapshot {
  return {
    nowMs,
    seed: 1,
    nodes: [],
    network: {},
    quorum: { leader: 'controller-1', epoch: 1, voters: [], committedOffset: 0 },
    brokers: [{ id: 1, node: 'broker-1', alive: true, state: 'unfenced', brokerEpoch: 1, metadataOffset: 1 }],
    topics: topics.map((name) => ({
      name,
      partitions: [{ partition: 0, leader: 1, replicas: [1], isr: [1], replicaStates: [] }],
    })),
    producers: [],
    consumers: [],
    groups: [],
  } as unknown as ClusterSnapshot;
}

const ev = (seq: number, type: string): EngineEvent =>
  ({ seq, atMs: seq * 10, type }) as unknown as EngineEvent;

const lesson: Lesson = {
  id: 'driver-test',
  number: 99,
  title: 'Test',
  summary: '',
  seed: 1,
  options: { brokers: 1 },
  setup: [{ type: 'topic.create', topic: 't', partitions: 1, replicationFactor: 1 }],
  steps: [
    { id: 'intro', kind: 'narrative', title: 'Intro', body: ['Hello'] },
    {
      id: 'wait',
      kind: 'wait',
      title: 'Wait',
      body: [],
      fact: { waitingFor: 'crash', event: 'broker.crashed' },
      outcome: ({ snapshot }) => `seen at ${snapshot.nowMs}`,
    },
  ],
};

/** A driver through the setup into the wait step; `notified` counts machine events processed. */
function atWaitStep() {
  const dispatched: Command[][] = [];
  const driver = new LessonDriver({ lesson }, (commands) => dispatched.push(commands));
  let notified = 0;
  driver.actor.subscribe(() => notified++);
  driver.start();
  const batch = (over: Partial<DriverBatch>): DriverBatch => ({
    events: [],
    snapshot: snap(0),
    traceLength: 0,
    live: true,
    ...over,
  });
  driver.take(batch({ snapshot: snap(0, []) })); // the cluster is ready: the setup is sent
  driver.take(batch({ snapshot: snap(1) })); // the setup is done: the first step
  driver.send({ type: 'user.next' });
  expect(driver.actor.getSnapshot().matches({ step: 'waiting' })).toBe(true);
  notified = 0;
  return { driver, dispatched, batch, notified: () => notified };
}

const history = (driver: LessonDriver) => driver.actor.getSnapshot().context.history.map((e) => e.seq);

describe('the lesson driver', () => {
  it('feeds the machine one event per batch, RPC events left out', () => {
    const { driver, dispatched, batch, notified } = atWaitStep();
    expect(dispatched.map((c) => c.map((x) => x.type))).toEqual([['topic.create']]);
    driver.take(
      batch({
        events: [
          ev(1, 'rpc.sent'),
          ev(2, 'partition.appended'),
          ev(3, 'rpc.delivered'),
          ev(4, 'broker.fenced'),
        ],
        traceLength: 4,
        snapshot: snap(40),
      }),
    );
    expect(notified()).toBe(1);
    expect(history(driver)).toEqual([2, 4]);
    expect(driver.actor.getSnapshot().context.snapshot?.nowMs).toBe(40);
  });

  it('a fact that arrives as an event completes the step, told from the snapshot after it', () => {
    const { driver, batch, notified } = atWaitStep();
    driver.take(
      batch({
        events: [ev(1, 'broker.fenced'), ev(2, 'broker.crashed'), ev(3, 'partition.changed')],
        traceLength: 3,
        snapshot: snap(900),
      }),
    );
    expect(notified()).toBe(1);
    const state = driver.actor.getSnapshot();
    expect(state.matches({ step: 'complete' })).toBe(true);
    expect(state.context.reveals['wait']?.text).toBe('seen at 900');
    expect(history(driver)).toEqual([1, 2, 3]);
  });

  it('holds back a scrubbed-back past for the next live batch and never feeds an event twice', () => {
    const { driver, batch, notified } = atWaitStep();
    driver.take(batch({ events: [ev(1, 'a.x'), ev(2, 'a.y')], traceLength: 2 }));
    // In the past (recorded future ahead): not judged, its new events kept.
    expect(driver.take(batch({ events: [ev(3, 'broker.crashed')], traceLength: 3, live: false }))).toBe(
      false,
    );
    expect(notified()).toBe(1);
    expect(driver.actor.getSnapshot().matches({ step: 'waiting' })).toBe(true);
    driver.take(batch({ events: [ev(4, 'a.z')], traceLength: 4, snapshot: snap(50) }));
    expect(history(driver)).toEqual([1, 2, 3, 4]);
    expect(driver.actor.getSnapshot().context.reveals['wait']?.text).toBe('seen at 50');
    // Playing again over events already fed adds nothing.
    driver.take(batch({ events: [ev(3, 'broker.crashed'), ev(4, 'a.z')], traceLength: 4 }));
    expect(history(driver)).toEqual([1, 2, 3, 4]);
  });

  it('after a fork the trace goes on from the fork: its events are new', () => {
    const { driver, batch } = atWaitStep();
    driver.take(batch({ events: [ev(1, 'a.x'), ev(2, 'a.y'), ev(3, 'a.z')], traceLength: 3 }));
    driver.take(batch({ events: [ev(2, 'broker.crashed')], traceLength: 2, snapshot: snap(20) }));
    expect(history(driver)).toEqual([1, 2, 3, 2]);
    expect(driver.actor.getSnapshot().matches({ step: 'complete' })).toBe(true);
  });

  it('a reset batch (a session just opened) brings no new events, only its snapshot', () => {
    const { driver, batch } = atWaitStep();
    driver.take(batch({ events: [ev(1, 'broker.crashed')], traceLength: 1, reset: true, snapshot: snap(5) }));
    expect(history(driver)).toEqual([]);
    expect(driver.actor.getSnapshot().context.snapshot?.nowMs).toBe(5);
    expect(driver.actor.getSnapshot().matches({ step: 'waiting' })).toBe(true);
  });
});
