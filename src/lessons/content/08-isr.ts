/**
 * Lesson 8 — In-sync replicas: a follower that falls behind for longer than
 * replica.lag.time.max.ms leaves the ISR; once it catches up again it rejoins.
 */
import type { ClusterSnapshot, Command } from '../../engine';
import type { Lesson } from '../lesson-types';
import { eventsOf, list, partitionOf } from '../facts';
import { ackLatencies, shrankIn } from './isr-latency';

const LAG_MS = 3000;
/** Kafka's default, set here so the lesson can name it: the controller fences a silent broker. */
const SESSION_MS = 9000;
const orders0 = (s: ClusterSnapshot) => partitionOf(s, 'orders', 0);
const isrLine = (isr: readonly number[], replicas: readonly number[]) =>
  `ISR of orders-0: ${list(isr.map((b) => `broker-${b}`))} (replicas ${replicas.join(', ')}).`;
const isrText = (s: ClusterSnapshot) => {
  const p = orders0(s);
  return p ? isrLine(p.isr, p.replicas) : '';
};
/** A link between two brokers still slowed (the lesson's 5 s, or the learner's). */
const slowLink = (s: ClusterSnapshot) =>
  s.network.links.some(
    (l) => l.from.startsWith('broker-') && l.to.startsWith('broker-') && (l.latencyMs ?? 0) > 100,
  );

/** The follower the lesson slows: the lowest-numbered replica that does not lead. */
const slowFollower = (s: ClusterSnapshot) => {
  const p = orders0(s);
  return p ? p.replicas.filter((b) => b !== p.leader).sort((a, b) => a - b)[0] : undefined;
};

/** Both directions of the link between the leader and the slow follower. */
function link(s: ClusterSnapshot, latencyMs: number): Command[] {
  const p = orders0(s);
  const f = slowFollower(s);
  if (!p || f === undefined) return [];
  const [a, b] = [`broker-${p.leader}`, `broker-${f}`];
  return [
    { type: 'link.configure', from: a, to: b, latencyMs },
    { type: 'link.configure', from: b, to: a, latencyMs },
  ];
}

/** The two writes of the slow-follower step, measured from the engine's events. */
function latencyText(stepEvents: Parameters<typeof ackLatencies>[0]): string {
  const [slow, fast] = ackLatencies(stepEvents);
  if (slow?.ackedAtMs === undefined) return '';
  const ms = (a: { sentAtMs: number; ackedAtMs?: number }) =>
    `${(a.ackedAtMs! - a.sentAtMs).toLocaleString('en')} ms`;
  return (
    `\nMeasured: p1’s acks=all write “${slow.value}” was acknowledged **${ms(slow)}** after it was sent — it waited for the slow follower until the leader dropped it from the ISR.` +
    (fast?.ackedAtMs !== undefined ? ` “${fast.value}”, sent after, took **${ms(fast)}**.` : '') +
    `\nThat is why acks=all waits for the ISR and not for every replica: if it waited for all of them, every write would wait as long as the slowest replica is slow, and a replica that never catches up would stall writes for good. The ISR lets the leader stop waiting for a replica that cannot keep up, after \`replica.lag.time.max.ms\`.`
  );
}

export const isrLesson: Lesson = {
  id: '08-isr',
  number: 8,
  title: 'In-sync replicas',
  summary: `Slow a follower past replica.lag.time.max.ms: it leaves the ISR, and rejoins once it catches up.`,
  seed: 8,
  options: {
    brokers: 3,
    brokerConfig: { 'replica.lag.time.max.ms': LAG_MS, 'broker.session.timeout.ms': SESSION_MS },
  },
  setup: [
    { type: 'topic.create', topic: 'orders', partitions: 1, replicationFactor: 3 },
    { type: 'producer.create', producer: 'p1' },
  ],
  speed: 1,
  tools: ['inspect'],
  steps: [
    {
      id: 'isr',
      kind: 'narrative',
      title: 'Who counts as a copy?',
      body: [
        'A follower that has stopped fetching is not much of a copy. The leader keeps a list of the replicas that are keeping up: the **in-sync replicas**, or **ISR**. Only they count towards the high watermark, and only they may become leader.',
        `A follower stays in sync as long as it has caught up with the leader’s log end within the last \`replica.lag.time.max.ms\` — ${LAG_MS} ms in this cluster (Kafka’s default is 30 s).`,
      ],
      status: isrText,
    },
    {
      id: 'predict-slow',
      kind: 'predict',
      moments: ['isr-change'],
      title: 'A slow follower',
      body: [
        'The lesson now makes the network link between the leader and one follower very slow: 5 seconds each way. The follower is alive and keeps fetching — its answers just arrive late.',
        'Producer `p1` (acks=all) writes “while slow” at the same moment. With acks=all the leader acknowledges a write once **every replica in the ISR** has it: watch how long this one waits, and how long a write takes once the ISR has changed.',
      ],
      question: 'What happens to the ISR?',
      choices: [
        { id: 'stays', label: 'Nothing: the follower is alive, so it stays in the ISR' },
        { id: 'leaves', label: 'The leader removes it from the ISR once it lags too long' },
        { id: 'stops', label: 'The partition stops accepting writes' },
      ],
      run: (s) => [
        ...link(s, 5000),
        { type: 'producer.send', producer: 'p1', topic: 'orders', key: 'k', value: 'while slow' },
      ],
      // Once the ISR has shrunk, a second write shows the pace without the slow follower.
      then: [
        {
          when: ({ stepEvents, entry }) => shrankIn(stepEvents, entry),
          commands: () => [
            { type: 'producer.send', producer: 'p1', topic: 'orders', key: 'k', value: 'after it left' },
          ],
        },
      ],
      until: {
        waitingFor: 'Waiting for the ISR to change and both writes to be acknowledged…',
        state: ({ stepEvents, entry }) =>
          shrankIn(stepEvents, entry) &&
          ackLatencies(stepEvents).filter((a) => a.ackedAtMs !== undefined).length >= 2,
      },
      reveal: ({ stepEvents, snapshot }) => {
        const proposed = eventsOf(stepEvents, 'partition.isrProposed').find((e) => e.reason === 'isr-shrink');
        const changed = eventsOf(stepEvents, 'partition.changed').at(-1);
        const start = stepEvents[0]?.atMs ?? 0;
        return {
          text:
            `${changed ? `${((changed.atMs - start) / 1000).toFixed(1)} s after the link slowed, ` : ''}the leader asked the controller to shrink the ISR` +
            (proposed ? ` (${proposed.detail})` : '') +
            // The ISR the change set (the snapshot is the one from just before it).
            `. ${changed ? isrLine(changed.isr, orders0(snapshot)?.replicas ?? []) : isrText(snapshot)} Writes go on: the high watermark now only waits for the replicas still in sync.` +
            latencyText(stepEvents),
          correct: 'leaves',
        };
      },
      status: isrText,
    },
    {
      id: 'rejoin',
      kind: 'wait',
      moments: ['isr-change'],
      title: 'Catching up',
      body: [
        'Make the link fast again. The follower fetches what it missed; once it reaches the leader’s log end, the leader adds it back to the ISR.',
        'A slow follower can also rejoin on its own when no new writes come: a late fetch that reaches the log end is “caught up”. Nothing here counts until the link is fast again.',
      ],
      actions: [{ id: 'heal', label: 'Make the link fast again', commands: (s) => link(s, 4) }],
      fact: {
        waitingFor: 'Waiting for the link to be fast again and the follower back in the ISR…',
        // The learner makes the link fast: a follower that crept back in over the slow link does not
        // complete the step (learners saw it finish on its own).
        state: ({ snapshot }) => {
          const p = orders0(snapshot);
          return !!p && !slowLink(snapshot) && p.isr.length === p.replicas.length;
        },
      },
      status: isrText,
    },
    {
      id: 'challenge-shrink',
      kind: 'challenge',
      moments: ['isr-change'],
      title: 'Your turn',
      body: [
        'Use the **Faults** tab to get a replica thrown out of the ISR of orders-0 — crash it, cut it off, or slow its link; any way works. Then wait for the leader to notice and press Check.',
      ],
      goal: 'Make the ISR of orders-0 smaller than its replica list.',
      tools: ['faults', 'inspect'],
      check: ({ snapshot }) => {
        const p = orders0(snapshot);
        if (!p) return { ok: false, hint: 'The topic is not ready yet.' };
        if (p.isr.length < p.replicas.length)
          return {
            ok: true,
            message: `The ISR is ${list(p.isr.map((b) => `broker-${b}`))}: ${list(p.replicas.filter((b) => !p.isr.includes(b)).map((b) => `broker-${b}`))} fell out of sync.`,
          };
        const { cuts, links, partitionSides } = snapshot.network;
        const troubled =
          snapshot.nodes.some((n) => !n.alive) ||
          cuts.length > 0 ||
          partitionSides.length > 0 ||
          links.some((l) => (l.latencyMs ?? 0) > 100 || (l.lossRate ?? 0) > 0);
        const crashed = snapshot.nodes.find(
          (n) => !n.alive && p.replicas.some((b) => n.id === `broker-${b}`) && n.id !== `broker-${p.leader}`,
        );
        return {
          ok: false,
          hint: crashed
            ? `All ${p.replicas.length} replicas are still in sync. ${crashed.id} is down, but it had caught up with the leader’s log end, and with nothing new written it is not “behind”: the controller removes it once it misses heartbeats for \`broker.session.timeout.ms\` (${SESSION_MS} ms). Wait, then check again.`
            : troubled
              ? `All ${p.replicas.length} replicas are still in sync. The leader drops a follower that has been behind its log end for ${LAG_MS} ms (\`replica.lag.time.max.ms\`) — behind means there are writes it has not fetched — and only a replica of orders-0 (a broker) counts. Wait a little, then check again.`
              : `All ${p.replicas.length} replicas are in sync. Stop one follower from keeping up: crash its broker, or cut or slow its link to the leader.`,
        };
      },
      status: isrText,
    },
  ],
};
