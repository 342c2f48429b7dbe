/**
 * A TopologyTestDriver-style runner: every task of a topology in one place, records piped in by hand,
 * records written to repartition topics fed straight back to the tasks that read them. Like Kafka's
 * driver, by default it commits after every input record (cache and commit interval effectively zero);
 * `commitEveryRecord: false` keeps the cache until `commit()`, to show the difference.
 * Lessons use it for predictions and the tests for golden examples; the cluster runs real tasks.
 */
import { partitionForKey } from '../client/murmur2';
import { StreamTask, type DropNote, type SinkRecord, type ChangelogWrite } from './task';
import { buildTopology, type TopologyGraph } from './topology-builder';
import type { TopologySpec } from './topology-spec';

export interface DriverOptions {
  applicationId?: string;
  partitions?: number;
  cacheMaxBytes?: number;
  commitEveryRecord?: boolean;
}

export class TopologyDriver {
  readonly graph: TopologyGraph;
  readonly tasks: StreamTask[] = [];
  /** Every record written to a topic, per topic, in order. */
  readonly topics = new Map<string, SinkRecord[]>();
  readonly changelog: ChangelogWrite[] = [];
  readonly drops: DropNote[] = [];
  private readonly applicationId: string;
  private readonly partitions: number;
  private readonly commitEveryRecord: boolean;
  /** Next offset per topic-partition, as a log would assign them. */
  private readonly offsets = new Map<string, number>();

  constructor(spec: TopologySpec, options: DriverOptions = {}) {
    this.graph = buildTopology(spec);
    this.applicationId = options.applicationId ?? 'app';
    this.partitions = options.partitions ?? 1;
    this.commitEveryRecord = options.commitEveryRecord ?? true;
    const internal = new Set(this.graph.repartitionTopics.map((t) => t.name));
    const config = {
      cacheMaxBytes: options.cacheMaxBytes ?? 0,
      internalTopic: (t: string) => (internal.has(t) ? `${this.applicationId}-${t}` : t),
    };
    this.graph.subtopologies.forEach((_, id) => {
      for (let p = 0; p < this.partitions; p++) this.tasks.push(new StreamTask(this.graph, id, p, config));
    });
  }

  /** Writes a record to an input topic, processes it (and everything it causes), then commits. */
  pipeInput(topic: string, key: string | null, value: string | null, timestampMs: number): void {
    this.route({ topic, key, value, timestampMs });
    if (this.commitEveryRecord) this.commit();
  }

  commit(): void {
    for (const t of this.tasks) {
      t.commit();
      this.drain(t);
    }
  }

  /** The records written to `topic` so far. */
  output(topic: string): SinkRecord[] {
    return this.topics.get(topic) ?? [];
  }

  private route(r: SinkRecord): void {
    const partition = r.key === null ? 0 : partitionForKey(r.key, this.partitions);
    const tp = `${r.topic}-${partition}`;
    const offset = this.offsets.get(tp) ?? 0;
    this.offsets.set(tp, offset + 1);
    for (const task of this.tasks) {
      if (task.partition !== partition || !task.inputTopics().includes(r.topic)) continue;
      task.process(r.topic, r.key, r.value, r.timestampMs, offset);
      this.drain(task);
    }
  }

  private drain(task: StreamTask): void {
    const out = task.take();
    this.changelog.push(...out.changelog);
    this.drops.push(...out.drops);
    for (const rec of out.records) {
      if (!this.topics.has(rec.topic)) this.topics.set(rec.topic, []);
      this.topics.get(rec.topic)!.push(rec);
      this.route(rec);
    }
  }
}
