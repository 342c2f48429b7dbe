/**
 * Lesson 2 — Queue vs log: the same four orders go to a message queue and to a Kafka topic. The
 * queue deletes each order once a consumer acks it, so a second reader finds nothing; the log keeps
 * every record, so two consumer groups each read everything, and a new reader can replay it all.
 */
import type { Command } from '../../engine';
import type { Lesson } from '../lesson-types';
import { eventsOf, leaderReplica, list, plural, setupTopicsExist } from '../facts';
import { queueLine, queueOf, serviceOf } from './queue-helpers';

const QUEUE = 'orders';
const TOPIC = 'orders';
const ORDERS = ['order-1', 'order-2', 'order-3', 'order-4'];

const setup: Command[] = [
  { type: 'queue.create', queue: QUEUE, visibilityTimeoutMs: 3000 },
  { type: 'topic.create', topic: TOPIC, partitions: 1, replicationFactor: 1 },
  { type: 'sender.create', sender: 'shop' },
  { type: 'producer.create', producer: 'shop' },
];

const logEnd = (s: Parameters<typeof leaderReplica>[0]) => leaderReplica(s, TOPIC, 0)?.highWatermark ?? 0;

function consumerReceived(s: Parameters<typeof leaderReplica>[0], id: string): number {
  return s.consumers.find((c) => c.id === id)?.received ?? 0;
}

export const queueVsLogLesson: Lesson = {
  id: '02-queue-vs-log',
  number: 2,
  title: 'Queue vs log',
  summary: 'A queue deletes a message once it is consumed; a log keeps it for many readers and for replay.',
  seed: 2,
  options: { brokers: 1, controllers: 1, network: { latencyMsMin: 40, latencyMsMax: 70 } },
  setup,
  setupDone: (s) => setupTopicsExist(setup)(s) && queueOf(s, QUEUE) !== undefined,
  speed: 0.5,
  tools: ['consume', 'inspect'],
  steps: [
    {
      id: 'two-channels',
      kind: 'narrative',
      title: 'The same orders, two channels',
      body: [
        'The shop now sends each order twice: to the **queue** `orders` (the purple band) and to the Kafka **topic** `orders` (the row under the broker, a log with offsets).',
        'Both are channels between services. The difference is what happens to a message once someone has read it.',
      ],
      onEnter: () =>
        ORDERS.flatMap((value): Command[] => [
          { type: 'queue.send', sender: 'shop', queue: QUEUE, body: value },
          { type: 'producer.send', producer: 'shop', topic: TOPIC, key: null, value },
        ]),
      status: (s) => `${queueLine(s, QUEUE)} Log ${TOPIC}: ${plural(logEnd(s), 'record')}.`,
    },
    {
      id: 'stored',
      kind: 'wait',
      title: 'Four orders in each',
      body: ['Wait until both channels hold the four orders: ready in the queue, committed in the log.'],
      fact: {
        waitingFor: 'Waiting for four orders in the queue and four records in the log…',
        state: ({ snapshot: s }) => (queueOf(s, QUEUE)?.ready ?? 0) >= 4 && logEnd(s) >= 4,
      },
      status: (s) => `${queueLine(s, QUEUE)} Log ${TOPIC}: ${plural(logEnd(s), 'record')}.`,
    },
    {
      id: 'predict-queue',
      kind: 'predict',
      title: 'Reading the queue',
      body: [
        'A worker, `billing`, starts reading the queue. For each order it receives it, handles it, and acks it (a `DeleteMessage` request).',
      ],
      question: 'Once billing has handled all four, what is left in the queue?',
      choices: [
        { id: 'nothing', label: 'Nothing: each order was deleted when billing acked it' },
        { id: 'all', label: 'All four, marked as read' },
        { id: 'last', label: 'Only the last order' },
      ],
      run: () => [{ type: 'worker.create', worker: 'billing', queue: QUEUE, processingMs: 300 }],
      until: {
        waitingFor: 'Waiting for billing to handle the four orders…',
        state: ({ snapshot }) => (queueOf(snapshot, QUEUE)?.deleted ?? 0) >= 4,
      },
      reveal: ({ snapshot, stepEvents }) => {
        const q = queueOf(snapshot, QUEUE);
        const deleted = eventsOf(stepEvents, 'queue.messageDeleted').map((e) => e.messageId);
        return {
          text: `billing acked ${list(deleted)}, and the queue deleted each one on the ack. The queue now has ${q?.ready ?? 0} ready, ${q?.inFlight ?? 0} in flight and ${q?.deleted ?? 0} deleted: the orders are gone from it for good.`,
          correct: 'nothing',
        };
      },
      status: (s) => queueLine(s, QUEUE),
    },
    {
      id: 'predict-second',
      kind: 'predict',
      title: 'A second reader on the queue',
      body: ['Another service, `analytics`, wants the orders too, and starts reading the same queue.'],
      question: 'What does analytics get?',
      choices: [
        { id: 'all', label: 'The same four orders' },
        { id: 'none', label: 'Nothing: the orders are gone' },
        { id: 'half', label: 'Two of them' },
      ],
      run: () => [{ type: 'worker.create', worker: 'analytics', queue: QUEUE, processingMs: 300 }],
      until: {
        waitingFor: 'Waiting for analytics to ask the queue…',
        state: ({ snapshot }) =>
          serviceOf(snapshot, 'worker:analytics')?.state === 'polling' &&
          (queueOf(snapshot, QUEUE)?.waiting ?? 0) >= 2,
      },
      reveal: ({ snapshot, history }) => {
        const got = eventsOf(history, 'queue.messageReceived').filter(
          (e) => e.consumer === 'worker:analytics',
        );
        return {
          text:
            got.length === 0
              ? `analytics asked (a ReceiveMessage long poll) and is still waiting: the queue holds ${plural(queueOf(snapshot, QUEUE)?.ready ?? 0, 'order')}. A queue hands each message to one consumer and forgets it once acked.`
              : `analytics received ${plural(got.length, 'message')} — new ones, not the four billing already acked.`,
          correct: 'none',
        };
      },
      status: (s) => queueLine(s, QUEUE),
    },
    {
      id: 'predict-log',
      kind: 'predict',
      title: 'Reading the log',
      body: [
        'Now two consumer groups read the **topic**: group `billing` and group `analytics`, one consumer each, both starting from the earliest offset.',
      ],
      question: 'What does each group get?',
      choices: [
        { id: 'split', label: 'They split the four orders between them' },
        { id: 'both', label: 'Each group gets all four' },
        { id: 'first', label: 'Only the first group gets them' },
      ],
      run: () =>
        (['billing', 'analytics'] as const).flatMap((group): Command[] => [
          {
            type: 'consumer.create',
            consumer: `${group}-c1`,
            groupId: group,
            config: { 'auto.offset.reset': 'earliest' },
          },
          { type: 'consumer.subscribe', consumer: `${group}-c1`, topics: [TOPIC] },
        ]),
      until: {
        waitingFor: 'Waiting for both groups to read the log…',
        state: ({ snapshot: s }) =>
          consumerReceived(s, 'billing-c1') >= 4 && consumerReceived(s, 'analytics-c1') >= 4,
      },
      reveal: ({ snapshot: s }) => ({
        text: `billing-c1 received ${plural(consumerReceived(s, 'billing-c1'), 'record')} and analytics-c1 received ${plural(consumerReceived(s, 'analytics-c1'), 'record')}: each group has its own position in the log. The log still holds ${plural(logEnd(s), 'record')} — reading deleted nothing.`,
        correct: 'both',
      }),
      status: (s) => `Log ${TOPIC}: ${plural(logEnd(s), 'record')}.`,
    },
    {
      id: 'challenge-replay',
      kind: 'challenge',
      title: 'Replay',
      body: [
        'A bug in billing means every order must be processed again. Replay them: have some reader receive `order-1` again.',
        'You may try the queue (the button below) or the log (the **Consume** tab adds a consumer: pick a group id and where a new group starts). Press Check when a reader has it.',
      ],
      goal: 'Have a reader receive order-1 again.',
      tools: ['consume', 'inspect'],
      actions: [
        {
          id: 'queue-replay',
          label: 'Start a queue worker, replay, to read the orders again',
          commands: () => [{ type: 'worker.create', worker: 'replay', queue: QUEUE, processingMs: 300 }],
        },
      ],
      check: ({ snapshot: s, stepEvents }) => {
        const replayed = eventsOf(stepEvents, 'consumer.received').find((e) =>
          e.records.some((r) => r.topic === TOPIC && r.offset === 0),
        );
        if (replayed)
          return {
            ok: true,
            message: `${replayed.consumer} read order-1 again from offset 0 of the log. The log kept every record, so any new reader can start from the beginning — a replay.`,
          };
        const worker = serviceOf(s, 'worker:replay');
        if (worker)
          return {
            ok: false,
            hint: `The replay worker is waiting on an empty queue: the queue deleted each order when billing acked it, so there is nothing to replay there. Read the log instead: add a consumer in a new group in the Consume tab, starting from earliest.`,
          };
        const newcomers = s.consumers.filter((c) => !['billing-c1', 'analytics-c1'].includes(c.id));
        if (newcomers.length > 0)
          return {
            ok: false,
            hint: `${list(newcomers.map((c) => c.id))} has not read offset 0. A group that already committed its position, or a new group starting at latest, only gets new records: use a new group id with auto.offset.reset = earliest.`,
          };
        return {
          ok: false,
          hint: 'No reader has received order-1 again yet. Try the queue worker, or add a consumer in the Consume tab.',
        };
      },
      status: (s) => `${queueLine(s, QUEUE)} Log ${TOPIC}: ${plural(logEnd(s), 'record')}.`,
    },
    {
      id: 'summary',
      kind: 'narrative',
      title: 'Two kinds of channel',
      body: [
        'A **queue** is a to-do list: each message goes to one consumer, and is deleted once acked. Consumers share the work; nobody can read the past.',
        'A **log** is a record of what was written: records stay (until retention removes them), every group reads all of them at its own pace, and anyone can replay from any offset.',
        'Next: what those messages say — commands that ask for something, and events that record what happened.',
      ],
    },
  ],
};
