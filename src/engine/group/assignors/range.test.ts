import { describe, expect, it } from 'vitest';
import { named } from './fixtures';
import { assignPartitions } from './index';

const range = assignPartitions.bind(null, 'range');

describe('range assignor (reference §2.1, §2.4)', () => {
  it('#1 gives each topic its own ranges when subscriptions are mixed', () => {
    const a = range({ t1: 3, t2: 2 }, [
      { memberId: 'c1', topics: ['t1'] },
      { memberId: 'c2', topics: ['t1', 't2'] },
      { memberId: 'c3', topics: ['t1'] },
    ]);
    expect(named(a)).toEqual({ c1: ['t1-0'], c2: ['t1-1', 't2-0', 't2-1'], c3: ['t1-2'] });
  });

  it('#2 gives the first member the extra partition of every topic', () => {
    const a = range({ t1: 3, t2: 3 }, [
      { memberId: 'c1', topics: ['t1', 't2'] },
      { memberId: 'c2', topics: ['t1', 't2'] },
    ]);
    expect(named(a)).toEqual({ c1: ['t1-0', 't1-1', 't2-0', 't2-1'], c2: ['t1-2', 't2-2'] });
  });

  it('#3 orders static members by group.instance.id, not member id', () => {
    const a = range({ t1: 3, t2: 3 }, [
      { memberId: 'consumer-b', groupInstanceId: 'instance1', topics: ['t1', 't2'] },
      { memberId: 'consumer-a', groupInstanceId: 'instance2', topics: ['t1', 't2'] },
    ]);
    expect(named(a)).toEqual({
      'consumer-b': ['t1-0', 't1-1', 't2-0', 't2-1'],
      'consumer-a': ['t1-2', 't2-2'],
    });
  });

  it('#4 puts static members before a dynamic one', () => {
    const a = range({ t1: 5, t2: 4 }, [
      { memberId: 'consumer1', groupInstanceId: 'instance1', topics: ['t1', 't2'] },
      { memberId: 'consumer2', groupInstanceId: 'instance2', topics: ['t1', 't2'] },
      { memberId: 'consumer3', groupInstanceId: 'instance3', topics: ['t1', 't2'] },
      { memberId: 'consumer4', topics: ['t1', 't2'] },
    ]);
    expect(named(a)).toEqual({
      consumer1: ['t1-0', 't1-1', 't2-0'],
      consumer2: ['t1-2', 't2-1'],
      consumer3: ['t1-3', 't2-2'],
      consumer4: ['t1-4', 't2-3'],
    });
  });

  it('#5 piles the remainders of several topics onto the first members', () => {
    const all = ['t1', 't2', 't3'];
    const a = range({ t1: 6, t2: 7, t3: 2 }, [
      { memberId: 'consumer0', topics: all },
      { memberId: 'consumer1', topics: all },
      { memberId: 'consumer2', topics: all },
    ]);
    expect(named(a)).toEqual({
      consumer0: ['t1-0', 't1-1', 't2-0', 't2-1', 't2-2', 't3-0'],
      consumer1: ['t1-2', 't1-3', 't2-3', 't2-4', 't3-1'],
      consumer2: ['t1-4', 't1-5', 't2-5', 't2-6'],
    });
  });

  it('#6 splits a topic only among the members subscribed to it', () => {
    const all = ['t1', 't2', 't3'];
    const a = range({ t1: 6, t2: 7, t3: 2 }, [
      { memberId: 'consumer0', topics: all },
      { memberId: 'consumer1', topics: all },
      { memberId: 'consumer2', topics: ['t1', 't3'] },
    ]);
    expect(named(a)).toEqual({
      consumer0: ['t1-0', 't1-1', 't2-0', 't2-1', 't2-2', 't2-3', 't3-0'],
      consumer1: ['t1-2', 't1-3', 't2-4', 't2-5', 't2-6', 't3-1'],
      consumer2: ['t1-4', 't1-5'],
    });
  });

  it('#23 ignores what members owned before', () => {
    const a = range({ orders: 6 }, [
      {
        memberId: 'consumer-1',
        topics: ['orders'],
        ownedPartitions: [0, 3].map((p) => ({ topic: 'orders', partition: p })),
      },
      {
        memberId: 'consumer-2',
        topics: ['orders'],
        ownedPartitions: [1, 4].map((p) => ({ topic: 'orders', partition: p })),
      },
      {
        memberId: 'consumer-3',
        topics: ['orders'],
        ownedPartitions: [2, 5].map((p) => ({ topic: 'orders', partition: p })),
      },
      { memberId: 'consumer-4', topics: ['orders'] },
    ]);
    expect(named(a)).toEqual({
      'consumer-1': ['orders-0', 'orders-1'],
      'consumer-2': ['orders-2', 'orders-3'],
      'consumer-3': ['orders-4'],
      'consumer-4': ['orders-5'],
    });
  });

  it('leaves a member with nothing when it subscribes to no existing topic', () => {
    const a = range({ t1: 2 }, [
      { memberId: 'a', topics: ['t1'] },
      { memberId: 'b', topics: ['ghost'] },
    ]);
    expect(named(a)).toEqual({ a: ['t1-0', 't1-1'], b: [] });
  });

  it('lists a member’s topics in Kafka’s HashMap order of topic names', () => {
    // A Java HashSet iterates "za" (bucket 7 of 16) before "z" (bucket 10): checked on a JDK.
    const a = range({ z: 1, za: 1 }, [{ memberId: 'm', topics: ['z', 'za'] }]);
    expect(named(a)).toEqual({ m: ['za-0', 'z-0'] });
  });
});
