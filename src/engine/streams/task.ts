/**
 * One stream task: a sub-topology's processors for one partition, as Kafka Streams runs it. A record
 * from a source topic goes depth-first through the processors; the task's stream time is the largest
 * timestamp it has processed, and each processor keeps its own. Stateful processors write through a
 * record cache (statestore.cache.max.bytes); a commit flushes it. What leaves the task is returned as
 * data: records for sink topics (including repartition topics) and writes for changelog topics.
 */
import type { RecordSource } from './aggregate';
import { formatValue, parseRecordValue } from './expr';
import type { TopologyGraph, TopologyNode } from './topology-builder';
import type { Window } from './windows';
import { buildProcessors } from './task-processors';
import type {
  ChangelogWrite,
  NodeImpl,
  ProcessorData,
  TaskContext,
  TaskRecord,
  TaskState,
} from './task-types';

export type { ChangelogWrite, TaskRecord } from './task-types';

/** Everything a task must keep, as plain data: a kernel checkpoint copies it, a new StreamTask adopts it. */
export interface TaskData {
  streamTimeMs: number;
  stats: Record<string, NodeStats>;
  processors: ProcessorData;
}

export interface SinkRecord {
  topic: string;
  key: string | null;
  value: string | null;
  timestampMs: number;
}

export interface NodeStats {
  /** Records that reached the node. */
  processed: number;
  forwarded: number;
  dropped: number;
  /** The processor's own stream time: the largest timestamp it has seen (-1: none yet). */
  streamTimeMs: number;
}

export interface DropNote {
  node: string;
  message: string;
  timestampMs: number;
  win?: Window;
}

export interface TaskConfig {
  /** statestore.cache.max.bytes for this task's stores (0: every update is forwarded at once). */
  cacheMaxBytes: number;
  /** How an internal topic's name reads on the cluster: `<application.id>-<name>`. */
  internalTopic(name: string): string;
}

/** Everything a task emitted since the caller last took it. */
export interface TaskOutput {
  records: SinkRecord[];
  changelog: ChangelogWrite[];
  drops: DropNote[];
  /**
   * Records that passed each edge of the graph, keyed `from>to` by Kafka node name; a source's
   * input edge is `>SOURCE` and a sink's output edge `SINK>` (the topic is the other end). The views
   * draw one dot per record along the edge.
   */
  moves: Record<string, number>;
}

export class StreamTask implements TaskContext {
  readonly data: TaskData;
  readonly impls = new Map<string, NodeImpl>();
  readonly state: TaskState = {
    aggregates: new Map(),
    suppressors: new Map(),
    joins: new Map(),
    tables: new Map(),
  };
  readonly flushers: (() => void)[] = [];
  /** Restores one changelog record into the store it belongs to (before processing starts). */
  readonly restorers = new Map<string, (key: string, value: string | null) => void>();
  out: TaskOutput = { records: [], changelog: [], drops: [], moves: {} };
  private readonly successors = new Map<string, TopologyNode[]>();
  private readonly sourceByTopic = new Map<string, TopologyNode>();

  constructor(
    readonly graph: TopologyGraph,
    readonly subtopology: number,
    readonly partition: number,
    readonly config: TaskConfig,
    data?: TaskData,
  ) {
    this.data = data ?? { streamTimeMs: -1, stats: {}, processors: {} };
    const members = new Set(graph.subtopologies[subtopology] ?? []);
    for (const n of graph.nodes) {
      if (!members.has(n.name)) continue;
      this.stats[n.name] ??= { processed: 0, forwarded: 0, dropped: 0, streamTimeMs: -1 };
      for (const p of n.predecessors) {
        if (!this.successors.has(p)) this.successors.set(p, []);
        this.successors.get(p)!.push(n);
      }
      if (n.kind === 'source') for (const t of n.topics) this.sourceByTopic.set(config.internalTopic(t), n);
    }
    buildProcessors(this, members);
  }

  /** The task's stream time: the largest timestamp it has processed (-1: none yet). */
  get streamTimeMs(): number {
    return this.data.streamTimeMs;
  }

  /** Per processor: records in, forwarded, dropped, and its own stream time. */
  get stats(): Record<string, NodeStats> {
    return this.data.stats;
  }

  /** Topics this task reads, as named on the cluster. */
  inputTopics(): string[] {
    return [...this.sourceByTopic.keys()];
  }

  /** Where the record being processed was read (quoted in Kafka's drop messages); not state. */
  currentSource: RecordSource | undefined;

  /** Processes one record read from `topic` (its key/value as stored in the log) at `offset`. */
  process(
    topic: string,
    key: string | null,
    rawValue: string | null,
    timestampMs: number,
    offset?: number,
  ): void {
    const source = this.sourceByTopic.get(topic);
    if (!source) return;
    this.data.streamTimeMs = Math.max(this.data.streamTimeMs, timestampMs);
    this.currentSource = offset === undefined ? undefined : { topic, partition: this.partition, offset };
    this.moved('', source.name);
    this.deliver(source, { key, value: parseRecordValue(rawValue), timestampMs });
    this.currentSource = undefined;
  }

  /** Sends a record into `node`, which processes it and forwards to its successors. */
  deliver(node: TopologyNode, r: TaskRecord): void {
    const s = this.stats[node.name]!;
    s.processed++;
    s.streamTimeMs = Math.max(s.streamTimeMs, r.timestampMs);
    if (node.kind === 'sink') {
      this.moved(node.name, '');
      this.out.records.push({
        topic: this.config.internalTopic(node.topics[0]!),
        key: r.key,
        value: formatValue(r.value),
        timestampMs: r.timestampMs,
      });
      return;
    }
    const impl = this.impls.get(node.name);
    if (impl) impl(r);
    else this.forward(node, r);
  }

  forward(from: TopologyNode, r: TaskRecord, only?: string): void {
    const next = this.successors.get(from.name) ?? [];
    for (const n of next) {
      if (only !== undefined && n.name !== only) continue;
      this.stats[from.name]!.forwarded++;
      this.moved(from.name, n.name);
      this.deliver(n, r);
    }
  }

  private moved(from: string, to: string): void {
    const k = `${from}>${to}`;
    this.out.moves[k] = (this.out.moves[k] ?? 0) + 1;
  }

  drop(node: TopologyNode, message: string, timestampMs: number, win?: Window): void {
    this.stats[node.name]!.dropped++;
    this.out.drops.push({ node: node.name, message, timestampMs, win });
  }

  /** A commit: flush every record cache (forwarding what was held back). */
  commit(): void {
    for (const flush of this.flushers) flush();
  }

  /** Replays a store's changelog record (restoration after a task moves). */
  restore(store: string, key: string, value: string | null): void {
    this.restorers.get(store)?.(key, value);
  }

  /** Stores this task owns (their changelogs are `<application.id>-<store>-changelog`). */
  storeNames(): string[] {
    return [...this.restorers.keys()];
  }

  /** Hands over (and clears) what the task produced. */
  take(): TaskOutput {
    const o = this.out;
    this.out = { records: [], changelog: [], drops: [], moves: {} };
    return o;
  }
}
