import { describe, expect, it } from 'vitest';
import { electLeader, type ElectionType } from './election';

// PartitionChangeBuilderTest#testElectLeader (reference §4.5): broker 3 is not acceptable.
const acceptable = (b: number) => b !== 3;

describe('electLeader follows PartitionChangeBuilder', () => {
  const cases: [string, ElectionType, number[], number[], number, { leader: number; unclean: boolean }][] = [
    ['PREFERRED picks replicas[0]', 'PREFERRED', [2, 1, 3], [2, 1, 3], 1, { leader: 2, unclean: false }],
    ['ONLINE keeps a valid leader', 'ONLINE', [2, 1, 3], [2, 1, 3], 1, { leader: 1, unclean: false }],
    ['UNCLEAN keeps a valid leader', 'UNCLEAN', [2, 1, 3], [2, 1, 3], 1, { leader: 1, unclean: false }],
    ['ONLINE with ISR [1,3]', 'ONLINE', [2, 1, 3], [1, 3], 1, { leader: 1, unclean: false }],
    ['ONLINE with ISR [3] has no leader', 'ONLINE', [2, 1, 3], [3], 1, { leader: -1, unclean: false }],
    ['UNCLEAN with ISR [3] takes 2 uncleanly', 'UNCLEAN', [2, 1, 3], [3], 1, { leader: 2, unclean: true }],
    ['UNCLEAN with ISR [4] elects 4 cleanly', 'UNCLEAN', [2, 1, 3, 4], [4], 1, { leader: 4, unclean: false }],
  ];
  it.each(cases)('%s', (_name, type, replicas, isr, leader, expected) => {
    expect(electLeader({ replicas, isr, leader }, type, acceptable)).toEqual(expected);
  });

  it('BAZ (replicas [2,1,3], ISR [1,3], leader 3, all acceptable) keeps 3 for every election', () => {
    for (const type of ['ONLINE', 'UNCLEAN'] as const) {
      expect(electLeader({ replicas: [2, 1, 3], isr: [1, 3], leader: 3 }, type, () => true).leader).toBe(3);
    }
    // PREFERRED: replicas[0]=2 is not in the ISR, so the current valid leader stays.
    expect(electLeader({ replicas: [2, 1, 3], isr: [1, 3], leader: 3 }, 'PREFERRED', () => true).leader).toBe(
      3,
    );
  });
});
