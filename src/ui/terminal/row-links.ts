/**
 * Which output lines name a partition in the diagram: rows of `kafka-consumer-groups --describe`
 * and partition lines of `kafka-topics --describe`. A click on one selects that partition's
 * leader replica (the diagram's existing selection), so the learner sees what the row names.
 */
import type { ClusterSnapshot } from '../../engine';

export interface RowLink {
  topic: string;
  partition: number;
  /** The member that owns it, from a consumer-groups row (`-` rows have none). */
  consumerId: string | null;
}

const TOPIC_LINE = /^\tTopic: (.+?)\tPartition: (\d+)\t/;

export function rowLink(input: string, line: string, snapshot: ClusterSnapshot | undefined): RowLink | null {
  if (!snapshot) return null;
  const exists = (topic: string, partition: number) =>
    snapshot.topics.some((t) => t.name === topic && t.partitions.some((p) => p.partition === partition));
  if (/kafka-topics/.test(input)) {
    const m = TOPIC_LINE.exec(line);
    if (m && exists(m[1]!, Number(m[2]))) return { topic: m[1]!, partition: Number(m[2]), consumerId: null };
    return null;
  }
  if (/kafka-consumer-groups/.test(input) && !/--members|--state/.test(input)) {
    const cells = line.split(/ +/);
    if (cells.length < 9 || !/^\d+$/.test(cells[2]!)) return null;
    const topic = cells[1]!;
    const partition = Number(cells[2]);
    if (!exists(topic, partition)) return null;
    return { topic, partition, consumerId: cells[6] === '-' ? null : cells[6]! };
  }
  return null;
}

/** The replica a row points at: the partition's leader, or its first replica when offline. */
export function replicaFor(link: RowLink, snapshot: ClusterSnapshot): number | null {
  const p = snapshot.topics
    .find((t) => t.name === link.topic)
    ?.partitions.find((x) => x.partition === link.partition);
  if (!p) return null;
  return p.leader >= 0 ? p.leader : (p.replicas[0] ?? null);
}
