/**
 * A consumer group's progress per partition, from the snapshot: the committed offset (the group's,
 * as its coordinator stores it), the partition's high watermark (what a consumer may read), and the
 * lag between them. Pure, so the table and the lag chart agree by construction.
 */
import type { ClusterSnapshot, GroupSnapshot, PartitionSnapshot } from '../../engine';

export interface PartitionLag {
  topic: string;
  partition: number;
  /** clientId of the member that owns it now, if any. */
  owner: string | undefined;
  committed: number | undefined;
  highWatermark: number;
  /** High watermark minus committed offset (from the log start when nothing is committed yet). */
  lag: number;
}

/** The partition's high watermark, as its leader (else its first replica) has it. */
function highWatermarkOf(p: PartitionSnapshot): number {
  const leader = p.replicaStates.find((r) => r.broker === p.leader) ?? p.replicaStates[0];
  return leader?.highWatermark ?? 0;
}

export function groupLag(snapshot: ClusterSnapshot, group: GroupSnapshot): PartitionLag[] {
  const owners = new Map<string, string>();
  for (const m of group.members)
    for (const a of m.assignment) owners.set(`${a.topic}-${a.partition}`, m.clientId);
  const committed = new Map(group.offsets.map((o) => [`${o.topic}-${o.partition}`, o.offset]));
  // Every partition of every topic the group touches: owned now, or committed before.
  const topics = new Set([
    ...group.members.flatMap((m) => m.assignment.map((a) => a.topic)),
    ...group.offsets.map((o) => o.topic),
  ]);
  const out: PartitionLag[] = [];
  for (const t of snapshot.topics) {
    if (!topics.has(t.name)) continue;
    for (const p of t.partitions) {
      const key = `${t.name}-${p.partition}`;
      // The partition in hand, not looked up again: a lookup per partition was quadratic (1000
      // partitions cost a million steps a batch).
      const hw = highWatermarkOf(p);
      const c = committed.get(key);
      const start = p.replicaStates.find((r) => r.broker === p.leader)?.logStartOffset ?? 0;
      out.push({
        topic: t.name,
        partition: p.partition,
        owner: owners.get(key),
        committed: c,
        highWatermark: hw,
        lag: Math.max(0, hw - (c ?? start)),
      });
    }
  }
  return out;
}
