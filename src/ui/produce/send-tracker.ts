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
 * Every step is read from the engine's causal ids, never matched by guess: `producer.batchSent`
 * names the sends it carries (`commandIds`) and its Produce request (`requestId`), the
 * `partition.appended` that wrote it carries that request id, and the acknowledgement or failure
 * names the send. Replication and commitment follow from the offset the append gave. A record's
 * offset is known from the append only when every record of the batch is a tracked send (else the
 * acknowledgement gives it).
 *
 * Which sends are kept is one rule shared with the worker (src/bridge/send-window.ts): accepted
 * within the last SEND_WINDOW_EVENTS events, at most SENDS_KEPT. So after a jump `rebuild` from the
 * batch's `sendHistory` holds exactly the lives that playing to the same point holds.
 */
import type { EngineEvent, EventOf } from '../../engine';
import { SEND_WINDOW_EVENTS, SENDS_KEPT } from '../../bridge/send-window';

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

/** A Produce request's batch for one partition, as `producer.batchSent` described it. */
interface SentBatch {
  commandIds: readonly number[];
  records: number;
}

export class SendTracker {
  /** In acceptance order (oldest first). */
  private readonly lives = new Map<number, SendLife>();
  /** Each kept send's acceptance `seq` (the window is counted in events). */
  private readonly acceptedSeq = new Map<number, number>();
  /** Batches sent and not yet appended, by `requestId/topic-partition`. */
  private readonly sent = new Map<string, SentBatch>();
  /** Producers inside a transaction, with the sends made in it. */
  private readonly openTxn = new Map<string, SendLife[]>();
  /** transactional.id → producer, from `producer.transactionBegun` (a coordinator's abort names the id). */
  private readonly txnProducer = new Map<string, string>();

  reset(): void {
    this.lives.clear();
    this.acceptedSeq.clear();
    this.sent.clear();
    this.openTxn.clear();
    this.txnProducer.clear();
  }

  /** After a jump: the lives as of the playhead, from the batch's `sendHistory` alone. */
  rebuild(history: readonly EngineEvent[]): void {
    this.reset();
    this.apply(history);
  }

  /** The newest `n` sends, newest first. */
  newest(n: number): SendLife[] {
    return [...this.lives.values()].slice(-n).reverse();
  }

  get(commandId: number): SendLife | undefined {
    return this.lives.get(commandId);
  }

  get size(): number {
    return this.lives.size;
  }

  apply(events: readonly EngineEvent[]): void {
    for (const e of events) this.one(e);
    const last = events.at(-1);
    if (last) this.forgetBefore(last.seq - SEND_WINDOW_EVENTS);
  }

  private one(e: EngineEvent): void {
    switch (e.type) {
      // The accepted command names the send; tracking it here (not when the dispatch promise
      // resolves) catches sends queued in the same batch, and sends made by lessons too.
      case 'command.accepted':
        if (e.command.type === 'producer.send') this.track(e.commandId, e.command, e.atMs, e.seq);
        break;
      case 'producer.queued': {
        const life = this.lives.get(e.commandId);
        if (!life) break;
        life.partition = e.partition;
        life.queuedAtMs = e.atMs;
        break;
      }
      case 'producer.batchSent':
        this.sent.set(`${e.requestId}/${e.topic}-${e.partition}`, {
          commandIds: e.commandIds,
          records: e.records,
        });
        for (const id of e.commandIds) {
          const life = this.lives.get(id);
          if (!life) continue;
          life.sentAtMs ??= e.atMs;
          life.broker = e.broker;
          life.attempts = e.attempt;
        }
        break;
      case 'partition.appended':
        this.onAppended(e);
        break;
      case 'replica.appended':
        for (const life of this.placed(e.topic, e.partition)) {
          if (life.offset! >= e.baseOffset && life.offset! <= e.lastOffset) {
            life.replicatedAtMs[e.broker] ??= e.atMs;
            // A broker that truncated an earlier copy and fetched this one again holds it.
            life.truncatedOn = life.truncatedOn.filter((b) => b !== e.broker);
          }
        }
        break;
      case 'partition.highWatermarkMoved':
        for (const life of this.placed(e.topic, e.partition)) {
          if (life.leader === e.broker && life.offset! < e.highWatermark) life.committedAtMs ??= e.atMs;
        }
        break;
      case 'replica.truncated':
        for (const life of this.placed(e.topic, e.partition)) {
          if (life.offset! < e.toOffset) continue;
          delete life.replicatedAtMs[e.broker];
          if (!life.truncatedOn.includes(e.broker)) life.truncatedOn.push(e.broker);
          if (e.broker === life.leader) {
            life.lostAtMs = e.atMs;
            life.lostReason = `truncated on broker-${e.broker}`;
          }
        }
        break;
      case 'partition.changed':
        // A new leader without the record: Kafka truncates every other copy to the leader's log.
        for (const life of this.placed(e.topic, e.partition)) {
          if (life.leader === e.leader || e.leader < 0 || life.replicatedAtMs[e.leader] !== undefined)
            continue;
          life.lostAtMs = e.atMs;
          life.lostReason = `broker-${e.leader} became leader without it`;
        }
        break;
      case 'producer.transactionBegun':
        this.openTxn.set(e.producer, []);
        this.txnProducer.set(e.transactionalId, e.producer);
        break;
      case 'producer.transactionCommitted':
      case 'producer.transactionAborted':
        this.endTxn(e.producer, e.type === 'producer.transactionCommitted' ? 'committed' : 'aborted', e.atMs);
        break;
      case 'transaction.aborted': {
        // The coordinator rolled back a transaction whose producer went away (timeout).
        const producer = this.txnProducer.get(e.transactionalId);
        if (producer !== undefined) this.endTxn(producer, 'aborted', e.atMs);
        break;
      }
      case 'producer.acked': {
        const life = this.lives.get(e.commandId);
        if (!life) break;
        life.ackedAtMs = e.atMs;
        life.partition = e.partition;
        if (e.offset >= 0) {
          // The acknowledged copy is at another offset: a retry wrote it again after the first
          // was lost.
          if (life.offset !== undefined && life.offset !== e.offset) this.rewritten(life, life.broker);
          life.offset = e.offset;
          life.leader ??= life.broker;
        }
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

  private track(
    commandId: number,
    send: EventOf<'command.accepted'>['command'],
    atMs: number,
    seq: number,
  ): void {
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
    this.acceptedSeq.set(commandId, seq);
    if (this.lives.size > SENDS_KEPT) this.forget(this.lives.keys().next().value!);
  }

  /** The leader wrote the request's batch: each of its sends now has a place (and an offset). */
  private onAppended(e: EventOf<'partition.appended'>): void {
    const key = `${e.requestId}/${e.topic}-${e.partition}`;
    const batch = this.sent.get(key);
    if (!batch) return;
    this.sent.delete(key);
    // Offsets by position only when every record of the batch is a tracked send.
    const exact =
      batch.commandIds.length === batch.records && e.lastOffset - e.baseOffset + 1 === batch.records;
    batch.commandIds.forEach((id, i) => {
      const life = this.lives.get(id);
      if (!life) return;
      if (life.appendedAtMs !== undefined) this.rewritten(life, e.broker);
      if (exact) life.offset = e.baseOffset + i;
      life.leader = e.broker;
      life.appendedAtMs = e.atMs;
    });
  }

  /** Sends with a copy in this partition that is still theirs (appended, not lost). */
  private *placed(topic: string, partition: number): Generator<SendLife> {
    for (const life of this.lives.values()) {
      if (life.offset === undefined || life.lostAtMs !== undefined) continue;
      if (life.topic === topic && life.partition === partition) yield life;
    }
  }

  /** The life's copy is replaced by a new one (a retry): keep the first as `earlier`. */
  private rewritten(life: SendLife, newLeader: number | undefined): void {
    if (life.offset !== undefined) {
      life.earlier = {
        offset: life.offset,
        leader: life.leader ?? newLeader ?? -1,
        ...(life.lostReason !== undefined ? { lostReason: life.lostReason } : {}),
      };
    }
    life.replicatedAtMs = {};
    life.truncatedOn = [];
    delete life.offset;
    delete life.committedAtMs;
    delete life.lostAtMs;
    delete life.lostReason;
    if (newLeader !== undefined) life.leader = newLeader;
  }

  private endTxn(producer: string, outcome: 'committed' | 'aborted', atMs: number): void {
    for (const life of this.openTxn.get(producer) ?? []) life.transaction ??= { outcome, atMs };
    this.openTxn.delete(producer);
  }

  /** Sends accepted at or before `seq` have left the window. */
  private forgetBefore(seq: number): void {
    for (const [id, accepted] of this.acceptedSeq) {
      if (accepted > seq) break;
      this.forget(id);
    }
  }

  private forget(commandId: number): void {
    this.lives.delete(commandId);
    this.acceptedSeq.delete(commandId);
  }
}
