/**
 * Lesson 7 — Replication: each partition has a leader and followers on other brokers; followers
 * fetch from the leader; the high watermark marks what every in-sync replica has.
 */
import type { ClusterSnapshot } from '../../engine';
import type { Lesson } from '../lesson-types';
import { eventsOf, list, partitionOf } from '../facts';
import { countdownText, countdowns } from '../countdowns';

const orders0 = (s: ClusterSnapshot) => partitionOf(s, 'orders', 0);

const roles = (s: ClusterSnapshot) => {
  const p = orders0(s);
  if (!p) return '';
  if (p.leader < 0) return 'orders-0 has no leader right now.';
  const followers = p.replicas.filter((b) => b !== p.leader).map((b) => `broker-${b}`);
  return `broker-${p.leader} leads orders-0; ${list(followers)} follow.`;
};

const offsets = (s: ClusterSnapshot) =>
  (orders0(s)?.replicaStates ?? [])
    .map(
      (r) =>
        `broker-${r.broker}: log end ${r.logEndOffset}, HW ${r.highWatermark}${r.alive ? '' : ' (down)'}`,
    )
    .join(' · ');

export const replicationLesson: Lesson = {
  id: '07-replication',
  number: 7,
  title: 'Replication',
  summary:
    'Every partition has a leader and followers. Followers fetch from the leader; the high watermark marks what is safe.',
  seed: 7,
  options: { brokers: 3, network: { latencyMsMin: 20, latencyMsMax: 40 } },
  setup: [
    { type: 'topic.create', topic: 'orders', partitions: 1, replicationFactor: 3 },
    { type: 'producer.create', producer: 'p1' },
  ],
  speed: 0.25,
  tools: ['inspect'],
  steps: [
    {
      id: 'copies',
      kind: 'narrative',
      title: 'Three copies of one log',
      body: [
        'A broker can die, and its disk with it. So each partition is kept on several brokers: this topic has a **replication factor** of 3.',
        'One replica is the **leader** (outlined): producers write to it and consumers read from it. The others are **followers**: they keep a copy.',
      ],
      status: roles,
    },
    {
      id: 'predict-fetch',
      kind: 'predict',
      moments: ['ack'],
      title: 'How a copy travels',
      body: ['`p1` sends one record to the leader. Watch the blue replication messages between the brokers.'],
      question: 'How does the record reach the followers?',
      choices: [
        { id: 'push', label: 'The leader pushes it to each follower' },
        { id: 'fetch', label: 'Each follower asks the leader for new records, and gets it in the answer' },
        { id: 'producer', label: 'The producer sends it to all three brokers' },
      ],
      run: () => [
        { type: 'producer.send', producer: 'p1', topic: 'orders', key: 'order-1', value: 'Created' },
      ],
      until: {
        waitingFor: 'Waiting for both followers to have the record…',
        state: ({ stepEvents, snapshot }) => {
          const p = orders0(snapshot);
          if (!p) return false;
          const copied = new Set(eventsOf(stepEvents, 'replica.appended').map((e) => e.broker));
          return p.replicas.filter((b) => b !== p.leader).every((b) => copied.has(b));
        },
      },
      reveal: ({ stepEvents }) => {
        const appended = eventsOf(stepEvents, 'partition.appended')[0];
        const copies = eventsOf(stepEvents, 'replica.appended');
        const at = (ms: number) => `${(ms / 1000).toFixed(3)} s`;
        return {
          text:
            (appended ? `broker-${appended.broker} appended it at ${at(appended.atMs)}. ` : '') +
            copies.map((c) => `broker-${c.broker} copied it at ${at(c.atMs)}`).join('; ') +
            '. Each copy came back in the answer to a Fetch request the follower had sent: followers pull, exactly like consumers do. A follower that keeps asking is a follower that keeps up.',
          correct: 'fetch',
        };
      },
      status: offsets,
    },
    {
      id: 'hw',
      kind: 'wait',
      title: 'The high watermark',
      body: [
        'The leader tracks how far each follower has fetched. The **high watermark** (▲) is the offset every replica keeping up with the leader has reached (the next lesson names them: the in-sync replicas). Records below it are **committed**: they survive the loss of any one copy.',
        'Consumers only ever read below the high watermark. Send a few more and watch the log end (▼) run ahead and the high watermark follow once the followers have fetched.',
      ],
      actions: [
        {
          id: 'send',
          label: 'Send five more records',
          commands: () =>
            [2, 3, 4, 5, 6].map((n) => ({
              type: 'producer.send' as const,
              producer: 'p1',
              topic: 'orders',
              key: `order-${n}`,
              value: 'Created',
            })),
        },
      ],
      fact: {
        waitingFor: 'Waiting for the high watermark to reach 6 on the leader…',
        state: ({ snapshot }) => {
          const p = orders0(snapshot);
          return (p?.replicaStates.find((r) => r.broker === p.leader)?.highWatermark ?? 0) >= 6;
        },
      },
      status: offsets,
    },
    {
      id: 'challenge-failover',
      kind: 'challenge',
      moments: ['broker-fenced', 'leader-change'],
      title: 'Let a follower take over',
      body: [
        'Copies are only useful if one can take over. Use the **Faults** tab to make a follower the new leader of orders-0 — any way you like.',
      ],
      goal: 'Make a different broker lead orders-0, without losing a committed record.',
      tools: ['faults', 'inspect'],
      check: ({ snapshot, entry, history }) => {
        const p = orders0(snapshot);
        const original = entry && orders0(entry)?.leader;
        if (!p || original === undefined) return { ok: false, hint: 'The topic is not ready yet.' };
        if (p.leader === -1)
          return {
            ok: false,
            hint: 'orders-0 has no leader at all now: no replica that had kept up with the leader is alive. Restart a broker.',
          };
        // The leader's broker is down but the controller has not noticed yet: the right outcome
        // is on its way, so say when (never "still leads" as if the learner were wrong).
        const notice = countdowns(snapshot, history, replicationLesson.options.brokerConfig).find(
          (c) => c.key === 'broker.session.timeout.ms' && c.what.includes(`broker ${original} `),
        );
        if (p.leader === original && notice)
          return {
            ok: false,
            hint: `Right move: broker-${original} is down. The cluster has not noticed yet. ${countdownText(notice, false)} The countdown under the time controls shows what is left. Then a follower that kept up takes over; press Check again once it has.`,
          };
        if (p.leader === original)
          return {
            ok: false,
            hint: `broker-${original} still leads orders-0. What does the cluster do when the leader’s broker disappears?`,
          };
        const hw = p.replicaStates.find((r) => r.broker === p.leader)?.logEndOffset ?? 0;
        return {
          ok: true,
          message: `broker-${p.leader} leads orders-0 now (leader epoch ${p.leaderEpoch}) and its log holds all ${hw} records: it had kept up with the old leader, so nothing committed was lost.`,
        };
      },
      status: roles,
    },
  ],
};
