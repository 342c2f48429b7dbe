/**
 * "Try it in the terminal" steps: the same goals as the lessons' buttons, reached by typing Kafka's
 * own commands in the terminal (docs/cli.md). Each is checked against the cluster's state, so any
 * command that gets there passes, and a near miss gets a hint naming the command to try.
 */
import type { ClusterSnapshot } from '../../engine';
import type { ChallengeStep, PredictStep } from '../lesson-types';
import { leaderReplica } from '../facts';

const B = '--bootstrap-server broker-1:9092';

/** Lesson 5: create a topic with the right settings. */
export const terminalCreateTopic: ChallengeStep = {
  id: 'terminal-topic',
  kind: 'challenge',
  title: 'Try it in the terminal',
  body: [
    'Engineers create topics with Kafka’s own tools. Open the **Terminal** (the button above the cluster) and type what you would type on a real cluster:',
    `\`kafka-topics.sh ${B} --create --topic invoices --partitions 3 --replication-factor 3 --config min.insync.replicas=2\``,
    `Then \`kafka-topics.sh ${B} --describe --topic invoices\` shows where each partition’s replicas live. Click a partition line to find it in the cluster.`,
  ],
  goal: 'Create `invoices` with 3 partitions, replication factor 3 and `min.insync.replicas=2`.',
  check: ({ snapshot }) => {
    const t = snapshot.topics.find((x) => x.name === 'invoices');
    if (!t)
      return {
        ok: false,
        hint: 'There is no topic invoices yet: run kafka-topics.sh --create in the terminal.',
      };
    if (t.partitions.length !== 3)
      return {
        ok: false,
        hint: `invoices has ${t.partitions.length} partition(s): delete it (--delete) and create it with --partitions 3.`,
      };
    const rf = t.partitions[0]?.replicas.length ?? 0;
    if (rf !== 3)
      return {
        ok: false,
        hint: `invoices keeps ${rf} replica(s) of each partition: create it with --replication-factor 3.`,
      };
    if (String(t.config['min.insync.replicas'] ?? '') !== '2')
      return {
        ok: false,
        hint: 'invoices has no min.insync.replicas=2 override: add --config min.insync.replicas=2.',
      };
    return {
      ok: true,
      message: 'invoices: 3 partitions, 3 replicas each, and writes with acks=all need 2 in sync.',
    };
  },
};

const lagOf = (s: ClusterSnapshot, group: string, topic: string, partition: number): number | null => {
  const committed = s.groups
    .find((g) => g.groupId === group)
    ?.offsets.find((o) => o.topic === topic && o.partition === partition);
  const end = leaderReplica(s, topic, partition)?.highWatermark;
  return committed === undefined || end === undefined ? null : end - committed.offset;
};

/** Lesson 11: read the lag of a slow group with kafka-consumer-groups --describe. */
export const terminalFindLag: PredictStep = {
  id: 'terminal-lag',
  kind: 'predict',
  title: 'Find the lagging partition',
  body: [
    'A slow billing job (group `billing`, 2 s per record) reads `orders` while a shop writes to it, mostly to one partition. How far behind is it? Kafka answers that with one command. Open the **Terminal** and type:',
    `\`kafka-consumer-groups.sh ${B} --describe --group billing\``,
    'LAG is LOG-END-OFFSET − CURRENT-OFFSET: records written but not yet committed by the group. Play the simulation and run it again to watch it change; click a row to see its partition.',
  ],
  onEnter: () => [
    { type: 'producer.create', producer: 'shop' },
    {
      type: 'consumer.create',
      consumer: 'billing-1',
      groupId: 'billing',
      config: {
        'auto.offset.reset': 'earliest',
        'processing.ms.per.record': 2000,
        'max.poll.records': 1,
        'auto.commit.interval.ms': 1000,
      },
    },
    { type: 'consumer.subscribe', consumer: 'billing-1', topics: ['orders'] },
    ...Array.from({ length: 12 }, (_, i) => ({
      type: 'producer.send' as const,
      producer: 'shop',
      topic: 'orders',
      key: null,
      value: `order-${i + 1}`,
      partition: i % 6 === 0 ? 0 : 1,
    })),
  ],
  question: 'Which partition of orders is group billing furthest behind on?',
  choices: [
    { id: 'p0', label: 'orders-0' },
    { id: 'p1', label: 'orders-1' },
    { id: 'none', label: 'Neither: a group is never behind' },
  ],
  until: {
    waitingFor: 'Waiting for billing to commit its first offsets…',
    state: ({ snapshot }) => [0, 1].every((p) => lagOf(snapshot, 'billing', 'orders', p) !== null),
  },
  reveal: ({ snapshot }) => {
    const lags = [0, 1].map((p) => lagOf(snapshot, 'billing', 'orders', p) ?? 0);
    const worst = lags[1]! > lags[0]! ? 1 : lags[0]! > lags[1]! ? 0 : null;
    return {
      text:
        `Right now billing’s lag is ${lags[0]} on orders-0 and ${lags[1]} on orders-1. ` +
        'Lag grows where records arrive faster than the group commits them; more members (up to one per partition) share the work.',
      ...(worst === null ? {} : { correct: `p${worst}` }),
    };
  },
};

/** Lesson 13: reset a group's offsets to replay. */
export const terminalResetOffsets: ChallengeStep = {
  id: 'terminal-reset',
  kind: 'challenge',
  title: 'Replay with kafka-consumer-groups',
  body: [
    'On a real cluster you rewind a group with one command, while the group is stopped. The lesson stops `reports` now. Open the **Terminal** and look first (a dry run changes nothing):',
    `\`kafka-consumer-groups.sh ${B} --reset-offsets --group reports --topic payments --to-earliest --dry-run\``,
    'Then run it with `--execute` instead of `--dry-run`, and `--describe --group reports` to see its new lag: every payment still kept, ready to be read again.',
  ],
  onEnter: () => [{ type: 'consumer.close', consumer: 'reports' }],
  goal: 'Reset group `reports` to the earliest payment still kept.',
  check: ({ snapshot }) => {
    const g = snapshot.groups.find((x) => x.groupId === 'reports');
    const committed = g?.offsets.find((o) => o.topic === 'payments' && o.partition === 0)?.offset;
    const start = leaderReplica(snapshot, 'payments', 0)?.logStartOffset ?? 0;
    if (g && g.state !== 'Empty')
      return {
        ok: false,
        hint: `reports is ${g.state}: a group’s offsets can only be reset while it has no members.`,
      };
    if (committed !== start)
      return {
        ok: false,
        hint: `reports’ committed offset is ${committed ?? 'none'}; the earliest payment kept is at ${start}. A --dry-run only shows the plan: use --execute.`,
      };
    return {
      ok: true,
      message: `reports will start again at offset ${start}, the oldest payment still kept.`,
    };
  },
};
