/**
 * The life of each record a learner sends, pieced together from the engine's events:
 *
 *   queued (producer.queued) → sent in a batch (producer.batchSent) → appended on the leader
 *   (partition.appended, which gives the offset) → copied by each follower (replica.appended)
 *   → committed (the leader's partition.highWatermarkMoved passes it) → acknowledged (producer.acked)
 *   or failed (producer.failed, with Kafka's error name).
 *
 * What can still happen after that is tracked too, so no state claims more than the engine did: a
 * copy truncated away or left behind by a leader change is LOST (acks=1 acknowledges before any
 * follower copies), a retry that lands at another offset keeps the first copy as `earlier`, and a
 * record sent inside a transaction is committed or aborted only by its transaction's outcome.
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
  /** The copy is gone from the partition (truncated, or a leader was elected without it). */
  lostAtMs?: number;
  lostReason?: string;
  /** A first copy replaced by a retry appended elsewhere (the first was lost). */
  earlier?: { offset: number; leader: number; lostReason?: string };
  /** Sent between beginTransaction and the end of that transaction. */
  transactional: boolean;
  /** The transaction's outcome, once the coordinator decided it. */
  transaction?: { outcome: 'committed' | 'aborted'; atMs: number };
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
  /** Producers inside a transaction, with the sends made in it. */
  private readonly openTxn = new Map<string, SendLife[]>();
  /** Appended and not yet acknowledged, per `topic-partition`: a retry may write them again. */
  private readonly unacked = new Map<string, PendingBatch[]>();

  private track(commandId: number, send: EventOf<'command.accepted'>['command'], atMs: number): void {
    if (send.type !== 'producer.send') return;
    const { producer, topic, key, value } = send;
    const txn = this.openTxn.get(producer);
    const life: SendLife = {
      commandId,
      producer,
      topic,
      key,
      value,
      requestedAtMs: atMs,
      attempts: 0,
      replicatedAtMs: {},
      truncatedOn: [],
      transactional: txn !== undefined,
    };
    txn?.push(life);
    this.lives.set(commandId, life);
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
    this.openTxn.clear();
    this.unacked.clear();
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
            if (life.offset! >= e.baseOffset && life.offset! <= e.lastOffset) {
              life.replicatedAtMs[e.broker] ??= e.atMs;
              // A broker that truncated an earlier copy and fetched this one again holds it.
              life.truncatedOn = life.truncatedOn.filter((b) => b !== e.broker);
            }
          }
          break;
        case 'partition.highWatermarkMoved':
          this.onHighWatermark(e);
          break;
        case 'replica.truncated':
          for (const life of this.placed.get(`${e.topic}-${e.partition}`) ?? []) {
            if (life.offset! < e.toOffset) continue;
            delete life.replicatedAtMs[e.broker];
            if (!life.truncatedOn.includes(e.broker)) life.truncatedOn.push(e.broker);
            if (e.broker === life.leader && life.lostAtMs === undefined) {
              life.lostAtMs = e.atMs;
              life.lostReason = `truncated on broker-${e.broker}`;
            }
          }
          break;
        case 'partition.changed':
          this.onLeaderChange(e);
          break;
        case 'producer.transactionBegun':
          this.openTxn.set(e.producer, []);
          break;
        case 'producer.transactionCommitted':
        case 'producer.transactionAborted':
          this.endTxn(
            e.producer,
            e.type === 'producer.transactionCommitted' ? 'committed' : 'aborted',
            e.atMs,
          );
          break;
        case 'transaction.aborted': {
          // The coordinator rolled back a transaction whose producer went away (timeout).
          for (const [producer, id] of this.producerIds)
            if (id === e.producerId) this.endTxn(producer, 'aborted', e.atMs);
          break;
        }
        case 'producer.acked': {
          const life = this.lives.get(e.commandId);
          if (!life) break;
          life.ackedAtMs = e.atMs;
          life.partition = e.partition;
          if (e.offset >= 0) {
            // The acknowledged copy is at another offset: a retry wrote it again after the first
            // was lost (the retry's append was not matched, e.g. sent before tracking began).
            if (life.offset !== undefined && life.offset !== e.offset) this.rewritten(life, life.broker);
            life.offset = e.offset;
          }
          this.dropUnacked(life);
          break;
        }
        case 'producer.failed': {
          const life = this.lives.get(e.commandId);
          if (!life) break;
          this.dropUnacked(life);
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
      // A retry resends the oldest unacknowledged batch of this producer for the partition: one
      // not appended yet, or one appended whose acknowledgement never came (its leader failed).
      let batch = this.unappended.get(tp)?.find((b) => b.producer === e.producer);
      if (!batch) {
        const unacked = this.unacked.get(tp) ?? [];
        const i = unacked.findIndex((b) => b.producer === e.producer);
        if (i >= 0) {
          batch = unacked.splice(i, 1)[0]!;
          const pending = this.unappended.get(tp) ?? [];
          pending.unshift(batch);
          this.unappended.set(tp, pending);
        }
      }
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
    const unacked = this.unacked.get(tp) ?? [];
    unacked.push(batch!);
    this.unacked.set(tp, unacked);
    batch!.lives.forEach((life, i) => {
      if (life.offset !== undefined) this.rewritten(life, e.broker);
      life.offset = e.baseOffset + i;
      life.leader = e.broker;
      life.appendedAtMs = e.atMs;
      if (!placed.includes(life)) placed.push(life);
    });
    this.placed.set(tp, placed);
  }

  private onHighWatermark(e: EventOf<'partition.highWatermarkMoved'>): void {
    const tp = `${e.topic}-${e.partition}`;
    const placed = this.placed.get(tp);
    if (!placed) return;
    for (const life of placed) {
      // A lost copy's offset now holds another record: that one's HW says nothing about this one.
      if (life.lostAtMs !== undefined) continue;
      if (life.leader === e.broker && life.offset! < e.highWatermark) life.committedAtMs ??= e.atMs;
    }
    // Committed and acknowledged (or failed) sends need no more matching.
    this.placed.set(
      tp,
      placed.filter(
        (l) =>
          l.lostAtMs === undefined &&
          (l.committedAtMs === undefined || (l.ackedAtMs === undefined && l.failedAtMs === undefined)),
      ),
    );
  }

  /** A new leader without the record: Kafka truncates every other copy to the leader's log. */
  private onLeaderChange(e: EventOf<'partition.changed'>): void {
    for (const life of this.placed.get(`${e.topic}-${e.partition}`) ?? []) {
      if (life.lostAtMs !== undefined || life.leader === undefined || life.leader === e.leader) continue;
      if (e.leader < 0 || life.replicatedAtMs[e.leader] !== undefined) continue;
      life.lostAtMs = e.atMs;
      life.lostReason = `broker-${e.leader} became leader without it`;
    }
  }

  /** The life's copy is replaced by a new one (a retry): keep the first as `earlier`. */
  private rewritten(life: SendLife, newLeader: number | undefined): void {
    life.earlier = {
      offset: life.offset!,
      leader: life.leader ?? newLeader ?? -1,
      ...(life.lostReason !== undefined ? { lostReason: life.lostReason } : {}),
    };
    life.replicatedAtMs = {};
    life.truncatedOn = [];
    delete life.committedAtMs;
    delete life.lostAtMs;
    delete life.lostReason;
    if (newLeader !== undefined) life.leader = newLeader;
  }

  private dropUnacked(life: SendLife): void {
    const tp = `${life.topic}-${life.partition}`;
    const list = this.unacked.get(tp);
    if (list)
      this.unacked.set(
        tp,
        list.filter(
          (b) => !b.lives.every((l) => l === life || l.ackedAtMs !== undefined || l.failedAtMs !== undefined),
        ),
      );
  }

  private endTxn(producer: string, outcome: 'committed' | 'aborted', atMs: number): void {
    for (const life of this.openTxn.get(producer) ?? []) life.transaction ??= { outcome, atMs };
    this.openTxn.delete(producer);
  }
}
