import { describe, expect, it } from 'vitest';
import { named } from './fixtures';
import { assignPartitions } from './index';

const roundrobin = assignPartitions.bind(null, 'roundrobin');

describe('round-robin assignor (reference §2.2, §2.4)', () => {
  it('#7 deals partitions of all topics in turn', () => {
    const a = roundrobin({ t1: 3, t2: 3 }, [
      { memberId: 'c1', topics: ['t1', 't2'] },
      { memberId: 'c2', topics: ['t1', 't2'] },
    ]);
    expect(named(a)).toEqual({ c1: ['t1-0', 't1-2', 't2-1'], c2: ['t1-1', 't2-0', 't2-2'] });
  });

  it('#8 skips members not subscribed to the partition’s topic', () => {
    const a = roundrobin({ t1: 3, t2: 2 }, [
      { memberId: 'c1', topics: ['t1'] },
      { memberId: 'c2', topics: ['t1', 't2'] },
      { memberId: 'c3', topics: ['t1'] },
    ]);
    expect(named(a)).toEqual({ c1: ['t1-0'], c2: ['t1-1', 't2-0', 't2-1'], c3: ['t1-2'] });
  });

  it('#9 walks static members (by instance id) before a dynamic one', () => {
    const a = roundrobin({ t1: 3, t2: 3 }, [
      { memberId: 'consumer1', groupInstanceId: 'instance1', topics: ['t1', 't2'] },
      { memberId: 'consumer2', groupInstanceId: 'instance2', topics: ['t1', 't2'] },
      { memberId: 'consumer3', groupInstanceId: 'instance3', topics: ['t1', 't2'] },
      { memberId: 'consumer4', topics: ['t1', 't2'] },
    ]);
    expect(named(a)).toEqual({
      consumer1: ['t1-0', 't2-1'],
      consumer2: ['t1-1', 't2-2'],
      consumer3: ['t1-2'],
      consumer4: ['t2-0'],
    });
  });

  it('#10 keeps each static instance’s partitions when member ids change', () => {
    const expected = {
      instance1: ['t1-0', 't1-3', 't2-1', 't2-4'],
      instance2: ['t1-1', 't1-4', 't2-2'],
      instance3: ['t1-2', 't2-0', 't2-3'],
    };
    const byInstance = (pairs: [string, string][]) => {
      const a = named(
        roundrobin(
          { t1: 5, t2: 5 },
          pairs.map(([memberId, groupInstanceId]) => ({ memberId, groupInstanceId, topics: ['t1', 't2'] })),
        ),
      );
      return Object.fromEntries(pairs.map(([m, i]) => [i, a[m]]));
    };
    const first: [string, string][] = [
      ['consumer1', 'instance1'],
      ['consumer2', 'instance2'],
      ['consumer3', 'instance3'],
    ];
    const renamed: [string, string][] = [
      ['consumer4', 'instance1'],
      ['consumer5', 'instance2'],
      ['consumer1', 'instance3'],
    ];
    expect(byInstance(first)).toEqual(expected);
    expect(byInstance(renamed)).toEqual(expected);
  });

  it('#11 reproduces the javadoc example with unequal subscriptions', () => {
    const a = roundrobin({ t0: 1, t1: 2, t2: 3 }, [
      { memberId: 'C0', topics: ['t0'] },
      { memberId: 'C1', topics: ['t0', 't1'] },
      { memberId: 'C2', topics: ['t0', 't1', 't2'] },
    ]);
    expect(named(a)).toEqual({ C0: ['t0-0'], C1: ['t1-0'], C2: ['t1-1', 't2-0', 't2-1', 't2-2'] });
  });

  it('#23 ignores what members owned before', () => {
    const owned = (...ps: number[]) => ps.map((partition) => ({ topic: 'orders', partition }));
    const a = roundrobin({ orders: 6 }, [
      { memberId: 'consumer-1', topics: ['orders'], ownedPartitions: owned(0, 3) },
      { memberId: 'consumer-2', topics: ['orders'], ownedPartitions: owned(1, 4) },
      { memberId: 'consumer-3', topics: ['orders'], ownedPartitions: owned(2, 5) },
      { memberId: 'consumer-4', topics: ['orders'] },
    ]);
    expect(named(a)).toEqual({
      'consumer-1': ['orders-0', 'orders-4'],
      'consumer-2': ['orders-1', 'orders-5'],
      'consumer-3': ['orders-2'],
      'consumer-4': ['orders-3'],
    });
  });

  it('sorts topics by name, whatever order members list them in', () => {
    const a = roundrobin({ b: 1, a: 1 }, [{ memberId: 'm', topics: ['b', 'a'] }]);
    expect(named(a)).toEqual({ m: ['a-0', 'b-0'] });
  });
});
