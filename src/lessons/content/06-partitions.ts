/**
 * Lesson 6 — Partitions and keys: a topic is split into partitions spread over brokers; a record's
 * key picks its partition (murmur2), so one key's events stay in order; across partitions there
 * is no order.
 */
import type { ClusterSnapshot, Command, EngineEvent } from '../../engine';
import type { Lesson } from '../lesson-types';
import { list, sendsIn, topicOf } from '../facts';

const LIFECYCLE = ['Created', 'Paid', 'Shipped', 'Delivered'];

const events = (key: string): Command[] =>
  LIFECYCLE.map((step) => ({
    type: 'producer.send',
    producer: 'p1',
    topic: 'orders',
    key,
    value: `${key} ${step}`,
  }));

/** Acknowledged sends of `orders` with their key, value, partition and offset. */
const acked = (events: readonly EngineEvent[]) =>
  sendsIn(events).flatMap(({ topic, key, value, partition, offset }) =>
    topic === 'orders' && partition !== undefined && offset !== undefined
      ? [{ key, value, partition, offset }]
      : [],
  );

const placement = (s: ClusterSnapshot) =>
  (topicOf(s, 'orders')?.partitions ?? [])
    .map((p) => `orders-${p.partition} on broker-${p.leader}`)
    .join(', ');

export const partitionsLesson: Lesson = {
  id: '06-partitions',
  number: 6,
  title: 'Partitions and keys',
  summary:
    'Partitions spread a topic over brokers. A key always lands on the same partition, so its events stay in order.',
  seed: 6,
  options: { brokers: 3, network: { latencyMsMin: 10, latencyMsMax: 20 } },
  setup: [
    { type: 'topic.create', topic: 'orders', partitions: 3, replicationFactor: 1 },
    { type: 'producer.create', producer: 'p1' },
  ],
  speed: 0.5,
  tools: ['inspect'],
  steps: [
    {
      id: 'spread',
      kind: 'narrative',
      title: 'A topic in three parts',
      body: [
        'One log on one broker would limit a topic to what one machine can do. So a topic is split into **partitions**, each its own log with its own offsets, spread over the brokers.',
        'The topic `orders` has three partitions. Each row of the diagram is one partition.',
      ],
      status: (s) => placement(s),
    },
    {
      id: 'predict-key',
      kind: 'predict',
      moments: ['ack'],
      title: 'One order’s story',
      body: [
        'Order `order_123` goes through four events: Created, Paid, Shipped, Delivered. The producer sends each with the **key** `order_123`.',
        'The producer picks the partition from the key: it hashes the key with murmur2 and takes the result modulo the number of partitions.',
      ],
      question: 'Where do the four events end up?',
      choices: [
        { id: 'one', label: 'All in the same partition, in the order they were sent' },
        { id: 'spread', label: 'Spread over the three partitions, to share the load' },
        { id: 'random', label: 'Each wherever the producer happens to send it' },
      ],
      run: () => events('order_123'),
      until: {
        waitingFor: 'Waiting for the four events to be acknowledged…',
        state: ({ stepEvents }) => acked(stepEvents).length >= 4,
      },
      reveal: ({ history }) => {
        const mine = acked(history).filter((a) => a.key === 'order_123');
        const partitions = [...new Set(mine.map((a) => a.partition))];
        const inOrder = mine.every((a, i) => i === 0 || a.offset > mine[i - 1]!.offset);
        return {
          text:
            partitions.length === 1
              ? `All four went to orders-${partitions[0]}, at offsets ${list(mine.map((a) => a.offset))}${inOrder ? ', in the order they were sent' : ''}. The same key always hashes to the same partition, so anyone reading it sees Created before Paid before Shipped before Delivered.`
              : `They went to partitions ${list(partitions)}.`,
          correct: partitions.length === 1 ? 'one' : 'spread',
        };
      },
    },
    {
      id: 'other-orders',
      kind: 'wait',
      title: 'Other keys, other partitions',
      body: [
        'Now two more orders go through the same four events. Each key hashes to one partition — its own order stays together — but with only three partitions, different keys often share one.',
        'Within a partition the order is kept. Across partitions there is **no order**: a consumer reading several partitions may see order_456’s Paid before order_123’s Created, even if it happened later.',
      ],
      actions: [
        {
          id: 'more',
          label: 'Send order_456 and order_789',
          commands: () => [...events('order_456'), ...events('order_789')],
        },
      ],
      fact: {
        waitingFor: 'Waiting for the eight events to be acknowledged…',
        state: ({ history }) =>
          acked(history).filter((a) => a.key === 'order_456' || a.key === 'order_789').length >= 8,
      },
      // Where each key really went: learners were told "their own partitions" while order_456
      // shared order_123's.
      outcome: ({ history }) => {
        const all = acked(history);
        const home = (key: string) => all.find((a) => a.key === key)?.partition;
        const h123 = home('order_123');
        return ['order_456', 'order_789']
          .map((key) => {
            const p = home(key);
            return `${key} went to orders-${p}${p === h123 ? ', the same partition as order_123' : ''}.`;
          })
          .join(' ');
      },
      status: (s) => {
        const parts = (topicOf(s, 'orders')?.partitions ?? []).map((p) => {
          const leo = p.replicaStates.find((r) => r.broker === p.leader)?.logEndOffset ?? 0;
          return `orders-${p.partition}: ${leo}`;
        });
        return `Records per partition — ${parts.join(', ')}.`;
      },
    },
    {
      id: 'challenge-key',
      kind: 'challenge',
      title: 'Find another partition',
      body: [
        'Keys decide partitions, so you can steer records only through their keys. Use the **Produce** tab: type a key, send, and watch which partition the record lands in.',
      ],
      goal: 'Send a record whose key is not `order_123` and that lands in a different partition than order_123’s events.',
      tools: ['produce', 'inspect'],
      check: ({ history }) => {
        const all = acked(history);
        const home = all.find((a) => a.key === 'order_123')?.partition;
        const mine = all.filter((a) => !LIFECYCLE.some((step) => a.value === `${a.key} ${step}`));
        const away = mine.find((a) => a.key !== null && a.key !== 'order_123' && a.partition !== home);
        if (away)
          return {
            ok: true,
            message: `Key “${away.key}” hashed to orders-${away.partition}, not orders-${home}.`,
          };
        const last = mine.at(-1);
        if (!last)
          return {
            ok: false,
            hint: 'Send a record with a key from the Produce tab (it needs a key: without one the producer spreads records itself).',
          };
        if (last.key === null)
          return { ok: false, hint: 'That record had no key. Type a key in the Produce tab.' };
        return {
          ok: false,
          hint: `Key “${last.key}” landed in orders-${last.partition}, the same partition as order_123. Try another key.`,
        };
      },
    },
  ],
};
