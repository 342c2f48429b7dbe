/**
 * Lesson 15 — Other platforms (Going further): Amazon Kinesis Data Streams, Apache Pulsar and Azure
 * Event Hubs, each idea mapped to what the learner does on this Kafka cluster. Only Kafka is
 * simulated: every number on screen comes from the Kafka cluster; the other platforms' facts are
 * from their documentation (AWS Kinesis Data Streams developer guide and API reference, Apache
 * Pulsar's architecture and consumer docs, Azure Event Hubs' features and Kafka pages), and the
 * lesson says what is not simulated.
 */
import { CONFIG_KEYS, type ClusterSnapshot, type EngineEvent } from '../../engine';
import type { Lesson } from '../lesson-types';
import { eventsOf, list, topicOf } from '../facts';
import { countdownText, countdowns } from '../countdowns';

const TOPIC = 'clicks';
const KEYS = ['user-1', 'user-2', 'user-3', 'user-4', 'user-5', 'user-6'];
const CONSUMER_CONFIG = {
  'auto.offset.reset': 'earliest',
  'enable.auto.commit': false,
  'session.timeout.ms': 6000,
  'heartbeat.interval.ms': 1000,
};

const sendClicks = (round: number) =>
  KEYS.map((key) => ({
    type: 'producer.send' as const,
    producer: 'p1',
    topic: TOPIC,
    key,
    value: `click ${round} by ${key}`,
  }));

/** Records per partition ("shard") of clicks, from the leaders' logs. */
const shards = (s: ClusterSnapshot) =>
  (topicOf(s, TOPIC)?.partitions ?? [])
    .map((p) => {
      const leader = p.replicaStates.find((r) => r.broker === p.leader);
      return `${TOPIC}-${p.partition}: ${leader?.logEndOffset ?? 0} records (leader broker ${p.leader})`;
    })
    .join(' · ');

/** Which of `consumers` received each key, from the consumers' own events. */
export function readersByKey(
  events: readonly EngineEvent[],
  consumers: readonly string[],
): Map<string, Set<string>> {
  const by = new Map<string, Set<string>>();
  for (const e of eventsOf(events, 'consumer.received'))
    for (const r of consumers.includes(e.consumer) ? e.records : []) {
      if (r.topic !== TOPIC || r.key === null) continue;
      const set = by.get(r.key) ?? new Set<string>();
      set.add(e.consumer);
      by.set(r.key, set);
    }
  return by;
}

const received = (events: readonly EngineEvent[], consumer: string) =>
  eventsOf(events, 'consumer.received')
    .filter((e) => e.consumer === consumer)
    .reduce((n, e) => n + e.records.filter((r) => r.topic === TOPIC).length, 0);

/** The topic's retention.ms: its own setting, or the broker default it was created with. */
const retentionOf = (s: ClusterSnapshot) => {
  const topic = topicOf(s, TOPIC);
  if (!topic) return undefined;
  const ms = topic.config['retention.ms'];
  return typeof ms === 'number' ? ms : CONFIG_KEYS['retention.ms'].default;
};

export const otherPlatformsLesson: Lesson = {
  id: '15-other-platforms',
  number: 15,
  title: 'Other platforms',
  summary:
    'Kinesis shards and iterators, Pulsar subscriptions over BookKeeper, Event Hubs checkpoints: the same ideas, tried here on Kafka.',
  seed: 15,
  options: {
    brokers: 3,
    brokerConfig: { 'offsets.topic.num.partitions': 3 },
    network: { latencyMsMin: 10, latencyMsMax: 20 },
  },
  setup: [
    { type: 'topic.create', topic: TOPIC, partitions: 2, replicationFactor: 3 },
    { type: 'producer.create', producer: 'p1' },
  ],
  speed: 1,
  tools: ['inspect'],
  steps: [
    {
      id: 'same-ideas',
      kind: 'narrative',
      title: 'The same ideas, other names',
      body: [
        'Three other platforms store streams as partitioned, append-only logs too. This lesson maps each of their ideas onto this Kafka cluster, and you try the Kafka side live.',
        '**Only Kafka is simulated here.** What the other platforms do is said from their documentation; nothing on screen pretends to be Kinesis, Pulsar or Event Hubs.',
        '**Amazon Kinesis Data Streams**: a stream of **shards** (Kafka: a topic of partitions). **Apache Pulsar**: topics served by brokers, stored in **Apache BookKeeper**. **Azure Event Hubs**: an **event hub** of partitions (Kafka: a topic), read by **consumer groups**.',
      ],
      status: shards,
    },
    {
      id: 'shards',
      kind: 'wait',
      moments: ['ack'],
      title: 'Kinesis: shards and partition keys',
      body: [
        'In Kinesis a record carries a **partition key**; Kinesis hashes it (MD5) to pick a **shard**, and records of one key stay in order in their shard. Kafka does the same with the record key (murmur2) and a partition.',
        'Send one click from each of six users to `clicks` (two partitions) and see where each key lands.',
        'Not simulated: a Kinesis shard takes at most **1 MB/s or 1000 records/s of writes** and serves **2 MB/s of reads** (more is refused with ProvisionedThroughputExceededException). A Kafka partition has no such fixed limit: its broker’s disk and network are the limit.',
      ],
      actions: [{ id: 'send', label: 'Send six clicks', commands: () => sendClicks(1) }],
      fact: {
        waitingFor: 'Waiting for the six clicks to be acknowledged…',
        state: ({ snapshot }) => (snapshot.producers.find((p) => p.id === 'p1')?.acked ?? 0) >= KEYS.length,
      },
      outcome: ({ history, snapshot }) => {
        const byPartition = new Map<number, string[]>();
        const keyOf = new Map<number, string>();
        for (const e of eventsOf(history, 'command.accepted'))
          if (e.command.type === 'producer.send' && e.command.key) keyOf.set(e.commandId, e.command.key);
        for (const e of eventsOf(history, 'producer.acked')) {
          if (e.topic !== TOPIC) continue;
          const keys = byPartition.get(e.partition) ?? [];
          keys.push(keyOf.get(e.commandId) ?? '?');
          byPartition.set(e.partition, keys);
        }
        const where = [...byPartition.entries()]
          .sort(([a], [b]) => a - b)
          .map(([p, keys]) => `${TOPIC}-${p} got ${list(keys)}`)
          .join('; ');
        return `${where}. ${shards(snapshot)}. In Kinesis each would be a shard, and each key’s hash would pick its shard the same way.`;
      },
      status: shards,
    },
    {
      id: 'iterators',
      kind: 'wait',
      title: 'Kinesis: iterators and retention',
      body: [
        'A Kinesis reader asks for a **shard iterator** saying where to start: `TRIM_HORIZON` (the oldest record kept), `LATEST` (only new ones), `AT_SEQUENCE_NUMBER` / `AFTER_SEQUENCE_NUMBER`, or `AT_TIMESTAMP`. Kafka’s consumer says the same with `auto.offset.reset=earliest` or `latest`, a seek to an offset, or a seek by timestamp.',
        'Here consumer `reader` starts with `auto.offset.reset=earliest`: Kafka’s TRIM_HORIZON. It reads both partitions from their first offset.',
        'Retention: a Kinesis stream keeps records **24 hours** by default, up to **365 days** (8760 hours). Kafka keeps them for the topic’s `retention.ms` (shown below, live from this topic).',
      ],
      onEnter: () => [
        { type: 'consumer.create', consumer: 'reader', groupId: 'archive', config: CONSUMER_CONFIG },
        { type: 'consumer.subscribe', consumer: 'reader', topics: [TOPIC] },
      ],
      fact: {
        waitingFor: 'Waiting for reader to read all six clicks from the oldest offset…',
        state: ({ history }) => received(history, 'reader') >= KEYS.length,
      },
      outcome: ({ history, snapshot }) => {
        const offsets = eventsOf(history, 'consumer.received')
          .filter((e) => e.consumer === 'reader')
          .flatMap((e) => e.records.map((r) => `${r.topic}-${r.partition}@${r.offset}`));
        const ms = retentionOf(snapshot);
        return `reader read ${list(offsets)}: each partition from offset 0, as a TRIM_HORIZON iterator would.${ms !== undefined ? ` This topic keeps records for retention.ms = ${ms} ms (${(ms / 86_400_000).toFixed(0)} days${ms === CONFIG_KEYS['retention.ms'].default ? ', Kafka’s default' : ''}).` : ''}`;
      },
      status: (s) => {
        const ms = retentionOf(s);
        return `${shards(s)}${ms !== undefined ? ` · retention.ms ${ms}` : ''}`;
      },
    },
    {
      id: 'predict-subscription',
      kind: 'predict',
      moments: ['rebalance'],
      title: 'Pulsar: subscription types',
      body: [
        'A Pulsar **subscription** has a type. **Exclusive**: one consumer only. **Failover**: several attach, one receives (the next takes over if it goes). **Shared**: messages go round-robin to all consumers, any message to any consumer. **Key_Shared**: several consumers, and all messages of one key go to the same consumer.',
        'Now two consumers, `c1` and `c2`, join one Kafka group `dashboard` on `clicks`, and six more clicks arrive (one per user).',
      ],
      question: 'Which Pulsar promise will the Kafka group keep?',
      choices: [
        { id: 'shared', label: 'Shared: any click may go to either consumer' },
        { id: 'key_shared', label: 'Key_Shared: each user’s clicks all go to one consumer' },
        { id: 'exclusive', label: 'Exclusive: only one consumer receives anything' },
      ],
      run: () => [
        { type: 'consumer.create', consumer: 'c1', groupId: 'dashboard', config: CONSUMER_CONFIG },
        { type: 'consumer.subscribe', consumer: 'c1', topics: [TOPIC] },
        { type: 'consumer.create', consumer: 'c2', groupId: 'dashboard', config: CONSUMER_CONFIG },
        { type: 'consumer.subscribe', consumer: 'c2', topics: [TOPIC] },
      ],
      then: [
        {
          // Once the group is stable with both members, the second round of clicks goes out.
          when: ({ snapshot }) => {
            const g = snapshot.groups.find((x) => x.groupId === 'dashboard');
            return g?.state === 'Stable' && g.members.length === 2;
          },
          commands: () => sendClicks(2),
        },
      ],
      until: {
        waitingFor: 'Waiting for the group to settle and read twelve clicks…',
        state: ({ stepEvents }) => received(stepEvents, 'c1') + received(stepEvents, 'c2') >= 2 * KEYS.length,
      },
      reveal: ({ stepEvents, snapshot }) => {
        const by = readersByKey(stepEvents, ['c1', 'c2']);
        const group = snapshot.groups.find((g) => g.groupId === 'dashboard');
        const owners = (group?.members ?? []).map(
          (m) => `${m.clientId} owns ${list(m.assignment.map((a) => `${a.topic}-${a.partition}`))}`,
        );
        const split = [...by.entries()].filter(([, readers]) => readers.size > 1).map(([k]) => k);
        const readers = new Set([...by.values()].flatMap((r) => [...r]));
        const perKey = [...by.entries()]
          .sort(([a], [b]) => a.localeCompare(b))
          .map(([k, r]) => `${k} → ${[...r].join('+')}`)
          .join(', ');
        const correct = split.length > 0 ? 'shared' : readers.size <= 1 ? 'exclusive' : 'key_shared';
        return {
          text:
            `${owners.join('; ')}. ${perKey}.\n` +
            (split.length > 0
              ? `The keys ${list(split)} reached both consumers (a rebalance moved a partition while they were read).`
              : 'Every user’s clicks went to one consumer: a Kafka group assigns each **partition** to one member, and a key always maps to the same partition. That is Key_Shared’s promise, kept per partition; it is also Pulsar’s Failover type applied to each partition of a partitioned topic.') +
            '\nNot simulated: Pulsar’s Shared type (any message to any consumer, acknowledged one by one) has no counterpart in a classic Kafka consumer group.',
          correct,
        };
      },
      status: (s) => {
        const g = s.groups.find((x) => x.groupId === 'dashboard');
        return g
          ? `Group dashboard: ${g.state}, ${g.members.length} members (generation ${g.generation}).`
          : '';
      },
    },
    {
      id: 'bookkeeper',
      kind: 'narrative',
      title: 'Pulsar: brokers over BookKeeper',
      body: [
        'Look at the cluster: every Kafka broker holds replicas of `clicks` on its own disk, and the leader of a partition serves it from its own log.',
        'Pulsar splits this in two. Its **brokers are stateless**: they serve producers and consumers, but store nothing themselves. Messages are written to **BookKeeper**, whose storage nodes are called **bookies**; a topic’s log is a chain of **ledgers** (segments), and over time a topic gets new ledgers. The subscriptions’ positions (cursors) are stored in BookKeeper too.',
        'So when a Pulsar broker fails, another broker takes over its topics without copying data: the ledgers are still on the bookies. In Kafka a follower that kept up becomes leader (lesson 7). Not simulated: bookies, ledgers and Pulsar brokers.',
      ],
      status: (s) =>
        (topicOf(s, TOPIC)?.partitions ?? [])
          .map((p) => `${TOPIC}-${p.partition} stored on brokers ${list(p.replicas)}`)
          .join(' · '),
    },
    {
      id: 'checkpoint',
      kind: 'wait',
      moments: ['commit'],
      title: 'Event Hubs: checkpoints',
      body: [
        'In Event Hubs a reader saves its place with a **checkpoint**: the offset it has processed, per partition and consumer group. The Event Hubs client libraries keep checkpoints in a checkpoint store, usually **Azure Blob Storage**.',
        'Kafka calls it a **commit** and keeps it in the internal topic `__consumer_offsets`. Commit c1’s and c2’s positions now.',
        'Event Hubs also has a **Kafka endpoint**: Kafka clients connect to `<namespace>.servicebus.windows.net:9093` over SASL_SSL, and this very commit is what they send. Not simulated: Event Hubs, its blob checkpoint store and its endpoint.',
      ],
      actions: [
        {
          id: 'commit',
          label: 'Commit c1 and c2',
          commands: () => [
            { type: 'consumer.commit', consumer: 'c1' },
            { type: 'consumer.commit', consumer: 'c2' },
          ],
        },
      ],
      fact: {
        waitingFor: 'Waiting for both commits…',
        state: ({ stepEvents }) =>
          new Set(eventsOf(stepEvents, 'consumer.committed').map((e) => e.consumer)).size >= 2,
      },
      outcome: ({ stepEvents }) =>
        eventsOf(stepEvents, 'consumer.committed')
          .map(
            (e) =>
              `${e.consumer} committed ${list(e.offsets.map((o) => `${o.topic}-${o.partition} at ${o.offset}`))}`,
          )
          .join('; ') +
        ' into __consumer_offsets: an Event Hubs reader would write the same positions as checkpoints to its blob store.',
      status: (s) => {
        const g = s.groups.find((x) => x.groupId === 'dashboard');
        const offsets = g?.offsets.map((o) => `${o.topic}-${o.partition} at ${o.offset}`) ?? [];
        return offsets.length > 0
          ? `Committed for dashboard: ${list(offsets)}.`
          : 'Nothing committed for dashboard yet.';
      },
    },
    {
      id: 'challenge-exclusive',
      kind: 'challenge',
      moments: ['rebalance'],
      title: 'Exclusive, the Kafka way',
      body: [
        'Pulsar’s **Exclusive** type lets one consumer read the whole topic. In Kafka, **one consumer reads every partition** when it is alone in its group: the group hands it all of them.',
        'Use the **Faults** tab so that one member of `dashboard` reads both partitions of `clicks`, then press Check.',
      ],
      goal: 'One member of group dashboard owns clicks-0 and clicks-1.',
      tools: ['faults', 'inspect'],
      check: ({ snapshot, history }) => {
        const group = snapshot.groups.find((g) => g.groupId === 'dashboard');
        const partitions = topicOf(snapshot, TOPIC)?.partitions.length ?? 0;
        const alone = group?.members.find(
          (m) => m.assignment.filter((a) => a.topic === TOPIC).length === partitions,
        );
        if (group?.state === 'Stable' && alone)
          return {
            ok: true,
            message: `${alone.clientId} alone owns ${list(alone.assignment.map((a) => `${a.topic}-${a.partition}`))}: one consumer reads every partition, like an Exclusive subscription. (Pulsar refuses a second consumer on an Exclusive subscription; Kafka lets it join and splits the partitions again.)`,
          };
        const wait = countdowns(snapshot, history, otherPlatformsLesson.options.brokerConfig).find(
          (c) => c.key === 'session.timeout.ms',
        );
        if (wait)
          return {
            ok: false,
            hint: `Right move: a member is down. ${countdownText(wait, false)} The countdown under the time controls shows what is left. Then the group rebalances; press Check again once it is Stable.`,
          };
        if (group && group.state !== 'Stable')
          return { ok: false, hint: `The group is rebalancing (${group.state}): wait until it is Stable.` };
        return {
          ok: false,
          hint: 'c1 and c2 each still own a partition. Take one of them out of the group (crash it).',
        };
      },
      status: (s) => {
        const g = s.groups.find((x) => x.groupId === 'dashboard');
        return g
          ? `Group dashboard: ${g.state}; ${g.members.map((m) => `${m.clientId} owns ${m.assignment.map((a) => `${a.topic}-${a.partition}`).join(', ') || 'nothing'}`).join('; ')}.`
          : '';
      },
    },
    {
      id: 'map',
      kind: 'narrative',
      title: 'One map',
      body: [
        '**Topic** — Kinesis: stream · Pulsar: topic · Event Hubs: event hub.',
        '**Partition** — Kinesis: shard · Pulsar: partition of a partitioned topic, stored as BookKeeper ledgers · Event Hubs: partition.',
        '**Consumer group and committed offset** — Kinesis: your application keeps its own checkpoints (the Kinesis Client Library keeps them in a DynamoDB lease table) · Pulsar: a subscription and its cursor · Event Hubs: a consumer group and its checkpoints.',
        '**Where to start reading** — Kinesis: shard iterator types · Pulsar: the subscription’s initial position · Event Hubs: an event position (offset, sequence number or time).',
      ],
    },
  ],
};
