/**
 * Kafka's own metrics, by their JMX names, computed from the snapshot and the events only: gauges
 * read the snapshot, rates count events over the last RATE_WINDOW_MS of virtual time (Kafka's
 * meters report a one-minute moving rate; a teaching cluster lives in seconds). Each reading
 * carries its change since the previous reading and the latest event that moved it.
 */
import type { ClusterSnapshot, EngineEvent } from '../types';

export const RATE_WINDOW_MS = 10_000;

const LEADER_REASONS: ReadonlySet<string> = new Set(['leader-fenced', 'unclean', 'preferred']);

export interface MetricCause {
  seq: number;
  atMs: number;
  text: string;
}

export interface MetricReading {
  /** Kafka's metric name, e.g. `UnderReplicatedPartitions`. */
  name: string;
  /** Where Kafka reports it (MBean group or client metric group). */
  source: string;
  /** `cluster`, a producer or a consumer id. */
  scope: string;
  value: number;
  unit: string;
  /** Change since the previous reading of the same metric (null on the first). */
  delta: number | null;
  cause: MetricCause | null;
  help: string;
}

type CauseKey = 'partitions' | 'controller' | 'isrShrink' | 'isrExpand' | 'election' | 'failedProduce';

/** Feed it every event once, in order; `read` at any point after. Plain data, cheap per event. */
export class MetricsTracker {
  private readonly times: Record<'isrShrink' | 'isrExpand' | 'election' | 'failedProduce', number[]> = {
    isrShrink: [],
    isrExpand: [],
    election: [],
    failedProduce: [],
  };
  private readonly retries = new Map<string, number[]>();
  private readonly causes = new Map<string, MetricCause>();
  private readonly crashedAt = new Map<number, number>();
  /** Time from the old leader's crash to the new leader of the last election after a crash. */
  private lastElectionMs: number | null = null;
  private lastCrashMs: number | undefined;
  private readonly leaders = new Map<string, number>();
  lastSeq = 0;

  feed(events: readonly (EngineEvent | undefined)[]): void {
    for (const e of events) {
      if (!e || e.seq <= this.lastSeq) continue;
      this.lastSeq = e.seq;
      this.on(e);
    }
  }

  private cause(key: CauseKey | string, e: EngineEvent, text: string): void {
    this.causes.set(key, { seq: e.seq, atMs: e.atMs, text });
  }

  private on(e: EngineEvent): void {
    switch (e.type) {
      case 'partition.changed': {
        const tp = `${e.topic}-${e.partition}`;
        this.cause(
          'partitions',
          e,
          `${tp}: leader ${e.leader < 0 ? 'none' : `broker-${e.leader}`}, ISR [${e.isr.join(', ')}] (${e.reason})`,
        );
        if (e.reason === 'isr-shrink') this.mark('isrShrink', e, `${tp} ISR shrank to [${e.isr.join(', ')}]`);
        if (e.reason === 'isr-expand') this.mark('isrExpand', e, `${tp} ISR grew to [${e.isr.join(', ')}]`);
        const before = this.leaders.get(tp);
        // The first change we see of a partition is an election unless it only moved the ISR.
        const moved = before === undefined ? LEADER_REASONS.has(e.reason) : before !== e.leader;
        if (moved && e.leader >= 0) {
          this.mark('election', e, `broker-${e.leader} elected leader of ${tp}`);
          // The old leader's crash (or, for the first change seen, the latest crash) started it.
          const crashed = before === undefined ? this.lastCrashMs : this.crashedAt.get(before);
          if (crashed !== undefined && e.reason !== 'preferred') this.lastElectionMs = e.atMs - crashed;
        }
        this.leaders.set(tp, e.leader);
        return;
      }
      case 'broker.crashed':
        this.crashedAt.set(Number(e.node.slice(7)), e.atMs);
        this.lastCrashMs = e.atMs;
        this.cause('partitions', e, `${e.node} crashed`);
        return;
      case 'raft.leaderElected':
      case 'raft.resigned':
      case 'controller.crashed':
        this.cause(
          'controller',
          e,
          e.type === 'raft.leaderElected'
            ? `${e.node} became the active controller`
            : `${e.node} ${e.type === 'raft.resigned' ? 'resigned' : 'crashed'}`,
        );
        return;
      case 'rpc.sent':
        if (e.kind === 'ProduceResponse') {
          const failed = (
            e.body as { partitions?: { topic: string; partition: number; error: string | null }[] }
          ).partitions?.filter((p) => p.error !== null);
          for (const p of failed ?? [])
            this.mark('failedProduce', e, `${e.from} answered ${p.topic}-${p.partition} with ${p.error}`);
        }
        return;
      case 'producer.batchSent':
        if (e.attempt > 1) {
          const list = this.retries.get(e.producer) ?? [];
          for (let i = 0; i < e.records; i++) list.push(e.atMs);
          this.retries.set(e.producer, list);
          this.cause(
            `retry:${e.producer}`,
            e,
            `${e.producer} sent a batch of ${e.records} again (attempt ${e.attempt})`,
          );
        }
        return;
      case 'consumer.received':
        if (e.records.length > 0)
          this.cause(`lag:${e.consumer}`, e, `${e.consumer} received ${e.records.length} records`);
        return;
      case 'partition.highWatermarkMoved':
        this.cause('hw', e, `${e.topic}-${e.partition} high watermark moved to ${e.highWatermark}`);
        return;
      default:
        return;
    }
  }

  private mark(
    key: 'isrShrink' | 'isrExpand' | 'election' | 'failedProduce',
    e: EngineEvent,
    text: string,
  ): void {
    this.times[key].push(e.atMs);
    this.cause(key, e, text);
  }

  /** The metrics now; `previous` (the last reading) gives each its change since. */
  read(snapshot: ClusterSnapshot, previous?: readonly MetricReading[], defaultMinIsr = 1): MetricReading[] {
    const now = snapshot.nowMs;
    const rate = (times: number[]) => {
      // Times arrive in order: drop what left the window for good (a step back starts a new tracker).
      while (times.length > 0 && times[0]! <= now - RATE_WINDOW_MS) times.shift();
      return rateIn(times);
    };
    const rateIn = (times: number[]) =>
      times.filter((t) => t > now - RATE_WINDOW_MS && t <= now).length / (RATE_WINDOW_MS / 1000);
    const parts = snapshot.topics
      .filter((t) => !t.name.startsWith('__'))
      .flatMap((t) =>
        t.partitions.map((p) => ({ p, minIsr: Number(t.config['min.insync.replicas'] ?? defaultMinIsr) })),
      );
    const out: Omit<MetricReading, 'delta'>[] = [];
    const add = (
      name: string,
      source: string,
      scope: string,
      value: number,
      unit: string,
      cause: string,
      help: string,
    ) => out.push({ name, source, scope, value, unit, cause: this.causes.get(cause) ?? null, help });
    add(
      'UnderReplicatedPartitions',
      'kafka.server:ReplicaManager',
      'cluster',
      parts.filter(({ p }) => p.leader >= 0 && p.isr.length < p.replicas.length).length,
      'partitions',
      'partitions',
      'Partitions whose ISR is smaller than their replica list.',
    );
    add(
      'UnderMinIsrPartitionCount',
      'kafka.server:ReplicaManager',
      'cluster',
      parts.filter(({ p, minIsr }) => p.leader >= 0 && p.isr.length < minIsr).length,
      'partitions',
      'partitions',
      'Partitions with fewer in-sync replicas than min.insync.replicas: acks=all writes to them fail.',
    );
    add(
      'OfflinePartitionsCount',
      'kafka.controller:KafkaController',
      'cluster',
      parts.filter(({ p }) => p.leader < 0).length,
      'partitions',
      'partitions',
      'Partitions without a leader: nobody can read or write them.',
    );
    add(
      'ActiveControllerCount',
      'kafka.controller:KafkaController',
      'cluster',
      snapshot.quorum.voters.filter((v) => v.alive && v.role === 'leader' && v.id === snapshot.quorum.leader)
        .length,
      'controllers',
      'controller',
      'Controllers acting as the active controller: exactly 1 in a healthy cluster.',
    );
    add(
      'IsrShrinksPerSec',
      'kafka.server:ReplicaManager',
      'cluster',
      rate(this.times.isrShrink),
      '/s',
      'isrShrink',
      `ISR shrinks per second over the last ${RATE_WINDOW_MS / 1000} s.`,
    );
    add(
      'IsrExpandsPerSec',
      'kafka.server:ReplicaManager',
      'cluster',
      rate(this.times.isrExpand),
      '/s',
      'isrExpand',
      `ISR expansions per second over the last ${RATE_WINDOW_MS / 1000} s.`,
    );
    add(
      'LeaderElectionRateAndTimeMs',
      'kafka.controller:ControllerStats',
      'cluster',
      rate(this.times.election),
      '/s',
      'election',
      `Leader elections per second over the last ${RATE_WINDOW_MS / 1000} s` +
        (this.lastElectionMs === null
          ? '.'
          : `; the last after a crash took ${this.lastElectionMs} ms from crash to new leader.`),
    );
    add(
      'FailedProduceRequestsPerSec',
      'kafka.server:BrokerTopicMetrics',
      'cluster',
      rate(this.times.failedProduce),
      '/s',
      'failedProduce',
      'Partitions of produce requests answered with an error, per second.',
    );
    for (const c of snapshot.consumers) {
      const lags = c.assignment.map((a) => a.lag ?? 0);
      add(
        'records-lag-max',
        'consumer-fetch-manager-metrics',
        c.id,
        lags.length ? Math.max(...lags) : 0,
        'records',
        `lag:${c.id}`,
        `The most records ${c.id} is behind on one of its partitions${c.groupId ? ` (group ${c.groupId})` : ''}.`,
      );
    }
    for (const p of snapshot.producers) {
      add(
        'record-retry-rate',
        'producer-metrics',
        p.id,
        rate(this.retries.get(p.id) ?? []),
        '/s',
        `retry:${p.id}`,
        `Records ${p.id} sent again per second.`,
      );
    }
    const prev = new Map((previous ?? []).map((m) => [`${m.name}|${m.scope}`, m.value]));
    return out.map((m) => {
      const before = prev.get(`${m.name}|${m.scope}`);
      return { ...m, delta: before === undefined ? null : round(m.value - before) };
    });
  }
}

const round = (x: number) => Math.round(x * 1000) / 1000;
