/** A live worker as the others hear of it: its id, and the partitions it stepped aside from (a newer schema). */
export interface Member {
  id: string;
  aside: readonly number[];
}

/**
 * Which partitions a worker holds, given every live worker: all workers compute the same answer from the same
 * membership, without talking to each other. Members are ordered by id and deal the partitions round-robin, so
 * shares differ by at most one. A partition a member stepped aside from (it met a message of a schema newer than it
 * reads, during a rolling upgrade) is dealt among the others only; when every member stepped aside from it, nobody
 * holds it and its messages wait for a worker that reads them. A membership change moves more partitions than
 * strictly needed; with tens of partitions a move is one hand-over (milliseconds), and an even spread matters more.
 */
export function partitionsOf(member: string, members: readonly (string | Member)[], partitions: number): number[] {
  const known = new Map<string, readonly number[]>();
  for (const m of members) known.set(typeof m === 'string' ? m : m.id, typeof m === 'string' ? [] : m.aside);
  if (!known.has(member)) known.set(member, []);
  const ordered = [...known.keys()].sort();
  const held: number[] = [];
  for (let partition = 0; partition < partitions; partition++) {
    const candidates = ordered.filter((id) => !known.get(id)!.includes(partition));
    if (candidates.length && candidates[partition % candidates.length] === member) held.push(partition);
  }
  return held;
}
