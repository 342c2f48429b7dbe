/**
 * The four same-seed comparisons (issue 18, item 3): one command script, run twice from the same
 * seed with one setting changed. A script's commands are computed from the cluster as it is when
 * they run ("crash the leader of orders-0"), so both runs follow the same script even once their
 * clusters differ. The settings are Kafka's config keys; nothing else differs between the sides.
 */
import type { FacadeSimulation } from '../simulation';
import type { ClusterSnapshot, Command, ConfigValue, SimulationOptions } from '../types';

export type ComparisonId = 'acks' | 'rebalance' | 'unclean' | 'idempotence';
export type Settings = Readonly<Record<string, ConfigValue>>;

/** One step of a script: run for a while, dispatch commands, or run until something holds. */
export type ScriptStep =
  | { run: number }
  | { dispatch: (snapshot: ClusterSnapshot, settings: Settings) => Command[] }
  /** `sinceSeq`: the last event before the previous dispatch step. */
  | { until: (sim: FacadeSimulation, sinceSeq: number) => boolean; maxMs: number };

export interface ComparisonSide {
  /** How the verdicts name this side: `acks=1`. */
  label: string;
  settings: Settings;
}

export interface ComparisonSpec {
  id: ComparisonId;
  title: string;
  /** The question the comparison answers, for the list of comparisons. */
  question: string;
  seed: number;
  options: (settings: Settings) => SimulationOptions;
  sides: readonly [ComparisonSide, ComparisonSide];
  script: readonly ScriptStep[];
  /** The topic the comparison is about (its offset grid is shown). */
  topic: string;
  /** Counted facts to compare besides the checker's findings (compare.ts names them). */
  facts: readonly FactName[];
  /** The request kinds the story is about (their responses too): a diagram may show only these. */
  kinds: readonly string[];
}

export type FactName = 'acked' | 'offline' | 'revoked' | 'whole' | 'unread';

const leaderOf = (s: ClusterSnapshot, topic: string) =>
  s.topics.find((t) => t.name === topic)?.partitions[0]?.leader ?? -1;

const send = (producer: string, topic: string, key: string, values: string[]) =>
  values.map((value): Command => ({ type: 'producer.send', producer, topic, key, value }));

const ackedSince = (sim: FacadeSimulation, since: number) =>
  sim.events(since).filter((e) => e.type === 'producer.acked').length;

/** Cut both followers off the leader, write, crash the leader, heal, write on, restart it. */
function leaderCrashScript(topic: string, quiet: number): ScriptStep[] {
  return [
    { run: 1500 },
    { dispatch: () => [{ type: 'consumer.subscribe', consumer: 'c1', topics: [topic] }] },
    { dispatch: () => send('p1', topic, 'k', ['before-0', 'before-1', 'before-2']) },
    { run: 1500 },
    {
      dispatch: (s) =>
        [1, 2, 3]
          .filter((b) => b !== leaderOf(s, topic))
          .map((b): Command => ({
            type: 'network.cut',
            from: `broker-${b}`,
            to: `broker-${leaderOf(s, topic)}`,
          })),
    },
    { run: quiet },
    { dispatch: () => send('p1', topic, 'k', ['cut-0', 'cut-1', 'cut-2']) },
    { until: (sim, since) => ackedSince(sim, since) >= 3, maxMs: 2000 },
    {
      dispatch: (s) => [{ type: 'broker.crash', broker: leaderOf(s, topic) }, { type: 'network.heal' }],
    },
    { run: 6000 },
    { dispatch: () => send('p1', topic, 'k', ['after-0', 'after-1', 'after-2']) },
    { run: 4000 },
    {
      dispatch: (s) =>
        s.brokers.filter((b) => !b.alive).map((b): Command => ({ type: 'broker.restart', broker: b.id })),
    },
    { run: 8000 },
  ];
}

const crashOptions = (lagMs: number) => (): SimulationOptions => ({
  seed: 11,
  brokers: 3,
  brokerConfig: {
    'replica.lag.time.max.ms': lagMs,
    'broker.session.timeout.ms': 3000,
    'broker.heartbeat.interval.ms': 1000,
  },
  network: { latencyMsMin: 10, latencyMsMax: 20 },
});

/** The topic, producer p1 (its config from the side's settings) and consumer c1 in group g1. */
const clients = (
  topic: string,
  partitions: number,
  topicConfig: (set: Settings) => Settings,
  producer: (set: Settings) => Settings,
): ScriptStep => ({
  dispatch: (_, set) => [
    { type: 'topic.create', topic, partitions, replicationFactor: 3, config: { ...topicConfig(set) } },
    { type: 'producer.create', producer: 'p1', config: { ...producer(set) } },
    { type: 'consumer.create', consumer: 'c1', groupId: 'g1', config: { 'auto.offset.reset': 'earliest' } },
  ],
});

const ACKS: ComparisonSpec = {
  id: 'acks',
  title: 'acks=1 vs acks=all through a leader crash',
  question:
    'The leader is cut off from its followers, takes three writes, then crashes. Which writes survive?',
  seed: 11,
  options: crashOptions(10_000),
  sides: [
    { label: 'acks=1', settings: { acks: 1 } },
    { label: 'acks=all', settings: { acks: 'all' } },
  ],
  topic: 'orders',
  facts: ['acked'],
  kinds: ['Produce', 'Fetch'],
  script: [
    clients(
      'orders',
      1,
      () => ({}),
      // Idempotence off on both sides (Kafka turns it on by default only with acks=all): only acks differs.
      (set) => ({ acks: set.acks!, 'enable.idempotence': false }),
    ),
    ...leaderCrashScript('orders', 0),
  ],
};

const UNCLEAN: ComparisonSpec = {
  id: 'unclean',
  title: 'Clean vs unclean leader election',
  question:
    'The followers fall out of the ISR, the leader takes acks=all writes alone and crashes. Wait for it, or elect a follower that lacks them?',
  seed: 11,
  options: crashOptions(1000),
  sides: [
    { label: 'clean', settings: { 'unclean.leader.election.enable': false } },
    { label: 'unclean', settings: { 'unclean.leader.election.enable': true } },
  ],
  topic: 'orders',
  facts: ['acked', 'offline'],
  kinds: ['Produce', 'Fetch'],
  script: [
    clients(
      'orders',
      1,
      (set) => ({ ...set, 'min.insync.replicas': 1 }),
      () => ({ acks: 'all', 'enable.idempotence': false }),
    ),
    // 3 s without fetching: the ISR shrinks to the leader alone, which then acknowledges acks=all alone.
    ...leaderCrashScript('orders', 3000),
  ],
};

/** Answers from the leader to the producer are lost for a while: the producer retries. */
const IDEMPOTENCE: ComparisonSpec = {
  id: 'idempotence',
  title: 'Idempotence off vs on under retries',
  question:
    'The leader writes a batch but its answer is lost, so the producer sends it again. How many copies?',
  seed: 5,
  options: () => ({ seed: 5, brokers: 3, network: { latencyMsMin: 5, latencyMsMax: 10 } }),
  sides: [
    { label: 'enable.idempotence=false', settings: { 'enable.idempotence': false } },
    { label: 'enable.idempotence=true', settings: { 'enable.idempotence': true } },
  ],
  topic: 'payments',
  facts: ['acked'],
  kinds: ['Produce', 'InitProducerId'],
  script: [
    clients(
      'payments',
      1,
      () => ({}),
      (set) => ({
        ...set,
        acks: 'all',
        'request.timeout.ms': 800,
        'retry.backoff.ms': 100,
        'delivery.timeout.ms': 30_000,
        'max.in.flight.requests.per.connection': 5,
      }),
    ),
    { run: 1500 },
    { dispatch: () => [{ type: 'consumer.subscribe', consumer: 'c1', topics: ['payments'] }] },
    { dispatch: () => send('p1', 'payments', 'a', ['first']) },
    { run: 1000 },
    {
      dispatch: (s) => [
        { type: 'network.cut', from: `broker-${leaderOf(s, 'payments')}`, to: 'producer:p1', oneWay: true },
        ...send('p1', 'payments', 'a', ['second']),
      ],
    },
    { run: 1200 },
    { dispatch: () => [{ type: 'network.heal' }] },
    { run: 5000 },
  ],
};

/** Two members read six partitions while p1 writes; a third member joins. */
const REBALANCE: ComparisonSpec = {
  id: 'rebalance',
  title: 'Eager vs cooperative rebalancing',
  question:
    'A third consumer joins a group of two reading six partitions. Who stops reading, and for how long?',
  seed: 65,
  options: () => ({ seed: 65, brokers: 3, brokerConfig: { 'offsets.topic.num.partitions': 3 } }),
  sides: [
    { label: 'eager (range)', settings: { 'partition.assignment.strategy': 'range' } },
    { label: 'cooperative-sticky', settings: { 'partition.assignment.strategy': 'cooperative-sticky' } },
  ],
  topic: 'clicks',
  facts: ['revoked', 'whole', 'unread'],
  kinds: ['JoinGroup', 'SyncGroup', 'Heartbeat', 'LeaveGroup'],
  script: [],
};
const member = (consumer: string) => ({
  dispatch: (_: ClusterSnapshot, set: Settings): Command[] => [
    {
      type: 'consumer.create',
      consumer,
      groupId: 'g1',
      config: {
        'auto.offset.reset': 'earliest',
        'session.timeout.ms': 6000,
        'heartbeat.interval.ms': 1000,
        'partition.assignment.strategy': set['partition.assignment.strategy']!,
      },
    },
    { type: 'consumer.subscribe', consumer, topics: ['clicks'] },
  ],
});
const clicks = (from: number, n: number): ScriptStep[] =>
  Array.from({ length: n }, (_, i): ScriptStep[] => [
    { dispatch: () => send('p1', 'clicks', `u${(from + i) % 6}`, [`click-${from + i}`]) },
    { run: 250 },
  ]).flat();
REBALANCE.script = [
  {
    dispatch: () => [
      { type: 'topic.create', topic: 'clicks', partitions: 6, replicationFactor: 3 },
      { type: 'producer.create', producer: 'p1', config: { acks: 'all' } },
    ],
  },
  { run: 1000 },
  member('c1'),
  member('c2'),
  ...clicks(0, 32),
  member('c3'),
  ...clicks(32, 40),
  { run: 3000 },
];

export const COMPARISONS: readonly ComparisonSpec[] = [ACKS, REBALANCE, UNCLEAN, IDEMPOTENCE];

export function comparisonSpec(id: ComparisonId): ComparisonSpec {
  const spec = COMPARISONS.find((c) => c.id === id);
  if (!spec) throw new Error(`Unknown comparison: ${String(id)}`);
  return spec;
}
