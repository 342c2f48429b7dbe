/**
 * How a Kafka Streams application lays itself out on a cluster, as pure functions (the groundwork
 * for running apps as nodes): its tasks (sub-topology × partition, TaskId `0_1`), its internal topics
 * with Kafka's partition counts and cleanup policies (RepartitionTopics, ChangelogTopics,
 * *ChangelogTopicConfig), and which buffered partition a task reads next (PartitionGroup).
 */
import { EngineError } from '../errors';
import type { StoreKind, TopologyGraph } from './topology-builder';

export interface TaskId {
  /** Kafka's TaskId#toString: `<subtopology>_<partition>`. */
  id: string;
  subtopology: number;
  partition: number;
}

export interface InternalTopic {
  name: string;
  partitions: number;
  config: Record<string, string>;
  kind: 'repartition' | 'changelog';
  /** The store a changelog backs. */
  store?: string;
}

export type PartitionCounts = (topic: string) => number | undefined;

/** `<application.id>-<name>`: how Kafka Streams prefixes every internal topic. */
export function internalTopicName(applicationId: string, name: string): string {
  return `${applicationId}-${name}`;
}

export function changelogTopicName(applicationId: string, store: string): string {
  return `${applicationId}-${store}-changelog`;
}

/** Windowed stores' changelogs also delete old segments; the others are compacted only. */
const CLEANUP: Record<StoreKind, string> = {
  'key-value': 'compact',
  windowed: 'compact,delete',
  session: 'compact,delete',
  'join-buffer': 'compact,delete',
  'outer-join': 'compact',
  suppress: 'compact',
};

/**
 * The partition count of every sub-topology's sources: user topics as they exist, repartition topics
 * as the maximum over the sources of the sub-topology writing them (RepartitionTopics, iterated until
 * every internal topic has a count, for chains of repartitions).
 */
function sourcePartitions(graph: TopologyGraph, counts: PartitionCounts): Map<string, number> {
  const internal = new Set(graph.repartitionTopics.map((t) => t.name));
  const known = new Map<string, number>();
  const sourcesOf = (members: string[]) =>
    graph.nodes.filter((n) => members.includes(n.name) && n.kind === 'source').flatMap((n) => n.topics);
  const sinksOf = (members: string[]) =>
    graph.nodes.filter((n) => members.includes(n.name) && n.kind === 'sink').flatMap((n) => n.topics);
  for (const members of graph.subtopologies) {
    for (const t of sourcesOf(members)) {
      if (internal.has(t)) continue;
      const n = counts(t);
      if (n === undefined) {
        throw new EngineError(
          'UNKNOWN_TOPIC_OR_PARTITION',
          `Source topic ${t} is missing: Kafka Streams stops with MissingSourceTopicException until it exists.`,
        );
      }
      known.set(t, n);
    }
  }
  for (let pass = 0; pass < graph.repartitionTopics.length + 1; pass++) {
    for (const members of graph.subtopologies) {
      const upstream = sourcesOf(members).map((t) => known.get(t));
      if (upstream.some((n) => n === undefined)) continue;
      const n = Math.max(...(upstream as number[]));
      for (const t of sinksOf(members)) if (internal.has(t) && !known.has(t)) known.set(t, n);
    }
  }
  return known;
}

/** Tasks: for each sub-topology, one per partition of its widest source topic. */
export function tasksOf(graph: TopologyGraph, counts: PartitionCounts): TaskId[] {
  const known = sourcePartitions(graph, counts);
  const tasks: TaskId[] = [];
  graph.subtopologies.forEach((members, subtopology) => {
    const sources = graph.nodes
      .filter((n) => members.includes(n.name) && n.kind === 'source')
      .flatMap((n) => n.topics);
    const partitions = Math.max(0, ...sources.map((t) => known.get(t) ?? 0));
    for (let partition = 0; partition < partitions; partition++) {
      tasks.push({ id: `${subtopology}_${partition}`, subtopology, partition });
    }
  });
  return tasks;
}

/** Every internal topic the application creates before it starts processing. */
export function internalTopics(
  graph: TopologyGraph,
  applicationId: string,
  counts: PartitionCounts,
): InternalTopic[] {
  const known = sourcePartitions(graph, counts);
  const tasks = tasksOf(graph, counts);
  const out: InternalTopic[] = graph.repartitionTopics.map((t) => ({
    name: internalTopicName(applicationId, t.name),
    partitions: known.get(t.name)!,
    config: { 'cleanup.policy': 'delete' },
    kind: 'repartition',
  }));
  for (const store of graph.stores) {
    const owner = graph.subtopologies.findIndex((members) =>
      graph.nodes.some((n) => members.includes(n.name) && n.stores.includes(store.name)),
    );
    out.push({
      name: changelogTopicName(applicationId, store.name),
      partitions: tasks.filter((t) => t.subtopology === owner).length,
      config: { 'cleanup.policy': CLEANUP[store.kind] },
      kind: 'changelog',
      store: store.name,
    });
  }
  return out;
}

/**
 * PartitionGroup#nextRecord: of the partitions with buffered records, the one whose head record has the
 * lowest timestamp goes next (ties: the first listed). Returns its index, or -1 when nothing is buffered.
 */
export function nextPartition(heads: readonly ({ timestampMs: number } | undefined)[]): number {
  let best = -1;
  heads.forEach((h, i) => {
    if (h && (best < 0 || h.timestampMs < heads[best]!.timestampMs)) best = i;
  });
  return best;
}

/** exactly_once_v2: one transactional producer per StreamThread (ActiveTaskCreator). */
export function transactionalId(applicationId: string, processId: string, threadIdx: number): string {
  return `${applicationId}-${processId}-${threadIdx}`;
}
