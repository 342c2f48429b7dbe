import { describe, expect, it } from 'vitest';
import { sortMembers } from './member-order';

// AbstractPartitionAssignorTest#testMemberInfoSorting*.
describe('member order for range and round-robin', () => {
  it('sorts dynamic members by member id', () => {
    const ms = [{ memberId: 'a' }, { memberId: 'b' }, { memberId: 'c' }];
    expect(sortMembers(ms).map((m) => m.memberId)).toEqual(['a', 'b', 'c']);
  });

  it('sorts static members by group.instance.id', () => {
    const ms = [
      { memberId: 'a', groupInstanceId: 'y' },
      { memberId: 'b', groupInstanceId: 'z' },
      { memberId: 'c', groupInstanceId: 'x' },
    ];
    expect(sortMembers(ms).map((m) => m.memberId)).toEqual(['c', 'a', 'b']);
  });

  it('puts static members before dynamic ones', () => {
    const ms = [
      { memberId: 'a' },
      { memberId: 'b', groupInstanceId: 'y' },
      { memberId: 'c', groupInstanceId: 'x' },
    ];
    expect(sortMembers(ms).map((m) => m.memberId)).toEqual(['c', 'b', 'a']);
  });

  it('compares UTF-16 code units like Java, so upper case sorts before lower case', () => {
    const ms = [{ memberId: 'b' }, { memberId: 'B' }, { memberId: 'a' }];
    expect(sortMembers(ms).map((m) => m.memberId)).toEqual(['B', 'a', 'b']);
  });
});
