import { describe, expect, it } from 'vitest';
import { named, namedSorted, tpNames, tps } from './fixtures';
import { assignPartitions } from './index';
import { prepareInput } from './input';
import { stickyAssignDetailed } from './sticky';
import type { AssignorMember } from './types';

const sticky = assignPartitions.bind(null, 'sticky');

/** A member that owned `owned` ("t1-0, t2-1") in `generation`. */
function owner(memberId: string, topics: string[], owned: string, generation = 1): AssignorMember {
  return { memberId, topics, ownedPartitions: tps(owned), generation };
}

/** Partition → new owner, as Kafka's partitionsTransferringOwnership. */
function transferring(partitionsPerTopic: Record<string, number>, members: AssignorMember[]) {
  const t = stickyAssignDetailed(prepareInput(partitionsPerTopic, members)).transferring;
  return t === null ? null : Object.fromEntries([...t.values()].map(({ tp, to }) => [tpNames([tp])[0], to]));
}

describe('sticky assignor, identical subscriptions (reference §2.3, §2.4)', () => {
  it('#12 deals a fresh group round-robin', () => {
    const a = sticky({ t1: 3, t2: 3 }, [
      { memberId: 'c1', topics: ['t1', 't2'] },
      { memberId: 'c2', topics: ['t1', 't2'] },
    ]);
    expect(named(a)).toEqual({ c1: ['t1-0', 't1-2', 't2-1'], c2: ['t1-1', 't2-0', 't2-2'] });
  });

  const t0to3 = ['t0', 't1', 't2', 't3'];
  const eight = { t0: 2, t1: 2, t2: 2, t3: 2 };

  it('#13 reproduces the javadoc example for a fresh group', () => {
    const a = sticky(
      eight,
      ['C0', 'C1', 'C2'].map((memberId) => ({ memberId, topics: t0to3 })),
    );
    expect(named(a)).toEqual({
      C0: ['t0-0', 't1-1', 't3-0'],
      C1: ['t0-1', 't2-0', 't3-1'],
      C2: ['t1-0', 't2-1'],
    });
  });

  it('#14 keeps every surviving member’s partitions when C1 leaves (not the stale javadoc answer)', () => {
    const a = sticky(eight, [owner('C0', t0to3, 't0-0, t1-1, t3-0'), owner('C2', t0to3, 't1-0, t2-1')]);
    // The reference lists C0's partitions as a set; Kafka lists kept ones by partition number first.
    expect(namedSorted(a)).toEqual({
      C0: ['t0-0', 't0-1', 't1-1', 't3-0'],
      C2: ['t1-0', 't2-0', 't2-1', 't3-1'],
    });
    expect(named(a)['C2']).toEqual(['t1-0', 't2-1', 't2-0', 't3-1']);
  });

  const both = ['t1', 't2'];

  it('#15 gives the odd partition to the first member', () => {
    const a = sticky({ t1: 3, t2: 4 }, [
      { memberId: 'consumer1', topics: both },
      { memberId: 'consumer2', topics: both },
    ]);
    expect(named(a)).toEqual({
      consumer1: ['t1-0', 't1-2', 't2-1', 't2-3'],
      consumer2: ['t1-1', 't2-0', 't2-2'],
    });
  });

  const afterJoin = [
    owner('consumer1', both, 't1-0, t1-2, t2-1, t2-3'),
    owner('consumer2', both, 't1-1, t2-0, t2-2'),
    owner('consumer3', both, ''),
    owner('consumer4', both, ''),
  ];

  it('#16 moves only what the two new members need, lowest partition numbers staying put', () => {
    expect(named(sticky({ t1: 3, t2: 4 }, afterJoin))).toEqual({
      consumer1: ['t1-0', 't2-1'],
      consumer2: ['t2-0', 't1-1'],
      consumer3: ['t1-2', 't2-3'],
      consumer4: ['t2-2'],
    });
    expect(transferring({ t1: 3, t2: 4 }, afterJoin)).toEqual({
      't1-2': 'consumer3',
      't2-3': 'consumer3',
      't2-2': 'consumer4',
    });
  });

  it('#16, then two members leave: the survivors keep theirs and share the rest (AbstractStickyAssignorTest)', () => {
    const a = sticky({ t1: 3, t2: 4 }, [
      owner('consumer3', both, 't1-2, t2-3'),
      owner('consumer4', both, 't2-2'),
    ]);
    expect(named(a)).toEqual({
      consumer3: ['t1-2', 't2-3', 't1-0', 't2-1'],
      consumer4: ['t2-2', 't1-1', 't2-0'],
    });
  });

  it('#17 lets Java HashMap order decide who keeps maxQuota', () => {
    const members = [
      owner('consumer1', both, 't1-0, t2-0'),
      owner('consumer2', both, 't1-1, t2-1'),
      owner('consumer3', both, ''),
    ];
    expect(named(sticky({ t1: 2, t2: 2 }, members))).toEqual({
      consumer1: ['t1-0'],
      consumer2: ['t1-1', 't2-1'],
      consumer3: ['t2-0'],
    });
    expect(transferring({ t1: 2, t2: 2 }, members)).toEqual({ 't2-0': 'consumer3' });
  });

  it('#18 tops up a member that owned minQuota to maxQuota', () => {
    const members = [owner('consumer1', both, 't1-0, t2-1'), owner('consumer2', both, 't1-1, t2-2')];
    expect(named(sticky({ t1: 2, t2: 3 }, members))).toEqual({
      consumer1: ['t1-0', 't2-1', 't2-0'],
      consumer2: ['t1-1', 't2-2'],
    });
    expect(transferring({ t1: 2, t2: 3 }, members)).toEqual({});
  });

  it('#19 fills members under minQuota first, then the first ones up to maxQuota', () => {
    const members = [
      owner('consumer1', both, 't1-0'),
      owner('consumer2', both, 't1-1'),
      owner('consumer3', both, ''),
    ];
    expect(named(sticky({ t1: 2, t2: 3 }, members))).toEqual({
      consumer1: ['t1-0', 't2-1'],
      consumer2: ['t1-1', 't2-2'],
      consumer3: ['t2-0'],
    });
    expect(transferring({ t1: 2, t2: 3 }, members)).toEqual({});
  });

  it('#20 deals a fresh group with three topics round-robin', () => {
    const all = ['t1', 't2', 't3'];
    const a = sticky(
      { t1: 6, t2: 7, t3: 2 },
      ['consumer0', 'consumer1', 'consumer2'].map((memberId) => ({ memberId, topics: all })),
    );
    expect(named(a)).toEqual({
      consumer0: ['t1-0', 't1-3', 't2-0', 't2-3', 't2-6'],
      consumer1: ['t1-1', 't1-4', 't2-1', 't2-4', 't3-0'],
      consumer2: ['t1-2', 't1-5', 't2-2', 't2-5', 't3-1'],
    });
  });

  it('#22 takes the new member’s partition from the member HashMap order visits last', () => {
    const o = ['orders'];
    const members = [
      owner('consumer-1', o, 'orders-0, orders-3'),
      owner('consumer-2', o, 'orders-1, orders-4'),
      owner('consumer-3', o, 'orders-2, orders-5'),
      owner('consumer-4', o, ''),
    ];
    expect(named(sticky({ orders: 6 }, members))).toEqual({
      'consumer-1': ['orders-0'],
      'consumer-2': ['orders-1', 'orders-4'],
      'consumer-3': ['orders-2', 'orders-5'],
      'consumer-4': ['orders-3'],
    });
    expect(transferring({ orders: 6 }, members)).toEqual({ 'orders-3': 'consumer-4' });
  });
});

describe('sticky assignor, owned-partition validation (AbstractStickyAssignorTest)', () => {
  it('treats a partition claimed twice in one generation as unowned, and moving it as a transfer', () => {
    const members = [
      owner('consumer1', ['topic'], 'topic-0, topic-1'),
      owner('consumer2', ['topic'], 'topic-0, topic-2'),
      owner('consumer3', ['topic'], ''),
    ];
    expect(named(sticky({ topic: 3 }, members))).toEqual({
      consumer1: ['topic-1'],
      consumer2: ['topic-2'],
      consumer3: ['topic-0'],
    });
    expect(transferring({ topic: 3 }, members)).toEqual({ 'topic-0': 'consumer3' });
  });

  it('gives a doubly claimed partition to the claimant of the newer generation', () => {
    const topics = ['topic', 'topic2'];
    const members = [
      owner('consumer1', topics, 'topic-0, topic-2, topic2-1', 10),
      owner('consumer2', topics, 'topic-0, topic-2, topic2-1', 9),
    ];
    expect(namedSorted(sticky({ topic: 3, topic2: 3 }, members))).toEqual({
      consumer1: ['topic-0', 'topic-2', 'topic2-1'],
      consumer2: ['topic-1', 'topic2-0', 'topic2-2'],
    });
    expect(transferring({ topic: 3, topic2: 3 }, members)).toEqual({});
  });

  it('prefers a known generation over an unknown one', () => {
    const topics = ['topic', 'topic2'];
    const members = [
      owner('consumer1', topics, 'topic-0, topic-2, topic2-1', 10),
      { memberId: 'consumer2', topics, ownedPartitions: tps('topic-0, topic-2, topic2-1') },
    ];
    expect(namedSorted(sticky({ topic: 3, topic2: 3 }, members))).toEqual({
      consumer1: ['topic-0', 'topic-2', 'topic2-1'],
      consumer2: ['topic-1', 'topic2-0', 'topic2-2'],
    });
  });

  it('assigns each partition to its owner in the highest generation', () => {
    const topics = ['topic', 'topic2', 'topic3'];
    const members = [
      owner('consumer1', topics, 'topic-0, topic2-0, topic3-0', 10),
      owner('consumer2', topics, 'topic-1, topic2-1, topic3-1', 9),
      owner('consumer3', topics, 'topic2-1, topic3-0, topic3-2', 8),
    ];
    expect(namedSorted(sticky({ topic: 3, topic2: 3, topic3: 3 }, members))).toEqual({
      consumer1: ['topic-0', 'topic2-0', 'topic3-0'],
      consumer2: ['topic-1', 'topic2-1', 'topic3-1'],
      consumer3: ['topic-2', 'topic2-2', 'topic3-2'],
    });
  });

  it('keeps what current members own even when a member without a generation joins', () => {
    const topics = ['topic', 'topic2', 'topic3', 'topic1'];
    const members = [
      { memberId: 'consumer1', topics },
      owner('consumer2', topics, 'topic-0, topic2-0, topic1-0', 9),
      owner('consumer3', topics, 'topic3-2, topic2-2, topic1-1', 8),
      owner('consumer4', topics, 'topic3-1, topic-1, topic-2', 7),
    ];
    const a = namedSorted(sticky({ topic: 3, topic1: 3, topic2: 3, topic3: 3 }, members));
    expect(a['consumer1']).toEqual(['topic1-2', 'topic2-1', 'topic3-0']);
  });

  it('fills every member to quota when one already holds maxQuota', () => {
    const members = [
      owner('consumer1', ['topic'], 'topic-0, topic-1'),
      owner('consumer2', ['topic'], 'topic-2'),
      owner('consumer3', ['topic'], ''),
    ];
    expect(named(sticky({ topic: 4 }, members))).toEqual({
      consumer1: ['topic-0', 'topic-1'],
      consumer2: ['topic-2'],
      consumer3: ['topic-3'],
    });
  });

  it('forgets owned partitions of topics that no longer exist', () => {
    const a = sticky({ topic: 2 }, [owner('consumer', ['topic'], 'topic-0, topic-1, other-0, other-1')]);
    expect(named(a)).toEqual({ consumer: ['topic-0', 'topic-1'] });
  });

  it('keeps topic balance as members come and go (testTopicBalanceAfterReassignment)', () => {
    const topics = ['topic1', 'topic2'];
    const counts = { topic1: 12, topic2: 12 };
    const perTopic = (list: string[], topic: string) => list.filter((n) => n.startsWith(`${topic}-`)).length;
    let a = named(sticky(counts, [{ memberId: 'consumer1', topics }]));
    a = named(
      sticky(counts, [owner('consumer1', topics, a['consumer1']!.join(',')), owner('consumer2', topics, '')]),
    );
    for (const list of Object.values(a))
      expect([perTopic(list, 'topic1'), perTopic(list, 'topic2')]).toEqual([6, 6]);
    a = named(
      sticky(counts, [
        owner('consumer1', topics, a['consumer1']!.join(',')),
        owner('consumer2', topics, a['consumer2']!.join(',')),
        owner('consumer3', topics, ''),
        owner('consumer4', topics, ''),
      ]),
    );
    for (const list of Object.values(a))
      expect([perTopic(list, 'topic1'), perTopic(list, 'topic2')]).toEqual([3, 3]);
  });
});

describe('sticky assignor, different subscriptions (general path)', () => {
  const javadoc = { t0: 1, t1: 2, t2: 3 };

  it('#24 reproduces the javadoc example and keeps C1 and C2 in place when C0 leaves', () => {
    const first = sticky(javadoc, [
      { memberId: 'C0', topics: ['t0'] },
      { memberId: 'C1', topics: ['t0', 't1'] },
      { memberId: 'C2', topics: ['t0', 't1', 't2'] },
    ]);
    expect(named(first)).toEqual({ C0: ['t0-0'], C1: ['t1-0', 't1-1'], C2: ['t2-0', 't2-1', 't2-2'] });
    const second = sticky(javadoc, [
      owner('C1', ['t0', 't1'], 't1-0, t1-1'),
      owner('C2', ['t0', 't1', 't2'], 't2-0, t2-1, t2-2'),
    ]);
    expect(named(second)).toEqual({ C1: ['t1-0', 't1-1', 't0-0'], C2: ['t2-0', 't2-1', 't2-2'] });
  });

  it('gives each partition to the least loaded subscriber (testMultipleConsumersMixedTopicSubscriptions)', () => {
    const members = [
      { memberId: 'consumer1', topics: ['topic1'] },
      { memberId: 'consumer2', topics: ['topic1', 'topic2'] },
      { memberId: 'consumer3', topics: ['topic1'] },
    ];
    expect(named(sticky({ topic1: 3, topic2: 2 }, members))).toEqual({
      consumer1: ['topic1-0', 'topic1-2'],
      consumer2: ['topic2-0', 'topic2-1'],
      consumer3: ['topic1-1'],
    });
    expect(transferring({ topic1: 3, topic2: 2 }, members)).toBeNull();
  });

  const rackTest = { t1: 6, t2: 7, t3: 2 };
  const all = ['t1', 't2', 't3'];
  const subscriptions = [all, all, ['t1', 't3']];
  const expected = {
    consumer0: ['t1-5', 't2-0', 't2-2', 't2-4', 't2-6'],
    consumer1: ['t1-3', 't2-1', 't2-3', 't2-5', 't3-0'],
    consumer2: ['t1-0', 't1-1', 't1-2', 't1-4', 't3-1'],
  };

  it('rebalances toward the subscriber with fewer options (testRackAwareAssignmentWithNonEqualSubscription)', () => {
    const fresh = subscriptions.map((topics, i) => ({ memberId: `consumer${i}`, topics }));
    expect(namedSorted(sticky(rackTest, fresh))).toEqual(expected);
    const sticking = subscriptions.map((topics, i) => ({
      memberId: `consumer${i}`,
      topics,
      ownedPartitions: tps(Object.values(expected)[i]!.join(',')),
    }));
    expect(namedSorted(sticky(rackTest, sticking))).toEqual(expected);
  });
});
