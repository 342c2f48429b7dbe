import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EngineError } from '../../errors';
import { tpKey } from './topic-partitions';
import {
  assignPartitions,
  cooperativeStickyRound,
  isAssignmentStrategy,
  type AssignmentStrategy,
  type AssignorMember,
  type GroupAssignment,
  type TopicPartition,
} from './index';

describe('assignPartitions input checks', () => {
  const one = [{ memberId: 'a', topics: ['t'] }];

  it('rejects an unknown strategy with INVALID_COMMAND', () => {
    expect(() => assignPartitions('fair' as AssignmentStrategy, { t: 1 }, one)).toThrowError(
      expect.objectContaining({ code: 'INVALID_COMMAND' }) as Error,
    );
    expect(isAssignmentStrategy('cooperative-sticky')).toBe(true);
    expect(isAssignmentStrategy('CooperativeStickyAssignor')).toBe(false);
  });

  it.each<[string, Record<string, number>, unknown[]]>([
    ['a negative partition count', { t: -1 }, one],
    ['a fractional partition count', { t: 1.5 }, one],
    ['a member without an id', { t: 1 }, [{ topics: ['t'] }]],
    ['a duplicate member id', { t: 1 }, [...one, ...one]],
    ['topics that are not strings', { t: 1 }, [{ memberId: 'a', topics: [1] }]],
    [
      'an owned partition with a bad number',
      { t: 1 },
      [{ memberId: 'a', topics: ['t'], ownedPartitions: [{ topic: 't', partition: -1 }] }],
    ],
    ['a fractional generation', { t: 1 }, [{ memberId: 'a', topics: ['t'], generation: 1.5 }]],
  ])('rejects %s', (_what, counts, members) => {
    for (const strategy of ['range', 'roundrobin', 'sticky', 'cooperative-sticky'] as const) {
      expect(() => assignPartitions(strategy, counts, members as AssignorMember[])).toThrow(EngineError);
    }
  });

  it('returns an empty assignment for an empty group', () => {
    expect(assignPartitions('sticky', { t: 3 }, [])).toEqual({});
    expect(cooperativeStickyRound({ t: 3 }, [])).toEqual({ assignment: {}, transfers: [] });
  });

  it('lists members in the caller’s order and does not mutate the input', () => {
    const members = [
      { memberId: 'zed', topics: ['t'], ownedPartitions: [{ topic: 't', partition: 1 }], generation: 2 },
      { memberId: 'amy', topics: ['t'] },
    ];
    const copy = structuredClone(members);
    for (const strategy of ['range', 'roundrobin', 'sticky', 'cooperative-sticky'] as const) {
      expect(Object.keys(assignPartitions(strategy, { t: 2 }, members))).toEqual(['zed', 'amy']);
    }
    expect(members).toEqual(copy);
  });
});

// ---- properties ------------------------------------------------------------------------------

const TOPICS = ['t0', 't1', 't2', 'orders', 'a.b'];

interface Group {
  counts: Record<string, number>;
  members: AssignorMember[];
}

/** Topics with 0..7 partitions and 1..7 members subscribed to random non-empty subsets. */
const groupArb = (equalSubscriptions: boolean): fc.Arbitrary<Group> =>
  fc
    .record({
      counts: fc.dictionary(fc.constantFrom(...TOPICS), fc.integer({ min: 0, max: 7 }), { minKeys: 1 }),
      ids: fc.uniqueArray(fc.constantFrom('c1', 'c2', 'c3', 'consumer-1', 'consumer4', 'C0', 'x', 'm9'), {
        minLength: 1,
        maxLength: 7,
      }),
      shared: fc.subarray(TOPICS, { minLength: 1 }),
      own: fc.array(fc.subarray(TOPICS, { minLength: 1 }), { minLength: 7, maxLength: 7 }),
      statics: fc.array(fc.boolean(), { minLength: 7, maxLength: 7 }),
    })
    .map(({ counts, ids, shared, own, statics }) => ({
      counts,
      members: ids.map((memberId, i) => ({
        memberId,
        ...(statics[i] ? { groupInstanceId: `instance-${(i * 7) % 5}-${memberId}` } : {}),
        topics: equalSubscriptions ? shared : own[i]!,
      })),
    }));

/** Adds previous ownership: a random earlier owner per partition, sometimes claimed twice, with generations. */
const withOwnership = (g: Group): fc.Arbitrary<Group> => {
  const all = Object.entries(g.counts).flatMap(([topic, n]) =>
    Array.from({ length: n }, (_, partition) => ({ topic, partition })),
  );
  return fc
    .record({
      owners: fc.array(fc.integer({ min: -1, max: g.members.length - 1 }), {
        minLength: all.length,
        maxLength: all.length,
      }),
      second: fc.array(fc.integer({ min: -4, max: g.members.length - 1 }), {
        minLength: all.length,
        maxLength: all.length,
      }),
      generations: fc.array(fc.option(fc.integer({ min: 1, max: 3 }), { nil: undefined }), {
        minLength: g.members.length,
        maxLength: g.members.length,
      }),
    })
    .map(({ owners, second, generations }) => ({
      counts: g.counts,
      members: g.members.map((m, i) => ({
        ...m,
        ownedPartitions: all.filter((_, p) => owners[p] === i || second[p] === i),
        ...(generations[i] === undefined ? {} : { generation: generations[i] }),
      })),
    }));
};

/** Every partition of a topic someone subscribes to goes to exactly one member that subscribes to it. */
function expectValid(g: Group, assignment: GroupAssignment): void {
  const holders = new Map<string, string[]>();
  for (const [member, list] of Object.entries(assignment)) {
    const topics = g.members.find((m) => m.memberId === member)!.topics;
    for (const tp of list) {
      expect(topics).toContain(tp.topic);
      holders.set(tpKey(tp), [...(holders.get(tpKey(tp)) ?? []), member]);
    }
  }
  const subscribed = new Set(g.members.flatMap((m) => m.topics));
  for (const [topic, n] of Object.entries(g.counts)) {
    for (let partition = 0; partition < n; partition++) {
      const who = holders.get(tpKey({ topic, partition })) ?? [];
      expect(who).toHaveLength(subscribed.has(topic) ? 1 : 0);
    }
  }
  expect(Object.keys(assignment).sort()).toEqual(g.members.map((m) => m.memberId).sort());
}

function spread(counts: number[]): number {
  return counts.length === 0 ? 0 : Math.max(...counts) - Math.min(...counts);
}

/**
 * Kafka's verifyValidityAndBalance: fully balanced, or no member could take a partition it subscribes
 * to from a member holding two or more partitions more.
 */
function expectStickyBalanced(g: Group, assignment: GroupAssignment): void {
  const size = (m: string) => assignment[m]!.length;
  if (spread(Object.values(assignment).map((l) => l.length)) <= 1) return;
  const ownerOf = new Map<string, string>();
  for (const [m, list] of Object.entries(assignment)) for (const tp of list) ownerOf.set(tpKey(tp), m);
  for (const m of g.members) {
    for (const topic of m.topics) {
      for (let partition = 0; partition < (g.counts[topic] ?? 0); partition++) {
        const other = ownerOf.get(tpKey({ topic, partition }))!;
        expect(
          size(m.memberId) + 1 < size(other),
          `${m.memberId} could take ${topic}-${partition} from ${other}`,
        ).toBe(false);
      }
    }
  }
}

/** Runs cooperative rounds until nothing is in transit; returns the settled assignment. */
function settleCooperative(g: Group, maxRounds: number): GroupAssignment {
  let members = g.members;
  for (let round = 1; round <= maxRounds; round++) {
    const { assignment, transfers } = cooperativeStickyRound(g.counts, members);
    const inTransit: GroupAssignment = structuredClone(assignment);
    for (const t of transfers) inTransit[t.to]!.push({ topic: t.topic, partition: t.partition });
    expectValid(g, inTransit);
    if (transfers.length === 0) return assignment;
    members = members.map((m) => ({
      ...m,
      ownedPartitions: assignment[m.memberId]!,
      generation: (m.generation ?? 0) + 1,
    }));
  }
  throw new Error(`cooperative rebalance did not settle in ${maxRounds} rounds`);
}

const perTopicCounts = (g: Group, a: GroupAssignment, topic: string) =>
  g.members.map((m) => a[m.memberId]!.filter((tp: TopicPartition) => tp.topic === topic).length);

describe('assignor properties', () => {
  const runs = { numRuns: 300 };

  it('range and round-robin assign every subscribed partition once, to a subscriber', () => {
    fc.assert(
      fc.property(groupArb(false), (g) => {
        expectValid(g, assignPartitions('range', g.counts, g.members));
        expectValid(g, assignPartitions('roundrobin', g.counts, g.members));
      }),
      runs,
    );
  });

  it('range balances each topic within one partition when subscriptions are equal', () => {
    fc.assert(
      fc.property(groupArb(true), (g) => {
        const a = assignPartitions('range', g.counts, g.members);
        for (const topic of g.members[0]!.topics)
          expect(spread(perTopicCounts(g, a, topic))).toBeLessThanOrEqual(1);
      }),
      runs,
    );
  });

  it('round-robin balances members within one partition when subscriptions are equal', () => {
    fc.assert(
      fc.property(groupArb(true), (g) => {
        const a = assignPartitions('roundrobin', g.counts, g.members);
        expect(spread(Object.values(a).map((l) => l.length))).toBeLessThanOrEqual(1);
      }),
      runs,
    );
  });

  it('sticky assigns every subscribed partition once and balances equal subscriptions within one', () => {
    fc.assert(
      fc.property(groupArb(true).chain(withOwnership), (g) => {
        const a = assignPartitions('sticky', g.counts, g.members);
        expectValid(g, a);
        expect(spread(Object.values(a).map((l) => l.length))).toBeLessThanOrEqual(1);
      }),
      runs,
    );
  });

  it('sticky stays valid and Kafka-balanced with different subscriptions and previous owners', () => {
    fc.assert(
      fc.property(groupArb(false).chain(withOwnership), (g) => {
        const a = assignPartitions('sticky', g.counts, g.members);
        expectValid(g, a);
        expectStickyBalanced(g, a);
      }),
      runs,
    );
  });

  it('sticky keeps everything a member owned when nothing forces a move', () => {
    fc.assert(
      fc.property(groupArb(true), (g) => {
        const first = assignPartitions('sticky', g.counts, g.members);
        const again = g.members.map((m) => ({ ...m, ownedPartitions: first[m.memberId]!, generation: 1 }));
        const second = assignPartitions('sticky', g.counts, again);
        for (const m of g.members)
          expect([...second[m.memberId]!].sort(byKey)).toEqual([...first[m.memberId]!].sort(byKey));
      }),
      runs,
    );
  });

  it('cooperative-sticky never hands out a partition still owned elsewhere, and settles balanced', () => {
    fc.assert(
      fc.property(groupArb(true).chain(withOwnership), (g) => {
        const disjoint = dropDoubleClaims(g);
        const round = cooperativeStickyRound(disjoint.counts, disjoint.members);
        for (const [member, list] of Object.entries(round.assignment)) {
          for (const tp of list) {
            const others = disjoint.members.filter(
              (m) => m.memberId !== member && m.ownedPartitions!.some((o) => tpKey(o) === tpKey(tp)),
            );
            expect(others).toEqual([]);
          }
        }
        const settled = settleCooperative(disjoint, 4);
        expectValid(disjoint, settled);
        expect(spread(Object.values(settled).map((l) => l.length))).toBeLessThanOrEqual(1);
      }),
      runs,
    );
  });

  it('cooperative-sticky settles to a valid assignment with different subscriptions', () => {
    fc.assert(
      fc.property(groupArb(false).chain(withOwnership), (g) => {
        expectValid(g, settleCooperative(dropDoubleClaims(g), 4));
      }),
      runs,
    );
  });
});

const byKey = (a: TopicPartition, b: TopicPartition) => (tpKey(a) < tpKey(b) ? -1 : 1);

/** Keeps only the first claim on each partition: the ownership a real group would report. */
function dropDoubleClaims(g: Group): Group {
  const seen = new Set<string>();
  return {
    counts: g.counts,
    members: g.members.map((m) => ({
      ...m,
      ownedPartitions: (m.ownedPartitions ?? []).filter(
        (tp) => !seen.has(tpKey(tp)) && !!seen.add(tpKey(tp)),
      ),
    })),
  };
}
