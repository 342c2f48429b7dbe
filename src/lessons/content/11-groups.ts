/**
 * Lesson 11 — Consumer groups: a group shares a topic's partitions among its members; a member
 * beyond the partition count sits idle; when a member dies the others take over its partitions;
 * eager rebalancing revokes everything, cooperative only what moves.
 */
import type { ClusterSnapshot, Command, GroupSnapshot } from '../../engine';
import type { Lesson } from '../lesson-types';
import { eventsOf, list } from '../facts';
import { terminalFindLag } from './terminal-steps';

const CONFIG = { 'session.timeout.ms': 6000, 'heartbeat.interval.ms': 1000, 'auto.offset.reset': 'earliest' };

function start(group: string, topic: string, names: string[], strategy?: string): Command[] {
  const config = strategy ? { ...CONFIG, 'partition.assignment.strategy': strategy } : CONFIG;
  return names.flatMap((consumer): Command[] => [
    { type: 'consumer.create', consumer, groupId: group, config },
    { type: 'consumer.subscribe', consumer, topics: [topic] },
  ]);
}

const groupOf = (s: ClusterSnapshot, id: string) => s.groups.find((g) => g.groupId === id);

/** Partitions per member (by client id), for members of a Stable group. */
function shares(g: GroupSnapshot | undefined, topic: string): Map<string, number[]> {
  const out = new Map<string, number[]>();
  for (const m of g?.members ?? [])
    out.set(
      m.clientId,
      m.assignment.filter((a) => a.topic === topic).map((a) => a.partition),
    );
  return out;
}

/** The group is Stable with exactly these member counts of `topic` partitions (in any order). */
function stableWith(s: ClusterSnapshot, id: string, topic: string, counts: number[]): boolean {
  const g = groupOf(s, id);
  if (!g || g.state !== 'Stable') return false;
  const got = [...shares(g, topic).values()].map((p) => p.length).sort((a, b) => a - b);
  return JSON.stringify(got) === JSON.stringify([...counts].sort((a, b) => a - b));
}

function describe(s: ClusterSnapshot, id: string, topic: string): string {
  const g = groupOf(s, id);
  if (!g) return `group ${id}: not started`;
  // Sorted by name: the group's own member order depends on who rejoined first.
  const parts = [...shares(g, topic)]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([c, p]) => `${c} ${[...p].sort((x, y) => x - y).join(',') || 'idle'}`);
  return `group ${id} (${g.state}): ${parts.join(' · ') || 'no members'}`;
}

export const groupsLesson: Lesson = {
  id: '11-groups',
  number: 11,
  title: 'Consumer groups',
  summary:
    'A group shares partitions among its members. Extra members idle; a crash hands work to the others; eager vs cooperative rebalancing.',
  seed: 11,
  options: { brokers: 3, brokerConfig: { 'offsets.topic.num.partitions': 3 } },
  setup: [
    { type: 'topic.create', topic: 'orders', partitions: 2, replicationFactor: 1 },
    { type: 'topic.create', topic: 'clicks', partitions: 12, replicationFactor: 1 },
  ],
  speed: 1,
  tools: ['consume'],
  steps: [
    {
      id: 'groups',
      kind: 'wait',
      moments: ['rebalance'],
      title: 'Sharing the work',
      body: [
        'A **consumer group** is a set of consumers that share the work of reading a topic: each partition goes to exactly one member of the group. Different groups read independently.',
        'Start group A with one consumer and group B with two, both on `orders` (2 partitions). Watch them join: the group coordinator collects the members, one of them computes the assignment, and everyone gets their share.',
      ],
      actions: [
        {
          id: 'start',
          label: 'Start groups A and B',
          commands: () => [...start('A', 'orders', ['a1']), ...start('B', 'orders', ['b1', 'b2'])],
        },
      ],
      fact: {
        waitingFor: 'Waiting for both groups to settle…',
        state: ({ snapshot }) =>
          stableWith(snapshot, 'A', 'orders', [2]) && stableWith(snapshot, 'B', 'orders', [1, 1]),
      },
      // Said, not only shown: a lone member reads every partition (learners missed it).
      outcome: ({ snapshot }) => {
        const parts = (id: string) =>
          [...shares(groupOf(snapshot, id), 'orders')]
            .sort(([a], [b]) => a.localeCompare(b))
            .map(([c, p]) => `${c} reads ${p.map((n) => `orders-${n}`).join(' and ') || 'nothing'}`);
        const [alone] = parts('A');
        return `Group A: ${alone ?? 'no member'}. A consumer alone in its group reads every partition of the topic. Group B: ${parts('B').join(', ')}: two members, one partition each. Both groups read all of orders, independently.`;
      },
      status: (s) => `${describe(s, 'A', 'orders')}. ${describe(s, 'B', 'orders')}.`,
    },
    {
      id: 'predict-idle',
      kind: 'predict',
      moments: ['rebalance'],
      title: 'One consumer too many',
      body: ['Group C starts three consumers on `orders`, which has only two partitions.'],
      question: 'What do the three consumers of group C get?',
      choices: [
        { id: 'idle', label: 'Two get one partition each; the third gets nothing' },
        { id: 'share', label: 'All three share both partitions' },
        { id: 'refused', label: 'The third consumer is refused by the group' },
      ],
      run: () => start('C', 'orders', ['c1', 'c2', 'c3']),
      until: {
        waitingFor: 'Waiting for group C to settle…',
        state: ({ snapshot }) =>
          stableWith(snapshot, 'C', 'orders', [0, 1, 1]) || stableWith(snapshot, 'C', 'orders', [2, 0, 0]),
      },
      reveal: ({ snapshot }) => {
        const idle = [...shares(groupOf(snapshot, 'C'), 'orders')]
          .filter(([, p]) => p.length === 0)
          .map(([c]) => c);
        return {
          text: `${describe(snapshot, 'C', 'orders')}. A partition is read by one member of a group, so a group never has more busy members than partitions: ${list(idle)} sits idle — a standby that takes over if another member fails.`,
          correct: idle.length === 1 ? 'idle' : 'share',
        };
      },
      status: (s) => describe(s, 'C', 'orders'),
    },
    {
      id: 'twelve',
      kind: 'wait',
      moments: ['rebalance'],
      title: 'Twelve partitions, three consumers',
      body: ['Group D: three consumers on `clicks`, which has 12 partitions. They use the `range` assignor.'],
      actions: [
        {
          id: 'start',
          label: 'Start group D',
          commands: () => start('D', 'clicks', ['d1', 'd2', 'd3'], 'range'),
        },
      ],
      fact: {
        waitingFor: 'Waiting for group D to settle…',
        state: ({ snapshot }) => stableWith(snapshot, 'D', 'clicks', [4, 4, 4]),
      },
      status: (s) => describe(s, 'D', 'clicks'),
    },
    {
      id: 'predict-crash',
      kind: 'predict',
      moments: ['rebalance'],
      title: 'A member dies',
      body: [
        'd3 crashes without saying goodbye. The coordinator notices when d3’s heartbeats stop for `session.timeout.ms` (6 s here), and starts a **rebalance**.',
      ],
      question: 'What do d1 and d2 have afterwards?',
      choices: [
        { id: 'four', label: '4 each: d3’s partitions wait for d3 to come back' },
        { id: 'six', label: '6 each: they split d3’s partitions' },
        { id: 'all', label: 'One of them takes all 8 of the others' },
      ],
      run: () => [{ type: 'consumer.crash', consumer: 'd3' }],
      until: {
        waitingFor: 'Waiting for the coordinator to notice and rebalance…',
        state: ({ snapshot }) => {
          const g = groupOf(snapshot, 'D');
          return !!g && g.state === 'Stable' && g.members.length === 2;
        },
      },
      reveal: ({ snapshot, stepEvents }) => {
        const counts = [...shares(groupOf(snapshot, 'D'), 'clicks').values()].map((p) => p.length);
        const revoked = eventsOf(stepEvents, 'consumer.revoked').filter((e) => e.groupId === 'D');
        const removed = eventsOf(stepEvents, 'group.memberRemoved').find((e) => e.groupId === 'D');
        return {
          text:
            `${describe(snapshot, 'D', 'clicks')}.` +
            (removed ? ` The coordinator removed d3 (${removed.reason}).` : '') +
            (revoked.length > 0
              ? ` With an eager assignor like range, every member first gave up all its partitions (${list(revoked.map((e) => `${e.consumer} revoked ${e.partitions.length}`))}) and then received its new share: for a moment nobody read anything.`
              : ''),
          correct:
            counts.length === 2 && counts.every((n) => n === 6)
              ? 'six'
              : counts.every((n) => n === 4)
                ? 'four'
                : 'all',
        };
      },
      status: (s) => describe(s, 'D', 'clicks'),
    },
    {
      id: 'cooperative',
      kind: 'wait',
      moments: ['rebalance'],
      title: 'Cooperative rebalancing',
      body: [
        'Stopping everyone at every rebalance is costly on a big group. The **cooperative-sticky** assignor keeps partitions where they are and only revokes the ones that must move, over two short rounds; the rest keep being read.',
        'Start group E with two cooperative consumers on `clicks`.',
      ],
      actions: [
        {
          id: 'start',
          label: 'Start group E (cooperative-sticky)',
          commands: () => start('E', 'clicks', ['e1', 'e2'], 'cooperative-sticky'),
        },
      ],
      fact: {
        waitingFor: 'Waiting for group E to settle…',
        state: ({ snapshot }) => stableWith(snapshot, 'E', 'clicks', [6, 6]),
      },
      status: (s) => describe(s, 'E', 'clicks'),
    },
    {
      id: 'predict-coop',
      kind: 'predict',
      moments: ['rebalance'],
      title: 'A third member joins E',
      body: ['e3 joins group E.'],
      question: 'What do e1 and e2 give up?',
      choices: [
        { id: 'all', label: 'All their partitions, then they get new ones' },
        { id: 'moved', label: 'Only the partitions that move to e3' },
        { id: 'none', label: 'Nothing: e3 waits until someone leaves' },
      ],
      run: () => start('E', 'clicks', ['e3'], 'cooperative-sticky'),
      until: {
        waitingFor: 'Waiting for group E to settle with three members…',
        state: ({ snapshot }) => stableWith(snapshot, 'E', 'clicks', [4, 4, 4]),
      },
      reveal: ({ snapshot, stepEvents }) => {
        const revoked = eventsOf(stepEvents, 'consumer.revoked').filter((e) => e.groupId === 'E');
        const total = revoked.reduce((n, e) => n + e.partitions.length, 0);
        return {
          text:
            `${describe(snapshot, 'E', 'clicks')}. ` +
            (total > 0
              ? `e1 and e2 revoked ${total} partitions in all (${list(revoked.map((e) => `${e.consumer}: ${e.partitions.map((p) => p.partition).join(',')}`))}) — exactly the ones e3 now reads — and kept reading the other ${12 - total} throughout.`
              : 'Nobody had to give anything up.'),
          correct: total === 4 ? 'moved' : total >= 12 ? 'all' : total === 0 ? 'none' : 'moved',
        };
      },
      status: (s) => describe(s, 'E', 'clicks'),
    },
    {
      id: 'challenge-three',
      kind: 'challenge',
      title: 'Three each',
      body: ['Use the **Consume** tab: pick the topic `clicks`, a new group name, and add consumers.'],
      goal: 'Build a group in which every member reads exactly 3 partitions of `clicks`, and all 12 are read.',
      tools: ['consume'],
      check: ({ snapshot }) => {
        const candidates = snapshot.groups.filter((g) => !['A', 'B', 'C', 'D', 'E'].includes(g.groupId));
        for (const g of candidates) {
          const counts = [...shares(g, 'clicks').values()].map((p) => p.length);
          if (g.state === 'Stable' && counts.length === 4 && counts.every((n) => n === 3))
            return { ok: true, message: `Group ${g.groupId}: 4 members × 3 partitions = all 12 of clicks.` };
        }
        const g = candidates.find((c) => shares(c, 'clicks').size > 0) ?? candidates[0];
        if (!g) return { ok: false, hint: 'Start a new group on clicks in the Consume tab (not A–E).' };
        const counts = [...shares(g, 'clicks').values()].map((p) => p.length);
        if (g.state !== 'Stable')
          return {
            ok: false,
            hint: `Group ${g.groupId} is still rebalancing (${g.state}). Wait for it to settle, then check again.`,
          };
        return {
          ok: false,
          hint: `Group ${g.groupId} has ${counts.length} member(s) reading ${counts.join(', ') || 'no'} partitions of clicks. 12 partitions at 3 each needs 12 ÷ 3 = 4 members.`,
        };
      },
      status: (s) =>
        s.groups
          .filter((g) => !['A', 'B', 'C', 'D', 'E'].includes(g.groupId))
          .map((g) => describe(s, g.groupId, 'clicks'))
          .join(' · ') || 'No group of yours yet.',
    },
    terminalFindLag,
    {
      id: 'compare-rebalance',
      kind: 'narrative',
      title: 'Side by side: eager against cooperative',
      body: [
        'Two runs from the same seed and the same commands: two members read six partitions, then a third joins. Only `partition.assignment.strategy` differs: `range` (eager) or `cooperative-sticky`.',
        'Open the comparison: each run’s JoinGroup and SyncGroup rounds on a space-time diagram, how many partitions were taken from their readers, and which members gave up everything they had.',
      ],
      compare: 'rebalance',
    },
  ],
};
