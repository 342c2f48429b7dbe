/**
 * The life of each record a learner sends, pieced together from the engine's events:
 *
 *   queued (producer.queued) → sent in a batch (producer.batchSent) → appended on the leader
 *   (partition.appended, which gives the offset) → copied by each follower (replica.appended)
 *   → committed (the leader's partition.highWatermark passes it) → acknowledged (producer.acked)
 *   or failed (producer.failed, with Kafka's error name).
 *
 * Only `command.accepted`, `queued`, `acked` and `failed` name the send; the middle steps are matched the way the
 * producer builds them: per partition, sends queue in order, each first-attempt batch takes the
 * oldest `records` of them, and the leader appends a producer's batches in order (it has the
 * batch's size and producer id to confirm the match). If a match cannot be confirmed the step is
 * left unknown rather than guessed; the acknowledgement still gives the offset.
 */
import type { EngineEvent, EventOf } from '../../engine';

export interface SendLife {
  commandId: number;
  producer: string;
  topic: string;
  key: string | null;
  value: string;
  requestedAtMs: number;
  partition?: number;
  queuedAtMs?: number;
  sentAtMs?: number;
  /** The broker the last attempt went to, and how many attempts so far. */
  broker?: number;
  attempts: number;
  offset?: number;
  leader?: number;
  appendedAtMs?: number;
  /** Follower broker → when it copied the record. */
  replicatedAtMs: Record<number, number>;
  committedAtMs?: number;
  /** Brokers that later truncated the record away (after a leader change). */
  truncatedOn: number[];
  ackedAtMs?: number;
  failedAtMs?: number;
  error?: string;
  message?: string;
}

interface PendingBatch {
  producer: string;
  lives: SendLife[];
}

/** Sends kept; older ones are forgotten (the panel shows the newest few). */
const KEEP = 500;

export class SendTracker {
  private readonly lives = new Map<number, SendLife>();
  /** Queued, not yet in a batch, per `producer/topic-partition`. */
  private readonly queued = new Map<string, SendLife[]>();
  /** Sent, not yet appended, per `topic-partition`, in send order. */
  private readonly unappended = new Map<string, PendingBatch[]>();
  /** Appended and not yet committed everywhere, per `topic-partition`. */
  private readonly placed = new Map<string, SendLife[]>();
  private readonly producerIds = new Map<string, number>();

  private track(commandId: number, send: EventOf<'command.accepted'>['command'], atMs: number): void {
    if (send.type !== 'producer.send') return;
    const { producer, topic, key, value } = send;
    this.lives.set(commandId, {
      commandId,
      producer,
      topic,
      key,
      value,
      requestedAtMs: atMs,
      attempts: 0,
      replicatedAtMs: {},
      truncatedOn: [],
    });
    if (this.lives.size > KEEP) {
      const oldest = this.lives.keys().next().value;
      if (oldest !== undefined) this.lives.delete(oldest);
    }
  }

  reset(): void {
    this.lives.clear();
    this.queued.clear();
    this.unappended.clear();
    this.placed.clear();
    this.producerIds.clear();
  }

  /** The newest `n` sends, newest first. */
  newest(n: number): SendLife[] {
    return [...this.lives.values()].slice(-n).reverse();
  }

  get(commandId: number): SendLife | undefined {
    return this.lives.get(commandId);
  }

  apply(events: readonly EngineEvent[]): void {
    for (const e of events) {
      switch (e.type) {
        // The accepted command names the send; tracking it here (not when the dispatch promise
        // resolves) catches sends queued in the same batch, and sends made by lessons too.
        case 'command.accepted':
          this.track(e.commandId, e.command, e.atMs);
          break;
        case 'producer.idAssigned':
          this.producerIds.set(e.producer, e.producerId);
          break;
        case 'producer.queued':
          this.onQueued(e);
          break;
        case 'producer.batchSent':
          this.onBatchSent(e);
          break;
        case 'partition.appended':
          this.onAppended(e);
          break;
        case 'replica.appended':
          for (const life of this.placed.get(`${e.topic}-${e.partition}`) ?? []) {
            if (life.offset! >= e.baseOffset && life.offset! <= e.lastOffset)
              life.replicatedAtMs[e.broker] ??= e.atMs;
          }
          break;
        case 'partition.highWatermark':
          this.onHighWatermark(e);
          break;
        case 'replica.truncated':
          for (const life of this.placed.get(`${e.topic}-${e.partition}`) ?? []) {
            if (life.offset! < e.toOffset) continue;
            delete life.replicatedAtMs[e.broker];
            if (!life.truncatedOn.includes(e.broker)) life.truncatedOn.push(e.broker);
          }
          break;
        case 'producer.acked': {
          const life = this.lives.get(e.commandId);
          if (!life) break;
          life.ackedAtMs = e.atMs;
          life.partition = e.partition;
          if (e.offset >= 0) life.offset = e.offset;
          break;
        }
        case 'producer.failed': {
          const life = this.lives.get(e.commandId);
          if (!life) break;
          life.failedAtMs = e.atMs;
          life.error = e.error;
          life.message = e.message;
          break;
        }
        default:
          break;
      }
    }
  }

  private onQueued(e: EventOf<'producer.queued'>): void {
    const life = this.lives.get(e.commandId);
    if (!life) return;
    life.partition = e.partition;
    life.queuedAtMs = e.atMs;
    const key = `${e.producer}/${e.topic}-${e.partition}`;
    const queue = this.queued.get(key) ?? [];
    queue.push(life);
    this.queued.set(key, queue);
  }

  private onBatchSent(e: EventOf<'producer.batchSent'>): void {
    const tp = `${e.topic}-${e.partition}`;
    if (e.attempt > 1) {
      // A retry resends the oldest unappended batch of this producer for the partition.
      const batch = this.unappended.get(tp)?.find((b) => b.producer === e.producer);
      for (const life of batch?.lives ?? []) {
        life.broker = e.broker;
        life.attempts = e.attempt;
      }
      return;
    }
    const queue = this.queued.get(`${e.producer}/${tp}`) ?? [];
    const lives = queue.splice(0, e.records);
    for (const life of lives) {
      life.sentAtMs = e.atMs;
      life.broker = e.broker;
      life.attempts = 1;
    }
    // Sends made before tracking began are not in the queue; such a batch cannot be matched.
    if (lives.length !== e.records) return;
    const pending = this.unappended.get(tp) ?? [];
    pending.push({ producer: e.producer, lives });
    this.unappended.set(tp, pending);
  }

  private onAppended(e: EventOf<'partition.appended'>): void {
    const tp = `${e.topic}-${e.partition}`;
    const pending = this.unappended.get(tp) ?? [];
    const size = e.lastOffset - e.baseOffset + 1;
    const index = pending.findIndex(
      (b) => b.lives.length === size && (this.producerIds.get(b.producer) ?? -1) === e.producerId,
    );
    if (index < 0) return;
    const [batch] = pending.splice(index, 1);
    const placed = this.placed.get(tp) ?? [];
    batch!.lives.forEach((life, i) => {
      life.offset = e.baseOffset + i;
      life.leader = e.broker;
      life.appendedAtMs = e.atMs;
      placed.push(life);
    });
    this.placed.set(tp, placed);
  }

  private onHighWatermark(e: EventOf<'partition.highWatermark'>): void {
    const tp = `${e.topic}-${e.partition}`;
    const placed = this.placed.get(tp);
    if (!placed) return;
    for (const life of placed) {
      if (life.leader === e.broker && life.offset! < e.highWatermark) life.committedAtMs ??= e.atMs;
    }
    // Committed and acknowledged (or failed) sends need no more matching.
    this.placed.set(
      tp,
      placed.filter(
        (l) => l.committedAtMs === undefined || (l.ackedAtMs === undefined && l.failedAtMs === undefined),
      ),
    );
  }
}
