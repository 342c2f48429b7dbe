/**
 * Lesson 10 — Consuming: a consumer long-polls with Fetch, keeps a position, and commits offsets to
 * its group; a crash before a commit means the records are processed again.
 */
import type { ClusterSnapshot } from '../../engine';
import type { Lesson } from '../lesson-types';
import { eventsOf, leaderReplica, list } from '../facts';

const c1 = (s: ClusterSnapshot) => s.consumers.find((c) => c.id === 'c1');
const committedOf = (s: ClusterSnapshot) =>
  s.groups
    .find((g) => g.groupId === 'billing')
    ?.offsets.find((o) => o.topic === 'orders' && o.partition === 0)?.offset;
const logEnd = (s: ClusterSnapshot) => leaderReplica(s, 'orders', 0)?.logEndOffset ?? 0;

const positions = (s: ClusterSnapshot) => {
  const c = c1(s);
  const position = c?.assignment.find((a) => a.topic === 'orders')?.position;
  return `orders-0 log end ${logEnd(s)} · c1 position ${position ?? '–'} · committed ${committedOf(s) ?? 'nothing'}.`;
};

const sendOrders = (from: number) =>
  [0, 1, 2].map((i) => ({
    type: 'producer.send' as const,
    producer: 'p1',
    topic: 'orders',
    key: `order-${from + i}`,
    value: `charge order-${from + i}`,
  }));

export const consumingLesson: Lesson = {
  id: '10-consuming',
  number: 10,
  title: 'Consuming',
  summary:
    'Long polling, positions and commits. A crash before a commit means the records are processed again.',
  seed: 10,
  options: {
    brokers: 3,
    brokerConfig: { 'offsets.topic.num.partitions': 3 },
    network: { latencyMsMin: 10, latencyMsMax: 20 },
  },
  setup: [
    { type: 'topic.create', topic: 'orders', partitions: 1, replicationFactor: 3 },
    { type: 'producer.create', producer: 'p1' },
  ],
  speed: 1,
  tools: ['inspect'],
  steps: [
    {
      id: 'long-poll',
      kind: 'wait',
      // Subscribing needs the topic to exist, so the consumer starts with the first step.
      onEnter: () => [
        {
          type: 'consumer.create',
          consumer: 'c1',
          groupId: 'billing',
          config: {
            'enable.auto.commit': false,
            'auto.offset.reset': 'earliest',
            'session.timeout.ms': 6000,
            'heartbeat.interval.ms': 1000,
            'fetch.max.wait.ms': 2000,
          },
        },
        { type: 'consumer.subscribe', consumer: 'c1', topics: ['orders'] },
      ],
      title: 'Long polling',
      body: [
        'Consumer `c1` (group `billing`) reads orders-0. It asks the leader with a **Fetch** request: “anything from my position on?”',
        'When there is nothing new, the broker does not answer “nothing” at once — it holds the request for up to `fetch.max.wait.ms` (2000 ms here) and answers as soon as a record arrives. This is **long polling**: no busy loop, and no delay when data comes.',
        'Send three orders and watch c1 receive them almost at once.',
      ],
      actions: [{ id: 'send', label: 'Send three orders', commands: () => sendOrders(1) }],
      fact: {
        waitingFor: 'Waiting for c1 to receive the three orders…',
        state: ({ snapshot }) => (c1(snapshot)?.received ?? 0) >= 3,
      },
      // The long poll, measured: from the leader's append to c1's poll, in virtual ms.
      outcome: ({ stepEvents }) => {
        const appended = eventsOf(stepEvents, 'partition.appended').find((e) => e.topic === 'orders');
        const got = eventsOf(stepEvents, 'consumer.received').find(
          (e) => e.consumer === 'c1' && e.records.length > 0,
        );
        if (!appended || !got) return 'c1 received the three orders.';
        const assigned = eventsOf(stepEvents, 'consumer.assigned').find((e) => e.consumer === 'c1');
        if (!assigned || assigned.atMs > appended.atMs)
          return `c1 was still joining group billing when the first order was appended (${(appended.atMs / 1000).toFixed(3)} s); it fetched the orders as soon as it had orders-0 (${(got.atMs / 1000).toFixed(3)} s). From now on its Fetch waits at the leader: the next records reach it as soon as they are appended.`;
        return `The leader appended the first order at ${(appended.atMs / 1000).toFixed(3)} s and c1 had it at ${(got.atMs / 1000).toFixed(3)} s: ${got.atMs - appended.atMs} ms later, while \`fetch.max.wait.ms\` is 2000 ms. The broker answered c1’s waiting Fetch as soon as there was something to send.`;
      },
      status: positions,
    },
    {
      id: 'predict-crash',
      kind: 'predict',
      moments: ['rebalance', 'commit'],
      title: 'Crash before commit',
      body: [
        'c1 has charged the three orders, and its **position** is 3: the next offset it will read. But the position lives in c1’s memory. What survives a crash is the **committed offset**, stored by the group — and c1 has not committed anything.',
        'The lesson crashes c1 and restarts it.',
      ],
      question: 'Where does c1 start reading after the restart?',
      choices: [
        { id: 'zero', label: 'At offset 0: it reads the three orders again' },
        { id: 'three', label: 'At offset 3: it remembers where it was' },
        { id: 'end', label: 'At the end of the log, skipping whatever it missed' },
      ],
      run: () => [
        { type: 'consumer.crash', consumer: 'c1' },
        { type: 'node.restart', node: 'consumer:c1' },
      ],
      until: {
        waitingFor: 'Waiting for c1 to rejoin its group and fetch again…',
        state: ({ stepEvents }) => {
          const restarted = stepEvents.findIndex((e) => e.type === 'consumer.restarted');
          return (
            restarted >= 0 &&
            eventsOf(stepEvents.slice(restarted), 'consumer.received').some(
              (e) => e.consumer === 'c1' && e.records.length > 0,
            )
          );
        },
      },
      reveal: ({ stepEvents }) => {
        const restarted = stepEvents.findIndex((e) => e.type === 'consumer.restarted');
        const again = eventsOf(stepEvents.slice(restarted), 'consumer.received')
          .filter((e) => e.consumer === 'c1')
          .flatMap((e) => e.records.map((r) => r.offset));
        const first = again[0] ?? -1;
        return {
          text:
            `After the restart c1 read offsets ${list(again)}. ` +
            (first === 0
              ? 'With no committed offset, the group had nothing to give it, so it started from the beginning (auto.offset.reset=earliest): every order was charged twice. That is **at-least-once** delivery.'
              : `It resumed at offset ${first}.`),
          correct: first === 0 ? 'zero' : first === 3 ? 'three' : 'end',
        };
      },
      status: positions,
    },
    {
      id: 'commit',
      kind: 'wait',
      moments: ['commit'],
      title: 'Commit',
      body: [
        'A **commit** stores the consumer’s position in the group (in the internal topic `__consumer_offsets`, replicated like any other). Commit after processing, and a restart resumes from there.',
      ],
      actions: [
        {
          id: 'commit',
          label: 'Commit c1’s position',
          commands: () => [{ type: 'consumer.commit', consumer: 'c1' }],
        },
      ],
      fact: {
        waitingFor: 'Waiting for the commit to be stored…',
        state: ({ snapshot }) => (committedOf(snapshot) ?? 0) >= 3,
      },
      outcome: ({ snapshot, stepEvents }) => {
        const commit = eventsOf(stepEvents, 'consumer.committed').find((e) => e.consumer === 'c1');
        const coordinator = snapshot.groups.find((g) => g.groupId === 'billing')?.coordinator;
        return `c1 committed orders-0 at offset ${committedOf(snapshot)} (the next record to read)${commit ? ` at ${(commit.atMs / 1000).toFixed(3)} s` : ''}. The group’s coordinator${coordinator !== undefined ? `, broker ${coordinator},` : ''} stored it in \`__consumer_offsets\`: after a crash, c1 resumes there.`;
      },
      status: positions,
    },
    {
      id: 'challenge-reader',
      kind: 'challenge',
      title: 'Another reader',
      body: [
        'The log does not care how many read it. Use the **Consume** tab to add a consumer that reads every order from the beginning, without taking anything away from c1.',
      ],
      goal: 'Add a consumer that has read every record of orders, while c1 keeps orders-0.',
      tools: ['consume', 'inspect'],
      check: ({ snapshot }) => {
        const end = logEnd(snapshot);
        const others = snapshot.consumers.filter((c) => c.id !== 'c1');
        const reader = others.find((c) => c.alive && c.groupId !== 'billing' && c.received >= end);
        if (reader && (c1(snapshot)?.assignment.length ?? 0) > 0)
          return {
            ok: true,
            message: `${reader.id}${reader.groupId ? ` (group ${reader.groupId})` : ''} read all ${end} records. Each group keeps its own committed offsets, so groups never take records from each other.`,
          };
        const inBilling = others.find((c) => c.groupId === 'billing');
        if (inBilling)
          return {
            ok: false,
            hint: `${inBilling.id} joined billing, c1’s group: within one group each partition goes to one member, so they split the work instead of both reading everything. Use another group id.`,
          };
        const late = others.find((c) => c.alive && c.received < end);
        if (late)
          return {
            ok: false,
            hint: `${late.id} has read ${late.received} of ${end} records. If it started at the end (auto.offset.reset=latest) it only sees new ones: start one at the earliest offset — or wait a moment if it is still joining.`,
          };
        return { ok: false, hint: 'Add a consumer in the Consume tab (in its own group).' };
      },
      status: positions,
    },
  ],
};
