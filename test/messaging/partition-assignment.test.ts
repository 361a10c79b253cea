import { describe, expect, it } from 'vitest';
import { partitionsOf } from '../../messaging/partition-assignment';

describe('the partition assignment', () => {
  it('deals the partitions round-robin over the members sorted by id, each share within one of the others', () => {
    const members = ['w2', 'w1', 'w3'];
    expect(members.map((m) => partitionsOf(m, members, 8))).toEqual([
      [1, 4, 7],
      [0, 3, 6],
      [2, 5],
    ]);
    expect(partitionsOf('alone', [], 4)).toEqual([0, 1, 2, 3]);
  });

  it('deals a partition a member stepped aside from among the others only, and to nobody when all did', () => {
    const members = [
      { id: 'old', aside: [0, 2] },
      { id: 'new', aside: [] },
    ];
    expect(partitionsOf('new', members, 4)).toEqual([0, 2]);
    expect(partitionsOf('old', members, 4)).toEqual([1, 3]);
    const bothOld = [
      { id: 'a', aside: [1] },
      { id: 'b', aside: [1] },
    ];
    // Partition 1 waits, unconsumed, for a worker that reads its messages.
    expect([...partitionsOf('a', bothOld, 3), ...partitionsOf('b', bothOld, 3)].sort()).toEqual([0, 2]);
  });
});
