/**
 * Lesson 9 — Acks: the same records written with acks=0, 1 and all to three topics led by the same
 * broker. The leader crashes after acknowledging acks=1 writes that no follower has fetched yet:
 * those are lost, acks=all writes are not. Then min.insync.replicas and NOT_ENOUGH_REPLICAS.
 *
 * Nothing here asserts the outcome: the reveal counts, from the engine's events and snapshot, which
 * acknowledged offsets the new leader's log still has.
 */
import type { ClusterSnapshot, Command, EngineEvent } from '../../engine';
import type { FactView, Lesson } from '../lesson-types';
import { eventsOf, leaderReplica, list, partitionOf, plural, sendsIn } from '../facts';

const TOPICS = { p0: 'acks-0', p1: 'acks-1', pall: 'acks-all' } as const;
type Producer = keyof typeof TOPICS;
const PRODUCERS = Object.keys(TOPICS) as Producer[];

const leaderOf = (s: ClusterSnapshot, topic: string) => partitionOf(s, topic, 0)?.leader ?? -1;

const sendEach = (n: number, tag: string): Command[] =>
  PRODUCERS.flatMap((producer) =>
    Array.from({ length: n }, (_, i) => ({
      type: 'producer.send' as const,
      producer,
      topic: TOPICS[producer],
      key: null,
      value: `${tag}-${i + 1}`,
    })),
  );

const ackedOf = (events: readonly EngineEvent[], producer: Producer) =>
  sendsIn(events).filter((s) => s.producer === producer && s.offset !== undefined && s.offset >= 0);

/** Per producer: virtual ms from its first send among `events` to that send's acknowledgement. */
function waitedMs(events: readonly EngineEvent[]): Partial<Record<Producer, number>> {
  const sentAt = new Map<number, { producer: string; atMs: number }>();
  const out: Partial<Record<Producer, number>> = {};
  for (const e of events) {
    if (e.type === 'command.accepted' && e.command.type === 'producer.send')
      sentAt.set(e.commandId, { producer: e.command.producer, atMs: e.atMs });
    else if (e.type === 'producer.acked') {
      const sent = sentAt.get(e.commandId);
      const producer = sent?.producer as Producer | undefined;
      if (sent && producer && out[producer] === undefined) out[producer] = e.atMs - sent.atMs;
    }
  }
  return out;
}

/** Acknowledged offsets (acks 1 and all) no longer in the current leader's log. */
function lostOf(view: FactView, producer: Producer): number[] {
  const end = leaderReplica(view.snapshot, TOPICS[producer], 0)?.logEndOffset ?? 0;
  return ackedOf(view.stepEvents, producer).flatMap((s) => (s.offset! >= end ? [s.offset!] : []));
}

function leaders(s: ClusterSnapshot): string {
  return Object.values(TOPICS)
    .map((t) => `${t}: broker-${leaderOf(s, t)}`)
    .join(' · ');
}

/** Every one of the three partitions has a leader other than the one at the start of the step. */
const NEW_LEADERS = (view: FactView) =>
  Object.values(TOPICS).every((topic) => {
    const before = view.entry ? leaderOf(view.entry, topic) : -1;
    const now = leaderOf(view.snapshot, topic);
    return now >= 0 && now !== before;
  });

export const acksLesson: Lesson = {
  id: '09-acks',
  number: 9,
  title: 'Acks',
  summary:
    'acks=0, 1 and all side by side. Crash the leader: acks=1 loses an acknowledged write, acks=all does not.',
  // Seed 11: the controller places the leaders of all three topics on the same broker.
  seed: 11,
  options: {
    brokers: 3,
    brokerConfig: {
      'replica.lag.time.max.ms': 10_000,
      'broker.session.timeout.ms': 3000,
      'broker.heartbeat.interval.ms': 1000,
    },
    network: { latencyMsMin: 10, latencyMsMax: 20 },
  },
  setup: [
    { type: 'topic.create', topic: TOPICS.p0, partitions: 1, replicationFactor: 3 },
    { type: 'topic.create', topic: TOPICS.p1, partitions: 1, replicationFactor: 3 },
    {
      type: 'topic.create',
      topic: TOPICS.pall,
      partitions: 1,
      replicationFactor: 3,
      config: { 'min.insync.replicas': 2 },
    },
    { type: 'producer.create', producer: 'p0', config: { acks: 0 } },
    { type: 'producer.create', producer: 'p1', config: { acks: 1 } },
    { type: 'producer.create', producer: 'pall', config: { acks: 'all' } },
  ],
  speed: 0.5,
  tools: ['inspect'],
  steps: [
    {
      id: 'three-producers',
      kind: 'wait',
      title: 'Three ways to be told “done”',
      body: [
        'A producer’s `acks` setting says when the leader answers a write:',
        '**acks=0** — the producer does not wait for any answer. **acks=1** — the leader answers once it has written the record to its own log. **acks=all** — the leader answers once every in-sync replica has it.',
        'Three producers, one per setting, each write to their own topic: `p0` to acks-0, `p1` to acks-1, `pall` to acks-all. The same broker leads all three. Send one record with each and compare how long each waits.',
      ],
      actions: [
        { id: 'send', label: 'Send one record with each producer', commands: () => sendEach(1, 'first') },
      ],
      fact: {
        waitingFor: 'Waiting for p1 and pall to be acknowledged…',
        state: ({ stepEvents }) =>
          ackedOf(stepEvents, 'p1').length >= 1 && ackedOf(stepEvents, 'pall').length >= 1,
      },
      // Measured, not told: from each send's command to the producer's acknowledgement.
      outcome: ({ stepEvents }) => {
        const waited = waitedMs(stepEvents);
        const ms = (p: Producer) => (waited[p] === undefined ? 'not yet' : `${waited[p]} ms`);
        return (
          `Measured on this cluster, from the send to “done”: p0 (acks=0) ${ms('p0')}, p1 (acks=1) ${ms('p1')}, pall (acks=all) ${ms('pall')}.` +
          '\nacks=0 is “done” once the record is handed to the network: no answer is awaited, so the producer never learns its offset. acks=1 waits one round trip to the leader. acks=all waits until the followers have fetched the record too, so it takes the longest.'
        );
      },
      status: (s) => {
        const parts = s.producers
          .filter((p) => p.id in TOPICS)
          .map((p) => `${p.id} (acks=${p.acks}): ${p.acked} done`);
        return `${leaders(s)}. ${parts.join(' · ')}.`;
      },
    },
    {
      id: 'predict-crash',
      kind: 'predict',
      moments: ['leader-change', 'truncation', 'failed-send'],
      title: 'Crash the leader',
      body: [
        'acks=1 answered sooner. What did it give up?',
        'The lesson now cuts the followers off from the leader (think of a network hiccup) so they cannot fetch, lets each producer write three records, and — as soon as p1’s three are acknowledged — crashes the leader’s broker. A follower, still in the ISR, becomes the new leader.',
      ],
      question: 'Which producers lose records they were told were written?',
      choices: [
        { id: 'none', label: 'None: an acknowledged write is never lost' },
        { id: 'acks1', label: 'p1 (acks=1) loses acknowledged records; pall (acks=all) does not' },
        { id: 'both', label: 'Both p1 and pall lose acknowledged records' },
      ],
      run: (s) => {
        const leader = leaderOf(s, TOPICS.p1);
        const followers = (partitionOf(s, TOPICS.p1, 0)?.replicas ?? []).filter((b) => b !== leader);
        return [
          // Both directions: a fetch already held by the leader must not bring the records back either.
          ...followers.map((f) => ({
            type: 'network.cut' as const,
            from: `broker-${f}`,
            to: `broker-${leader}`,
          })),
          ...sendEach(3, 'second'),
        ];
      },
      then: [
        {
          when: ({ stepEvents }) => ackedOf(stepEvents, 'p1').length >= 3,
          commands: (s) => [
            { type: 'broker.crash', broker: leaderOf(s, TOPICS.p1) },
            { type: 'network.heal' },
          ],
        },
      ],
      until: { waitingFor: 'Waiting for new leaders of the three topics…', state: NEW_LEADERS },
      reveal: (view) => {
        const old = view.entry ? leaderOf(view.entry, TOPICS.p1) : -1;
        const now = leaderOf(view.snapshot, TOPICS.p1);
        const acked1 = ackedOf(view.stepEvents, 'p1').map((s) => s.offset!);
        const lost1 = lostOf(view, 'p1');
        const crashSeq = view.stepEvents.find((e) => e.type === 'broker.crashed')?.seq ?? Infinity;
        const beforeCrash = ackedOf(
          view.stepEvents.filter((e) => e.seq < crashSeq),
          'pall',
        ).length;
        const afterCrash = ackedOf(view.stepEvents, 'pall').length - beforeCrash;
        const lostAll = lostOf(view, 'pall');
        const sent0 = sendsIn(view.stepEvents).filter((s) => s.producer === 'p0').length;
        const before0 = view.entry ? (leaderReplica(view.entry, TOPICS.p0, 0)?.logEndOffset ?? 0) : 0;
        const kept0 = Math.max(0, (leaderReplica(view.snapshot, TOPICS.p0, 0)?.logEndOffset ?? 0) - before0);
        const correct =
          lost1.length > 0 && lostAll.length === 0 ? 'acks1' : lostAll.length > 0 ? 'both' : 'none';
        const text = [
          `broker-${old} crashed; broker-${now} leads acks-1 now.`,
          `acks=1: the old leader acknowledged offsets ${list(acked1)}; ` +
            (lost1.length > 0
              ? `the new leader’s log does not have ${list(lost1)} — ${plural(lost1.length, 'acknowledged record')} gone.`
              : 'the new leader has them all.'),
          `acks=all: ${plural(beforeCrash, 'record')} acknowledged before the crash — the leader was still waiting for the followers` +
            (afterCrash > 0
              ? `; pall retried and the new leader acknowledged ${afterCrash}.`
              : '; pall retries on the new leader.') +
            (lostAll.length > 0
              ? ` ${plural(lostAll.length, 'acknowledged record')} lost.`
              : ' Nothing acknowledged was lost.'),
          `acks=0: p0 sent ${sent0} and was never told anything; the new leader has ${kept0} of them.`,
        ].join('\n');
        return { text, correct };
      },
      status: leaders,
    },
    {
      id: 'truncate',
      kind: 'wait',
      moments: ['truncation'],
      title: 'The old leader returns',
      body: [
        'Restart the crashed broker. It still has the lost records on its disk — but the new leader’s log is the truth now. The returning broker asks where the leader’s log for its old epoch ends, cuts its own log back to that point (**truncation**), and fetches from there.',
      ],
      actions: [
        {
          id: 'restart',
          label: 'Restart the crashed broker',
          commands: (s) =>
            s.brokers.filter((b) => !b.alive).map((b) => ({ type: 'broker.restart' as const, broker: b.id })),
        },
      ],
      fact: {
        waitingFor: 'Waiting for the returning broker to truncate its acks-1 log…',
        event: 'replica.truncated',
        where: (e) => e.type === 'replica.truncated' && e.topic === TOPICS.p1,
        state: ({ snapshot, history }) =>
          eventsOf(history, 'replica.truncated').some((e) => e.topic === TOPICS.p1) &&
          (partitionOf(snapshot, TOPICS.p1, 0)?.isr.length ?? 0) === 3,
      },
      status: (s) => {
        const p = partitionOf(s, TOPICS.p1, 0);
        return p
          ? `acks-1 replicas: ${p.replicaStates.map((r) => `broker-${r.broker} log end ${r.logEndOffset}${r.alive ? '' : ' (down)'}`).join(' · ')}`
          : '';
      },
    },
    {
      id: 'min-isr',
      kind: 'narrative',
      title: 'How many is “all”?',
      body: [
        'acks=all waits for every replica **in the ISR**. If the ISR shrinks to the leader alone, “all” is just one copy — no safer than acks=1.',
        'So topics set `min.insync.replicas`. With acks=all, the leader refuses a write while the ISR is smaller than that, with the error `NOT_ENOUGH_REPLICAS`. The topic acks-all has `min.insync.replicas=2`.',
      ],
      status: (s) => {
        const p = partitionOf(s, TOPICS.pall, 0);
        return p ? `ISR of acks-all: ${list(p.isr.map((b) => `broker-${b}`))}; min.insync.replicas=2.` : '';
      },
    },
    {
      id: 'challenge-nee',
      kind: 'challenge',
      moments: ['failed-send'],
      title: 'Make the leader refuse',
      body: [
        'Use the **Faults** tab to shrink the ISR of acks-all, then send a record with `pall` to acks-all in the **Produce** tab.',
      ],
      goal: 'Make a write from pall to acks-all fail with NOT_ENOUGH_REPLICAS.',
      tools: ['faults', 'produce', 'inspect'],
      check: ({ snapshot, stepEvents }) => {
        const refused = [
          ...eventsOf(stepEvents, 'producer.retryScheduled'),
          ...eventsOf(stepEvents, 'producer.failed'),
        ].find((e) => e.topic === TOPICS.pall && e.error === 'NOT_ENOUGH_REPLICAS');
        if (refused)
          return {
            ok: true,
            message: `The leader answered ${refused.producer}’s write with NOT_ENOUGH_REPLICAS: it would rather refuse than pretend one copy is safe. The producer keeps retrying until the ISR grows back or its delivery timeout passes.`,
          };
        const p = partitionOf(snapshot, TOPICS.pall, 0);
        const isr = p?.isr.length ?? 0;
        if (isr >= 2)
          return {
            ok: false,
            hint: `The ISR of acks-all has ${isr} replicas, at least min.insync.replicas=2, so writes are accepted. Crash brokers until only one in-sync replica is left, and wait for the controller to notice.`,
          };
        const leader = snapshot.brokers.find((b) => b.id === p?.leader);
        if (!leader || !leader.alive)
          return {
            ok: false,
            hint: 'acks-all has no leader now: every in-sync replica is down, so the partition is offline (nothing to refuse the write). Restart one broker that was in the ISR, or crash only followers.',
          };
        if ((leader.metadataOffset ?? -1) < snapshot.quorum.committedOffset)
          return {
            ok: false,
            hint: 'The controller has shrunk the ISR; give the leader a moment to hear of it, then send a record with pall to acks-all.',
          };
        const other = [
          ...eventsOf(stepEvents, 'producer.retryScheduled'),
          ...eventsOf(stepEvents, 'producer.failed'),
        ].find((e) => e.topic === TOPICS.pall);
        if (other)
          return {
            ok: false,
            hint: `pall’s write got ${other.error}, not NOT_ENOUGH_REPLICAS: the leader still counted another replica in sync when it arrived. Send another.`,
          };
        return {
          ok: false,
          hint: 'The ISR is small enough now. Send a record with pall to acks-all in the Produce tab.',
        };
      },
      status: (s) => {
        const p = partitionOf(s, TOPICS.pall, 0);
        return p
          ? `ISR of acks-all: ${list(p.isr.map((b) => `broker-${b}`)) || 'empty'}; leader broker-${p.leader}.`
          : '';
      },
    },
    {
      id: 'compare-acks',
      kind: 'narrative',
      title: 'Side by side: acks=1 against acks=all',
      body: [
        'One more look at the leader crash, this time as two complete runs from the same seed and the same commands, with only the producer’s `acks` changed: the followers are cut off from the leader, the leader takes three writes and crashes.',
        'Open the comparison: each run’s space-time diagram, the guarantee checker’s findings (✕ where an acknowledged write was lost) and the point where the two runs first part, with one line per guarantee saying what each setting got.',
      ],
      compare: 'acks',
    },
  ],
};
