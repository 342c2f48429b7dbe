import { describe, expect, it } from 'vitest';
import { named, namedSorted, tps } from './fixtures';
import { assignPartitions, cooperativeStickyRound } from './index';
import type { AssignorMember, GroupAssignment } from './types';

/** The next JoinGroup: every member reports what it holds now, one generation later. */
function rejoin(members: AssignorMember[], assignment: GroupAssignment): AssignorMember[] {
  return members.map((m) => ({
    ...m,
    ownedPartitions: assignment[m.memberId] ?? [],
    generation: (m.generation ?? 0) + 1,
  }));
}

describe('cooperative-sticky assignor, round by round (reference §2.3, §2.4)', () => {
  it('#21 revokes first and assigns in the follow-up rebalance when consumer2 joins', () => {
    const round1Members: AssignorMember[] = [
      {
        memberId: 'consumer1',
        topics: ['topic'],
        ownedPartitions: tps('topic-0, topic-1, topic-2'),
        generation: 1,
      },
      { memberId: 'consumer2', topics: ['topic'], ownedPartitions: [], generation: 1 },
    ];
    const round1 = cooperativeStickyRound({ topic: 3 }, round1Members);
    expect(named(round1.assignment)).toEqual({ consumer1: ['topic-0', 'topic-1'], consumer2: [] });
    expect(round1.transfers).toEqual([
      { topic: 'topic', partition: 2, from: ['consumer1'], to: 'consumer2' },
    ]);

    const round2 = cooperativeStickyRound({ topic: 3 }, rejoin(round1Members, round1.assignment));
    expect(named(round2.assignment)).toEqual({ consumer1: ['topic-0', 'topic-1'], consumer2: ['topic-2'] });
    expect(round2.transfers).toEqual([]);
  });

  it('#22 holds back the moving partition for one round, then hands it over', () => {
    const o = ['orders'];
    const round1Members: AssignorMember[] = [
      { memberId: 'consumer-1', topics: o, ownedPartitions: tps('orders-0, orders-3'), generation: 1 },
      { memberId: 'consumer-2', topics: o, ownedPartitions: tps('orders-1, orders-4'), generation: 1 },
      { memberId: 'consumer-3', topics: o, ownedPartitions: tps('orders-2, orders-5'), generation: 1 },
      { memberId: 'consumer-4', topics: o, generation: 1 },
    ];
    const round1 = cooperativeStickyRound({ orders: 6 }, round1Members);
    expect(named(round1.assignment)).toEqual({
      'consumer-1': ['orders-0'],
      'consumer-2': ['orders-1', 'orders-4'],
      'consumer-3': ['orders-2', 'orders-5'],
      'consumer-4': [],
    });
    expect(round1.transfers).toEqual([
      { topic: 'orders', partition: 3, from: ['consumer-1'], to: 'consumer-4' },
    ]);
    expect(assignPartitions('cooperative-sticky', { orders: 6 }, round1Members)).toEqual(round1.assignment);

    const round2 = cooperativeStickyRound({ orders: 6 }, rejoin(round1Members, round1.assignment));
    expect(named(round2.assignment)).toEqual({
      'consumer-1': ['orders-0'],
      'consumer-2': ['orders-1', 'orders-4'],
      'consumer-3': ['orders-2', 'orders-5'],
      'consumer-4': ['orders-3'],
    });
    expect(round2.transfers).toEqual([]);
  });

  it('holds back a partition claimed twice in one generation, naming both claimants', () => {
    const round = cooperativeStickyRound({ topic: 3 }, [
      { memberId: 'consumer1', topics: ['topic'], ownedPartitions: tps('topic-0, topic-1'), generation: 1 },
      { memberId: 'consumer2', topics: ['topic'], ownedPartitions: tps('topic-0, topic-2'), generation: 1 },
      { memberId: 'consumer3', topics: ['topic'], ownedPartitions: [], generation: 1 },
    ]);
    expect(named(round.assignment)).toEqual({
      consumer1: ['topic-1'],
      consumer2: ['topic-2'],
      consumer3: [],
    });
    expect(round.transfers).toEqual([
      { topic: 'topic', partition: 0, from: ['consumer1', 'consumer2'], to: 'consumer3' },
    ]);
  });

  it('computes transfers as added ∩ revoked on the general path (testRackAwareAssignmentWithNonEqualSubscription)', () => {
    const all = ['t1', 't2', 't3'];
    const subscriptions = [all, all, ['t1', 't3']];
    const counts = { t1: 6, t2: 7, t3: 2 };
    const members = (owned: string[]) =>
      subscriptions.map((topics, i) => ({
        memberId: `consumer${i}`,
        topics,
        ownedPartitions: tps(owned[i]!),
      }));

    const owned = [
      't1-0, t1-1, t1-2, t1-3, t1-4',
      't1-5, t2-0, t2-1, t2-2, t2-3',
      't2-4, t2-5, t2-6, t3-0, t3-1',
    ];
    const intermediate = ['t1-2, t1-3, t1-4', 't2-0, t2-1, t2-2, t2-3', 't3-0, t3-1'];
    const final = [
      't1-2, t1-3, t1-4, t2-4, t2-5',
      't2-0, t2-1, t2-2, t2-3, t2-6',
      't1-0, t1-1, t1-5, t3-0, t3-1',
    ];
    const asNames = (specs: string[]) =>
      Object.fromEntries(
        specs.map((s, i) => [`consumer${i}`, tps(s).map((tp) => `${tp.topic}-${tp.partition}`)]),
      );

    const round1 = cooperativeStickyRound(counts, members(owned));
    expect(namedSorted(round1.assignment)).toEqual(asNames(intermediate));
    const round2 = cooperativeStickyRound(counts, members(intermediate));
    expect(namedSorted(round2.assignment)).toEqual(asNames(final));
    expect(round2.transfers).toEqual([]);
  });
});
