/**
 * Lesson 18 — Joins, state and guarantees (Stream processing part): a stream-table join and a count
 * whose stores are backed by changelog topics; a crashed instance's task moves to the other instance,
 * which restores the stores from the changelogs before counting on; then at_least_once against
 * exactly_once_v2 on the same input and the same crash. Every number is the engine's: restore
 * events, the tasks in the snapshot, and what read_committed consumers read.
 */
import { partitionForKey, type ClusterSnapshot, type Command, type TopologyStep } from '../../engine';
import type { FactView, Lesson } from '../lesson-types';
import { eventsOf, list, plural } from '../facts';
import { appOf, committedRecords, nodeCounts, receivedFrom, tasksLine, tasksOf } from './streams-facts';

const APP = 'loyalty';
const USERS = ['ann', 'bob', 'gus', 'kim'] as const;
const TIERS: Record<(typeof USERS)[number], string> = {
  ann: 'gold',
  bob: 'silver',
  gus: 'gold',
  kim: 'bronze',
};
const FAST_GROUP = { 'session.timeout.ms': 6000, 'heartbeat.interval.ms': 1500 };

export const LOYALTY_TOPOLOGY: TopologyStep[] = [
  { id: 'users', op: 'table', topic: 'users', store: 'users-table' },
  { id: 'purchases', op: 'stream', topic: 'purchases' },
  { id: 'joined', op: 'tableJoin', from: 'purchases', table: 'users', kind: 'left' },
  {
    id: 'label',
    op: 'mapValues',
    from: 'joined',
    value: 'concat(value.left, " for a ", coalesce(value.right, "new"), " member")',
  },
  { id: 'enriched', op: 'to', from: 'label', topic: 'enriched' },
  { id: 'by-user', op: 'groupByKey', from: 'label' },
  { id: 'count', op: 'aggregate', from: 'by-user', kind: 'count', store: 'purchase-counts' },
  { id: 'counts-out', op: 'toStream', from: 'count' },
  { id: 'counts', op: 'to', from: 'counts-out', topic: 'counts' },
];

/** The same copy topology for both guarantees: every purchase copied once to `to`. */
const copyTopology = (to: string): TopologyStep[] => [
  { id: 'purchases', op: 'stream', topic: 'purchases' },
  { id: 'copy', op: 'to', from: 'purchases', topic: to },
];

const buy = (user: string, item: string): Command => ({
  type: 'producer.send',
  producer: 'shop',
  topic: 'purchases',
  key: user,
  value: item,
});

const TRAFFIC: Command[] = [
  ...USERS.map((u): Command => ({
    type: 'producer.send',
    producer: 'shop',
    topic: 'users',
    key: u,
    value: TIERS[u],
  })),
  ...['book', 'pen', 'mug'].flatMap((item) => USERS.map((u) => buy(u, item))),
];

const reader = (consumer: string, topic: string, partitions: number): Command[] => [
  {
    type: 'consumer.create',
    consumer,
    config: { 'auto.offset.reset': 'earliest', 'isolation.level': 'read_committed' },
  },
  {
    type: 'consumer.assign',
    consumer,
    partitions: Array.from({ length: partitions }, (_, partition) => ({ topic, partition })),
  },
];

/** The instance that runs `task` of the loyalty app now. */
const ownerOf = (s: ClusterSnapshot, task: string) => tasksOf(s, APP).find((t) => t.id === task)?.instance;

/** The newest count per user that the `watch` consumer read from `counts`. */
const latestCounts = (events: FactView['history']) => {
  const by = new Map<string, string>();
  for (const r of receivedFrom(events, 'watch', 'counts')) if (r.key) by.set(r.key, r.value ?? '');
  return by;
};

const countsText = (events: FactView['history']) =>
  [...latestCounts(events)]
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([k, v]) => `${k}=${v}`)
    .join(', ');

/** Every loyalty instance that processed something has committed since (its offsets are stored). */
const committedSinceProcessing = (events: FactView['history']) =>
  ['a', 'b'].every((instance) => {
    const last = eventsOf(events, 'streams.processed')
      .filter((e) => e.app === APP && e.instance === instance)
      .at(-1);
    return (
      !last || eventsOf(events, 'streams.committed').some((e) => e.instance === instance && e.seq > last.seq)
    );
  });

const loyaltyLine = (s: ClusterSnapshot) => {
  const c = nodeCounts(s, APP, 'AGGREGATE');
  return `${tasksLine(s, APP)} · count: ${c.processed} in`;
};

const inPartition0 = USERS.filter((u) => partitionForKey(u, 2) === 0);

const NEW_ITEMS = ['lamp', 'desk', 'chair'];

const copies = (events: FactView['history'], who: 'alos' | 'eos') =>
  receivedFrom(events, `rc-${who}`, `copies-${who}`);

/** Copies of the three purchases of the crash step. */
const newCopies = (events: FactView['history'], who: 'alos' | 'eos') =>
  copies(events, who).filter((r) => NEW_ITEMS.includes(r.value ?? ''));

/** Values read more than once, as "book ×2". */
const duplicates = (values: readonly (string | null)[]) => {
  const n = new Map<string, number>();
  for (const v of values) n.set(v ?? 'null', (n.get(v ?? 'null') ?? 0) + 1);
  return [...n].filter(([, k]) => k > 1).map(([v, k]) => `“${v}” ×${k}`);
};

const guaranteeLine = (s: ClusterSnapshot) =>
  `${tasksLine(s, 'echo-alos')} · ${tasksLine(s, 'echo-eos')} · copies-alos: ${committedRecords(s, 'copies-alos')} in the log · copies-eos: ${committedRecords(s, 'copies-eos')} in the log (markers included)`;

export const stateLesson: Lesson = {
  id: '18-state-and-guarantees',
  number: 18,
  title: 'Joins, state and guarantees',
  summary:
    'Enrich purchases with a table, count them in a store backed by a changelog, crash an instance, and compare at_least_once with exactly_once_v2.',
  seed: 18,
  options: {
    brokers: 3,
    brokerConfig: {
      'offsets.topic.num.partitions': 3,
      'transaction.state.log.num.partitions': 3,
      'transaction.abort.timed.out.transaction.cleaner.interval.ms': 1000,
    },
  },
  setup: [
    ...['users', 'purchases', 'enriched', 'counts', 'copies-alos', 'copies-eos'].map((topic): Command => ({
      type: 'topic.create',
      topic,
      partitions: 2,
      replicationFactor: 3,
    })),
    { type: 'producer.create', producer: 'shop', config: { acks: 'all' } },
  ],
  speed: 1,
  tools: ['produce', 'inspect'],
  steps: [
    {
      id: 'app',
      kind: 'wait',
      title: 'A join and a count, two instances',
      body: [
        '`loyalty` reads `users` as a **table** (the latest tier per user) and `purchases` as a **stream**, joins each purchase with its user’s tier (a stream-table **left join**: a purchase by an unknown user still goes through), writes the result to `enriched`, and counts purchases per user.',
        'The table and the count are **state stores**. Each is backed by a compacted **changelog topic**, `loyalty-<store>-changelog`: every store write is also a record there.',
        'Two instances, `a` and `b`, share the work: `users` and `purchases` both have two partitions (they are **co-partitioned**, so ann’s purchases and ann’s tier meet in the same task), and tasks `0_0` and `0_1` go one to each.',
      ],
      onEnter: (): Command[] => [
        {
          type: 'streams.create',
          app: APP,
          topology: { steps: LOYALTY_TOPOLOGY },
          config: { 'commit.interval.ms': 1000, 'statestore.cache.max.bytes': 0, ...FAST_GROUP },
        },
        { type: 'streams.start', app: APP, instance: 'a' },
        { type: 'streams.start', app: APP, instance: 'b' },
        ...reader('watch', 'counts', 2),
      ],
      fact: {
        waitingFor: 'Waiting for both instances to run a task each…',
        state: ({ snapshot }) =>
          !!ownerOf(snapshot, '0_0') &&
          !!ownerOf(snapshot, '0_1') &&
          ownerOf(snapshot, '0_0') !== ownerOf(snapshot, '0_1') &&
          tasksOf(snapshot, APP).every((t) => t.state === 'running'),
      },
      outcome: ({ snapshot }) =>
        `${tasksLine(snapshot, APP)}. Changelogs: ${list(
          appOf(snapshot, APP)!
            .internalTopics.filter((t) => t.kind === 'changelog')
            .map((t) => t.name),
        )}.`,
      status: loyaltyLine,
    },
    {
      id: 'traffic',
      kind: 'wait',
      title: 'Tiers and purchases',
      body: ['The shop writes each user’s tier to `users`, then three purchases per user.'],
      actions: [{ id: 'traffic', label: 'Send 4 tiers and 12 purchases', commands: () => TRAFFIC }],
      fact: {
        waitingFor: 'Waiting for the 12 purchases to be counted, read from counts, and committed…',
        state: ({ snapshot, history }) =>
          nodeCounts(snapshot, APP, 'AGGREGATE').processed >= 12 &&
          [...latestCounts(history).values()].filter((v) => v === '3').length === USERS.length &&
          committedSinceProcessing(history),
      },
      outcome: ({ snapshot, history }) =>
        `Counts read from \`counts\`: ${countsText(history)}, and both instances have committed their input offsets. The changelog loyalty-purchase-counts-changelog holds ${committedRecords(snapshot, 'loyalty-purchase-counts-changelog')} records: one per update.`,
      status: loyaltyLine,
    },
    {
      id: 'predict-restore',
      kind: 'predict',
      moments: ['rebalance'],
      title: 'An instance crashes',
      body: [
        'The instance running task 0_0 crashes. After `session.timeout.ms` (6 s here) the group rebalances and the task moves to the other instance. The store lived in the crashed process’s memory (in Kafka, its local RocksDB).',
      ],
      question: 'What does the other instance do before it counts anything for task 0_0?',
      choices: [
        { id: 'restore', label: 'Reads the changelogs back into the stores, then counts on' },
        { id: 'zero', label: 'Starts the counts from zero' },
        { id: 'reread', label: 'Re-reads all of purchases from the start' },
      ],
      run: (s) => [{ type: 'streams.crash', instance: ownerOf(s, '0_0') ?? 'a' }],
      until: {
        waitingFor: 'Waiting for the rebalance, and for task 0_0 to run again…',
        state: ({ stepEvents }) =>
          eventsOf(stepEvents, 'streams.taskRunning').some((e) => e.app === APP && e.task === '0_0'),
      },
      reveal: ({ stepEvents, snapshot }) => {
        const restored = eventsOf(stepEvents, 'streams.restored').filter(
          (e) => e.app === APP && e.task === '0_0',
        );
        const byTopic = new Map<string, number>();
        for (const e of restored) byTopic.set(e.topic, (byTopic.get(e.topic) ?? 0) + e.records);
        const running = eventsOf(stepEvents, 'streams.taskRunning').find(
          (e) => e.app === APP && e.task === '0_0',
        )!;
        const crashed = eventsOf(stepEvents, 'streams.crashed')[0];
        return {
          text: [
            `${crashed ? `${crashed.node} crashed. ` : ''}Task 0_0 went to ${running.instance}, which was **restoring** first: ${list(
              [...byTopic].map(([t, n]) => `${plural(n, 'record')} from ${t}`),
            )}. Only then did it run (${plural(running.restoredRecords, 'record')} restored in all).`,
            `The input was not re-read: the task carries on from its committed offset. ${tasksLine(snapshot, APP)}.`,
          ].join('\n'),
          correct: running.restoredRecords > 0 ? 'restore' : 'zero',
        };
      },
      status: loyaltyLine,
    },
    {
      id: 'challenge-continue',
      kind: 'challenge',
      title: 'The count carries on',
      body: [
        'Use the **Produce** tab (producer `shop`, topic `purchases`): send a purchase that task 0_0 counts, and see its user’s count carry on from the restored store.',
        'Which users does task 0_0 count? Those whose key lands in partition 0 (murmur2 of the key, modulo 2).',
      ],
      goal: 'Get a count from the restored store into `counts`.',
      check: ({ stepEvents, history }) => {
        const before = latestCounts(history.filter((e) => !stepEvents.includes(e)));
        const fresh = receivedFrom(stepEvents, 'watch', 'counts').filter((r) => r.key !== null);
        const carried = fresh.find(
          (r) => r.partition === 0 && Number(r.value) > Number(before.get(r.key!) ?? 0),
        );
        if (carried)
          return {
            ok: true,
            message: `${carried.key} was at ${before.get(carried.key!) ?? 0} before the crash; the restored store counted on to ${carried.value}.`,
          };
        const sent = eventsOf(stepEvents, 'command.accepted').flatMap((e) =>
          e.command.type === 'producer.send' && e.command.topic === 'purchases' ? [e.command.key] : [],
        );
        if (sent.length === 0)
          return { ok: false, hint: 'Send a purchase to `purchases` from the Produce tab.' };
        const wrong = sent.filter((k) => k === null || partitionForKey(k, 2) !== 0);
        if (wrong.length === sent.length)
          return {
            ok: false,
            hint: `${list(wrong.map((k) => k ?? 'a record without a key'))} went to partition 1 (task 0_1, which never moved)${wrong.includes(null) ? ' or to any partition' : ''}. Users whose key lands in partition 0: ${list(inPartition0)}.`,
          };
        return {
          ok: false,
          hint: 'Your purchase is on its way through the topology: press Check again in a moment.',
        };
      },
      status: loyaltyLine,
    },
    {
      id: 'two-guarantees',
      kind: 'wait',
      title: 'Two guarantees, one input',
      body: [
        'Two more applications read the same `purchases` and copy each one to their own topic. `echo-alos` runs with `processing.guarantee=at_least_once` (the default); `echo-eos` with `exactly_once_v2`: one transaction per commit covering its output, its changelog writes and its input offsets. Both commit every 5 s here. Wait until both have copied what `purchases` already holds and committed.',
        'Two consumers with `isolation.level=read_committed` read `copies-alos` and `copies-eos`.',
      ],
      onEnter: (): Command[] => [
        {
          type: 'streams.create',
          app: 'echo-alos',
          topology: { steps: copyTopology('copies-alos') },
          config: { 'commit.interval.ms': 5000, ...FAST_GROUP },
        },
        {
          type: 'streams.create',
          app: 'echo-eos',
          topology: { steps: copyTopology('copies-eos') },
          config: { 'processing.guarantee': 'exactly_once_v2', 'commit.interval.ms': 5000, ...FAST_GROUP },
        },
        { type: 'streams.start', app: 'echo-alos', instance: 'x' },
        { type: 'streams.start', app: 'echo-eos', instance: 'y' },
        ...reader('rc-alos', 'copies-alos', 2),
        ...reader('rc-eos', 'copies-eos', 2),
      ],
      fact: {
        waitingFor: 'Waiting for both applications to copy what is in purchases and commit…',
        state: ({ snapshot, history }) =>
          ['echo-alos', 'echo-eos'].every((app) => {
            const t = tasksOf(snapshot, app);
            const processed = eventsOf(history, 'streams.processed').filter((e) => e.app === app);
            const copied = processed.reduce((n, e) => n + e.records, 0);
            const committed = eventsOf(history, 'streams.committed')
              .filter((e) => e.app === app)
              .at(-1);
            return (
              t.length === 2 &&
              t.every((x) => x.state === 'running') &&
              copied >= committedRecords(snapshot, 'purchases') &&
              !!committed &&
              committed.seq > processed.at(-1)!.seq
            );
          }),
      },
      outcome: ({ snapshot, history }) =>
        `${tasksLine(snapshot, 'echo-alos')} · ${tasksLine(snapshot, 'echo-eos')}. They copied what was already in purchases: rc-alos read ${copies(history, 'alos').length}, rc-eos ${copies(history, 'eos').length}.`,
      status: guaranteeLine,
    },
    {
      id: 'predict-crash',
      kind: 'predict',
      title: 'A crash between commits',
      body: [
        'Three new purchases go in. Both applications process them and write their copies; then, before their next commit, both crash, and come straight back.',
      ],
      question: 'What do the read_committed readers see of the three new purchases?',
      choices: [
        { id: 'alos-dup', label: 'copies-alos has some twice; copies-eos has each once' },
        { id: 'once', label: 'Each once in both: Kafka never duplicates' },
        { id: 'lost', label: 'copies-eos loses them: the transaction was aborted' },
      ],
      run: () => [buy('ann', NEW_ITEMS[0]!), buy('bob', NEW_ITEMS[1]!), buy('gus', NEW_ITEMS[2]!)],
      then: [
        {
          // Both copies written (and replicated) before either application commits again.
          when: ({ stepEvents }) =>
            ['copies-alos', 'copies-eos'].every(
              (t) => eventsOf(stepEvents, 'partition.appended').filter((e) => e.topic === t).length >= 1,
            ) &&
            ['echo-alos', 'echo-eos'].every(
              (app) =>
                eventsOf(stepEvents, 'streams.processed')
                  .filter((e) => e.app === app)
                  .reduce((n, e) => n + e.records, 0) >= 3,
            ),
          commands: () => [
            { type: 'streams.crash', instance: 'x' },
            { type: 'streams.crash', instance: 'y' },
          ],
        },
        {
          when: ({ stepEvents }) => eventsOf(stepEvents, 'streams.crashed').length >= 2,
          commands: () => [
            { type: 'streams.restart', instance: 'x' },
            { type: 'streams.restart', instance: 'y' },
          ],
        },
      ],
      until: {
        waitingFor: 'Waiting for both applications to come back, reprocess and commit…',
        state: ({ stepEvents, snapshot, history }) => {
          const restarted = eventsOf(stepEvents, 'streams.restarted');
          if (restarted.length < 2) return false;
          const after = restarted.at(-1)!.seq;
          const committedAgain = ['echo-alos', 'echo-eos'].every((app) =>
            eventsOf(stepEvents, 'streams.committed').some((e) => e.app === app && e.seq > after),
          );
          return (
            committedAgain &&
            copies(history, 'alos').length >= committedRecords(snapshot, 'copies-alos') &&
            newCopies(stepEvents, 'eos').length >= 3
          );
        },
      },
      reveal: ({ stepEvents }) => {
        const alos = newCopies(stepEvents, 'alos').map((r) => r.value);
        const eos = newCopies(stepEvents, 'eos').map((r) => r.value);
        const dupA = duplicates(alos);
        const dupE = duplicates(eos);
        const aborted = eventsOf(stepEvents, 'transaction.aborted');
        return {
          text: [
            `rc-alos read ${plural(alos.length, 'copy', 'copies')} of the three purchases${dupA.length ? `: ${list(dupA)}` : ''}. The crash came after the copies were written but before the input offsets were committed, so the restarted instance processed those purchases again: **at-least-once** — nothing lost, duplicates possible.`,
            `rc-eos read ${plural(eos.length, 'copy', 'copies')}${dupE.length ? `: ${list(dupE)}` : ', each once'}. The first copies were in an open transaction; ${aborted.length ? 'the restarted producer (same transactional.id) fenced it and the coordinator aborted it' : 'it was aborted'}, so read_committed readers skip them. The reprocessed copies were committed together with the input offsets: **exactly-once**.`,
          ].join('\n'),
          correct:
            dupA.length > 0 && dupE.length === 0 && eos.length >= 3
              ? 'alos-dup'
              : dupA.length === 0 && dupE.length === 0
                ? 'once'
                : undefined,
        };
      },
      status: guaranteeLine,
    },
    {
      id: 'wrap',
      kind: 'narrative',
      title: 'State, restored; effects, once',
      body: [
        'A store is a local copy of its changelog topic: a moved task rebuilds it from there before processing, and carries on from its committed offsets. `exactly_once_v2` commits the output, the changelog writes and the input offsets in one transaction, so a crash leaves either all of them or none; `at_least_once` may redo work after a crash, and readers see it twice.',
        'Not modelled: RocksDB and its local checkpoint files (a restarted instance here always restores from the changelog), standby lag limits and rack awareness, foreign-key joins, GlobalKTables, and the broker-side streams rebalance protocol (KIP-1071).',
      ],
      status: guaranteeLine,
    },
  ],
};
