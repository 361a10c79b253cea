/**
 * Which partitions a worker holds, given every live worker: all workers compute the same answer from the same
 * membership, without talking to each other. Members are ordered by id and deal the partitions round-robin, so
 * shares differ by at most one. A membership change moves more partitions than strictly needed; with tens of
 * partitions a move is one hand-over (milliseconds), and an even spread matters more than fewer moves.
 */
export function partitionsOf(member: string, members: readonly string[], partitions: number): number[] {
  const ordered = [...new Set([...members, member])].sort();
  const seat = ordered.indexOf(member);
  const held: number[] = [];
  for (let partition = seat; partition < partitions; partition += ordered.length) held.push(partition);
  return held;
}
