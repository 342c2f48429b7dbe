/**
 * Lesson 5 — Topics and the append-only log: a producer appends, each record gets the next offset,
 * and reading does not remove anything.
 */
import type { ClusterSnapshot, Command } from '../../engine';
import type { Lesson } from '../lesson-types';
import { leaderReplica, list, sendsIn, topicOf } from '../facts';
import { terminalCreateTopic } from './terminal-steps';
import { appendOnlyRefused, topicAsTable } from './topics-steps';

const logEnd = (s: ClusterSnapshot) => leaderReplica(s, 'orders', 0)?.logEndOffset ?? 0;

const holds = (s: ClusterSnapshot) =>
  `The log of orders holds ${logEnd(s)} record${logEnd(s) === 1 ? '' : 's'}.`;

const send = (values: string[]): Command[] =>
  values.map((value) => ({ type: 'producer.send', producer: 'p1', topic: 'orders', key: null, value }));

export const topicsLesson: Lesson = {
  id: '05-topics',
  number: 5,
  title: 'Topics and the append-only log',
  summary: 'Produce and consume are the only operations. Records get offsets, in order, per partition.',
  seed: 5,
  options: { brokers: 3, network: { latencyMsMin: 10, latencyMsMax: 20 } },
  setup: [
    { type: 'topic.create', topic: 'orders', partitions: 1, replicationFactor: 1 },
    { type: 'producer.create', producer: 'p1' },
  ],
  speed: 0.5,
  tools: ['inspect'],
  steps: [
    {
      id: 'append',
      kind: 'wait',
      moments: ['ack'],
      title: 'A topic is a log',
      body: [
        'A **topic** is a named stream of records. Underneath it is a **log**: a list that only grows at its end.',
        'There are just two things you can do with it: a producer **appends** records, and a consumer **reads** them. Nothing is edited or deleted in place.',
        'The topic `orders` is ready, and so is producer `p1`. Send it three orders and watch the cells fill in on the broker that holds the log.',
      ],
      actions: [
        { id: 'send3', label: 'Send three orders', commands: () => send(['order-1', 'order-2', 'order-3']) },
      ],
      fact: {
        waitingFor: 'Waiting for the three records to be appended…',
        state: ({ snapshot }) => logEnd(snapshot) >= 3,
      },
      status: holds,
    },
    {
      id: 'predict-offsets',
      kind: 'predict',
      moments: ['ack'],
      title: 'Offsets',
      body: [
        'Each record gets an **offset**: its position in the log, counting from 0. The three orders sit at offsets 0, 1 and 2.',
        'Now `p1` sends two more records.',
      ],
      question: 'Which offsets will the two new records get?',
      status: holds,
      choices: [
        { id: 'restart', label: '0 and 1: each batch starts counting again' },
        { id: 'next', label: '3 and 4: the next free positions at the end' },
        { id: 'any', label: 'Whatever offsets are free, anywhere in the log' },
      ],
      run: () => send(['order-4', 'order-5']),
      until: {
        waitingFor: 'Waiting for the broker to acknowledge both records…',
        state: ({ stepEvents }) => sendsIn(stepEvents).filter((a) => a.offset !== undefined).length >= 2,
      },
      reveal: ({ stepEvents, entry }) => {
        const offsets = sendsIn(stepEvents).flatMap((a) => (a.offset === undefined ? [] : [a.offset]));
        const before = entry ? logEnd(entry) : 0;
        const atEnd = offsets.every((o, i) => o === before + i);
        return {
          text: `The broker appended them at offsets ${list(offsets)} — right after the ${before} records already there. A log only ever grows at its end, so offsets never repeat and never change.`,
          correct: atEnd ? 'next' : 'any',
        };
      },
    },
    {
      id: 'read',
      kind: 'wait',
      title: 'Reading does not remove',
      body: [
        'A consumer reads from an offset onwards and keeps its own **position**: the offset of the next record it will read.',
        'Start consumer `c1` at the beginning of the log. When it has read all five, look at the log again: every record is still there, ready for any other reader.',
      ],
      actions: [
        {
          id: 'consume',
          label: 'Start consumer c1 from offset 0',
          commands: () => [
            { type: 'consumer.create', consumer: 'c1', config: { 'auto.offset.reset': 'earliest' } },
            { type: 'consumer.assign', consumer: 'c1', partitions: [{ topic: 'orders', partition: 0 }] },
          ],
        },
      ],
      fact: {
        waitingFor: 'Waiting for c1 to read the five records…',
        state: ({ snapshot }) => (snapshot.consumers.find((c) => c.id === 'c1')?.received ?? 0) >= 5,
      },
      status: (s) => {
        const c1 = s.consumers.find((c) => c.id === 'c1');
        const position = c1?.assignment[0]?.position;
        return c1
          ? `c1 has read ${c1.received} record(s); its position is ${position ?? '–'}. The log still holds ${logEnd(s)}.`
          : `The log holds ${logEnd(s)} records.`;
      },
    },
    appendOnlyRefused,
    topicAsTable,
    {
      id: 'challenge-topic',
      kind: 'challenge',
      title: 'Your own topic',
      body: [
        'Topics are cheap: make one for each kind of event. Use the **Setup** tab to create a topic and the **Produce** tab to write to it.',
      ],
      goal: 'Create a topic named `payments` with 3 partitions and write at least two records to it.',
      tools: ['setup', 'produce', 'inspect'],
      check: ({ snapshot }) => {
        const topic = topicOf(snapshot, 'payments');
        if (!topic)
          return { ok: false, hint: 'There is no topic named payments yet: create it in the Setup tab.' };
        if (topic.partitions.length !== 3)
          return {
            ok: false,
            hint: `payments has ${topic.partitions.length} partition(s); the goal asks for 3. Delete it and create it again.`,
          };
        const records = topic.partitions.reduce(
          (n, p) => n + (leaderReplica(snapshot, 'payments', p.partition)?.logEndOffset ?? 0),
          0,
        );
        if (records < 2)
          return {
            ok: false,
            hint: `payments holds ${records} record(s): send at least two in the Produce tab.`,
          };
        return {
          ok: true,
          message: `payments has 3 partitions and ${records} records, each at its own offset in its partition.`,
        };
      },
    },
    terminalCreateTopic,
  ],
};
