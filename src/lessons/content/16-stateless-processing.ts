/**
 * Lesson 16 — Stateless processing (Stream processing part): a Kafka Streams application on the
 * simulated cluster filters orders and maps them into a new topic. Every count on screen is the
 * application's own (its tasks' per-node stats in the snapshot) and every output record is what a
 * real consumer read from the output topic.
 */
import type { ClusterSnapshot, Command, TopologyStep } from '../../engine';
import type { Lesson } from '../lesson-types';
import { eventsOf, list, plural } from '../facts';
import { appOf, appRunning, nodeCounts, receivedFrom, tasksLine } from './streams-facts';

const APP = 'order-filter';
const IN = 'orders';
const OUT = 'big-orders';

export const STATELESS_TOPOLOGY: TopologyStep[] = [
  { id: 'orders', op: 'stream', topic: IN },
  { id: 'big', op: 'filter', from: 'orders', predicate: 'value.amount > 100' },
  {
    id: 'alert',
    op: 'map',
    from: 'big',
    key: 'value.user',
    value: 'concat(value.user, " spent ", string(value.amount))',
  },
  { id: 'out', op: 'to', from: 'alert', topic: OUT },
];

const order = (user: string, amount: number): Command => ({
  type: 'producer.send',
  producer: 'shop',
  topic: IN,
  key: `order-${user}-${amount}`,
  value: JSON.stringify({ user, amount }),
});

const FOUR = [order('ann', 20), order('bob', 150), order('cy', 80), order('ann', 300)];

const countsLine = (s: ClusterSnapshot) => {
  const f = nodeCounts(s, APP, 'FILTER');
  const m = nodeCounts(s, APP, 'MAP');
  return `filter: ${f.processed} in, ${f.forwarded} passed · map: ${m.processed} in · ${tasksLine(s, APP)}`;
};

/** Orders the learner sent (not the lesson's buttons), from the accepted commands. */
const learnerOrders = (events: Parameters<typeof eventsOf>[0]) =>
  eventsOf(events, 'command.accepted').filter(
    (e) => e.command.type === 'producer.send' && e.command.topic === IN,
  );

export const statelessLesson: Lesson = {
  id: '16-stateless-processing',
  number: 16,
  title: 'Stateless processing',
  summary: 'A Kafka Streams application filters orders and maps the big ones into a new topic.',
  seed: 16,
  options: { brokers: 3, brokerConfig: { 'offsets.topic.num.partitions': 3 } },
  setup: [
    { type: 'topic.create', topic: IN, partitions: 1, replicationFactor: 3 },
    { type: 'topic.create', topic: OUT, partitions: 1, replicationFactor: 3 },
    { type: 'producer.create', producer: 'shop', config: { acks: 'all' } },
  ],
  speed: 1,
  tools: ['produce', 'inspect'],
  steps: [
    {
      id: 'app',
      kind: 'wait',
      title: 'An application, not a server',
      body: [
        'Stream processing reads records from topics, transforms them, and writes the results to other topics, continuously. **Kafka Streams** is a library: the processing runs inside your application, which is a consumer-group member and a producer of the cluster.',
        'This application, `order-filter`, reads `orders`, keeps those with `value.amount > 100` (**filter**), turns each into a short alert keyed by the user (**map**) and writes it to `big-orders` (**to**). Open the **Streams** view above the cluster: the topology graph, one box per processor, with Kafka’s own node names.',
        'Its instance `a` joins the group `order-filter` (Kafka Streams uses the application.id as the group id) and gets the **task** `0_0`: sub-topology 0, partition 0.',
      ],
      onEnter: (): Command[] => [
        { type: 'streams.create', app: APP, topology: { steps: STATELESS_TOPOLOGY } },
        { type: 'streams.start', app: APP, instance: 'a' },
        { type: 'consumer.create', consumer: 'watch', config: { 'auto.offset.reset': 'earliest' } },
        { type: 'consumer.assign', consumer: 'watch', partitions: [{ topic: OUT, partition: 0 }] },
      ],
      fact: {
        waitingFor: 'Waiting for instance a to join the group and run its task…',
        state: ({ snapshot }) => appRunning(snapshot, APP, 1),
      },
      outcome: ({ snapshot }) => {
        const a = appOf(snapshot, APP)!;
        const internal = a.internalTopics.map((t) => t.name);
        return `${tasksLine(snapshot, APP)}. Internal topics: ${internal.length ? list(internal) : 'none'} — nothing here keeps state, so there is no changelog to create.`;
      },
      status: countsLine,
    },
    {
      id: 'predict-filter',
      kind: 'predict',
      title: 'What passes the filter?',
      body: [
        'The shop sends four orders: ann 20, bob 150, cy 80, ann 300. Each goes through the filter on its own: a stateless operator looks at one record, never at the ones before it.',
      ],
      question: 'How many records reach big-orders?',
      choices: [
        { id: 'four', label: 'Four: every order is copied' },
        { id: 'two', label: 'Two: only amounts above 100' },
        { id: 'one', label: 'One: ann’s two orders are combined first' },
      ],
      run: () => FOUR,
      until: {
        waitingFor: 'Waiting for the four orders to go through the topology…',
        state: ({ snapshot, history }) => {
          const f = nodeCounts(snapshot, APP, 'FILTER');
          return f.processed >= 4 && receivedFrom(history, 'watch', OUT).length >= f.forwarded;
        },
      },
      reveal: ({ snapshot, history }) => {
        const f = nodeCounts(snapshot, APP, 'FILTER');
        const out = receivedFrom(history, 'watch', OUT);
        const texts = out.map((r) => `⟨${r.key}, ${r.value}⟩`);
        return {
          text: [
            `The filter saw ${f.processed} orders and passed ${f.forwarded}; the map turned ${plural(f.forwarded, 'record')} into alerts, and a consumer of big-orders read ${plural(out.length, 'record')}: ${list(texts)}.`,
            'The map chose a new key (the user): records of one user now go to the same partition of big-orders. A key change needs a **repartition topic** only when something after it groups or joins by the key; here nothing does.',
          ].join('\n'),
          correct:
            out.length === 4 ? 'four' : out.length === 2 ? 'two' : out.length === 1 ? 'one' : undefined,
        };
      },
      status: countsLine,
    },
    {
      id: 'challenge-own',
      kind: 'challenge',
      title: 'Your own big order',
      body: [
        'Use the **Produce** tab: producer `shop`, topic `orders`, any key, and a value that is a JSON object with a `user` and an `amount`.',
      ],
      goal: 'Send an order of your own that ends up in big-orders.',
      check: ({ snapshot, stepEvents, entry }) => {
        const sent = learnerOrders(stepEvents);
        const before = entry ? nodeCounts(entry, APP, 'FILTER') : { processed: 0, forwarded: 0 };
        const now = nodeCounts(snapshot, APP, 'FILTER');
        const passed = now.forwarded - before.forwarded;
        const read = receivedFrom(stepEvents, 'watch', OUT);
        if (passed > 0 && read.length > 0)
          return {
            ok: true,
            message: `Your order passed the filter and big-orders now holds ⟨${read.at(-1)!.key}, ${read.at(-1)!.value}⟩.`,
          };
        if (sent.length === 0)
          return { ok: false, hint: 'Send a record to `orders` from the Produce tab first.' };
        if (now.processed - before.processed < sent.length)
          return {
            ok: false,
            hint: 'Your order is on its way to the application: press Check again in a moment.',
          };
        if (passed > 0)
          return { ok: false, hint: 'It passed the filter; the alert is being written. Check again.' };
        return {
          ok: false,
          hint: `The filter saw your ${plural(sent.length, 'order')} and passed none: \`value.amount > 100\` was false (a value like {"user":"ann","amount":250} passes; plain text has no amount field).`,
        };
      },
      status: countsLine,
    },
    {
      id: 'stateless',
      kind: 'narrative',
      title: 'Nothing to remember',
      body: [
        'filter, map, mapValues, flatMapValues, selectKey and split/branch are **stateless**: each record is handled on its own, so a crashed instance loses nothing but its place in the input (its committed offset), and a restarted one carries on from there.',
        'Counting, summing and joining need to remember earlier records: **state**. The next lesson counts purchases per user and per hour, and meets event time, windows and the question everyone asks: why is my window silent?',
      ],
      status: countsLine,
    },
  ],
};
