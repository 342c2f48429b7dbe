/**
 * The live guarantee checker (Jepsen's Kafka workload checks, with the simulation's ground truth):
 * fed the engine's events in order, a batch at a time, it keeps what every replica holds and what
 * every client was told and saw, and reports each anomaly at the event where it became certain,
 * classified by the configuration in force. Pure and deterministic: the same events give the same
 * findings. Cost is O(1) per event plus O(records) for appends and polls.
 */
import { resolveConsumerConfig, type ConsumerConfig } from '../client/consumer-config';
import { resolveProducerConfig, type ProducerConfig } from '../client/producer-config';
import type { ProduceRequest, ReplicaFetchResponse } from '../protocol/produce';
import { isMetadataFetchBody } from '../protocol/rpc-kinds';
import type { EngineEvent, EventOf } from '../types';
import type { CheckerState, KeyAck, ReadState } from './checker-state';
import { checkReads, newReadState, reportAbortedReads } from './reads';
import { explainLost, tpName } from './explain';
import {
  batchRecords,
  followerAppend,
  leaderAppend,
  newEntry,
  newTpLogs,
  truncate,
  type Entry,
  type TpLogs,
} from './replica-logs';
import type { Finding } from './types';
import { checkDuplicate, checkOrder } from './produce-checks';
import { appLossWords, checkAppDuplicate, settleTwin } from './app-checks';
import { StreamsApps } from './streams-apps';

const brokerOf = (node: string) => (node.startsWith('broker-') ? Number(node.slice(7)) : -1);

export class GuaranteeChecker implements CheckerState {
  readonly tps = new Map<string, TpLogs>();
  readonly producers = new Map<string, ProducerConfig>();
  readonly consumers = new Map<string, ConsumerConfig & { groupId: string | null }>();
  readonly crashes = new Map<number, { seq: number; atMs: number }>();
  readonly reads: ReadState = newReadState();
  readonly apps = new StreamsApps();
  private readonly list: Finding[] = [];
  private readonly ids = new Set<string>();
  /** Bodies of Produce requests and broker-to-broker Fetch responses still in flight. */
  private readonly inFlight = new Map<number, { kind: string; from: string; body: unknown }>();
  /** The last such message delivered to each broker: the append that follows comes from it. */
  private readonly delivered = new Map<number, { kind: string; from: string; body: unknown }>();
  /** producer → send command: key per command id, for the per-key order check. */
  private readonly sends = new Map<number, { producer: string; key: string | null }>();
  /** producer|tp|key → acknowledged (commandId, offset), in command order. */
  readonly keyOrder = new Map<string, KeyAck[]>();
  readonly retries = new Map<string, { seq: number; atMs: number }>();
  lastSeq = 0;

  /** Feed the next events (in seq order); returns the findings they revealed. */
  feed(events: readonly (EngineEvent | undefined)[]): Finding[] {
    const before = this.list.length;
    for (const e of events) {
      // Holes: a resumed worker session fills in its older trace later.
      if (!e || e.seq <= this.lastSeq) continue;
      this.lastSeq = e.seq;
      this.on(e);
    }
    return this.list.slice(before);
  }

  findings(): readonly Finding[] {
    return this.list;
  }

  /**
   * About how many records the checker follows (each partition's written records and each
   * acknowledged send in the per-key order lists): what a copy of its state grows with. A host
   * that keeps copies (the worker's checkpoints) weighs this against the events a copy saves
   * feeding again.
   */
  recordsFollowed(): number {
    let n = 0;
    for (const tp of this.tps.values()) n += tp.written.length;
    for (const list of this.keyOrder.values()) n += list.length;
    return n;
  }

  violations(): Finding[] {
    return this.list.filter((f) => f.verdict === 'violation');
  }

  tp(topic: string, partition: number): TpLogs {
    const k = `${topic}\u0000${partition}`;
    let tp = this.tps.get(k);
    if (!tp) this.tps.set(k, (tp = newTpLogs(topic, partition)));
    return tp;
  }

  add(f: Finding): void {
    if (this.ids.has(f.id)) return;
    this.ids.add(f.id);
    this.list.push(f);
  }

  /** Remove a finding a later event disproved (a skipped record read after all). */
  retract(id: string): void {
    if (!this.ids.delete(id)) return;
    const i = this.list.findIndex((f) => f.id === id);
    if (i >= 0) this.list.splice(i, 1);
  }

  private on(e: EngineEvent): void {
    switch (e.type) {
      case 'rpc.sent':
        if (
          e.kind === 'Produce' ||
          // a partition FetchResponse (told by its body) to a follower
          (e.kind === 'FetchResponse' && !isMetadataFetchBody(e.body) && e.to.startsWith('broker-'))
        )
          this.inFlight.set(e.id, { kind: e.kind, from: e.from, body: e.body });
        return;
      case 'rpc.delivered': {
        const m = this.inFlight.get(e.id);
        if (m) {
          this.inFlight.delete(e.id);
          this.delivered.set(brokerOf(e.to), m);
        }
        return;
      }
      case 'rpc.dropped':
        this.inFlight.delete(e.id);
        return;
      case 'command.accepted':
        return this.onCommand(e);
      case 'broker.crashed':
        this.crashes.set(brokerOf(e.node), { seq: e.seq, atMs: e.atMs });
        return;
      case 'topic.deleted':
        for (const [k, tp] of this.tps) if (tp.topic === e.topic) this.tps.delete(k);
        return;
      case 'partition.changed': {
        const tp = this.tp(e.topic, e.partition);
        if (e.leader !== tp.leader || e.leaderEpoch !== tp.leaderEpoch) {
          tp.leaderChanges.push({ seq: e.seq, atMs: e.atMs, leader: e.leader, reason: e.reason });
          if (tp.leaderChanges.length > 16) tp.leaderChanges.shift();
        }
        tp.leader = e.leader;
        tp.leaderEpoch = e.leaderEpoch;
        if (e.reason === 'unclean') tp.uncleanSeq = e.seq;
        return;
      }
      case 'partition.highWatermarkMoved': {
        const tp = this.tp(e.topic, e.partition);
        if (e.highWatermark > tp.maxHighWatermark) tp.maxHighWatermark = e.highWatermark;
        return;
      }
      case 'partition.appended':
        return this.onLeaderAppend(e);
      case 'partition.markerWritten':
        return this.onMarker(e);
      case 'replica.appended':
        return this.onFollowerAppend(e);
      case 'replica.truncated': {
        const tp = this.tp(e.topic, e.partition);
        this.afterRemoval(tp, truncate(tp, e.broker, e.toOffset), e, 'truncated');
        return;
      }
      case 'producer.retryScheduled':
        this.retries.set(`${e.producer}|${e.topic}|${e.partition}`, { seq: e.seq, atMs: e.atMs });
        return;
      case 'producer.acked':
        return this.onAck(e);
      case 'producer.failed':
        this.sends.delete(e.commandId);
        return;
      case 'log.compacted':
        this.tp(e.topic, e.partition).compacted = true;
        return;
      case 'consumer.received':
      case 'consumer.positionSet':
        return checkReads(this, e);
      case 'streams.created':
      case 'streams.crashed':
      case 'streams.restarted':
      case 'streams.tasksAssigned':
      case 'streams.tasksCorrupted':
        return this.apps.on(e);
      case 'streams.committed':
        this.apps.on(e);
        if (e.guarantee !== 'exactly_once_v2') this.onAppCommit(e);
        return;
      default:
        return;
    }
  }

  private onCommand(e: EventOf<'command.accepted'>): void {
    const c = e.command;
    if (c.type === 'streams.start') this.apps.on(e);
    else if (c.type === 'producer.create')
      this.producers.set(c.producer, resolveProducerConfig(c.config ?? {}));
    else if (c.type === 'consumer.create') {
      const groupId = c.groupId ?? null;
      this.consumers.set(c.consumer, { ...resolveConsumerConfig(c.config ?? {}, groupId), groupId });
    } else if (c.type === 'producer.send') this.sends.set(e.commandId, { producer: c.producer, key: c.key });
  }

  private onLeaderAppend(e: EventOf<'partition.appended'>): void {
    if (e.topic.startsWith('__')) return;
    const tp = this.tp(e.topic, e.partition);
    const m = this.delivered.get(e.broker);
    const req = m?.kind === 'Produce' ? (m.body as ProduceRequest) : undefined;
    const batch = req?.partitions.find((p) => p.topic === e.topic && p.partition === e.partition)?.batch;
    const producer = m && m.from.startsWith('producer:') ? m.from.slice(9) : (m?.from ?? null);
    const entries: Entry[] = [];
    for (let o = e.baseOffset; o <= e.lastOffset; o++) {
      const x = newEntry(e, e.broker, o, e.leaderEpoch);
      const r = batch?.records[o - e.baseOffset];
      if (r) {
        x.producer = producer;
        x.key = r.key;
        x.value = r.value;
        x.timestamp = r.timestamp;
        x.index = o - e.baseOffset;
        x.producerId = batch!.producerId;
        if (batch!.isTransactional) {
          x.txn = 'open';
          const open = tp.openTxns.get(x.producerId) ?? [];
          open.push(x);
          tp.openTxns.set(x.producerId, open);
        }
      }
      entries.push(x);
    }
    const { overwritten, removed } = leaderAppend(tp, e.broker, entries);
    if (producer !== null && batch) tp.producers.add(producer);
    for (const old of overwritten) this.markLost(tp, old, e, e.broker, 'overwritten');
    this.afterRemoval(tp, removed, e, 'truncated');
    // A Streams instance's output is judged by its application's processing.guarantee.
    const app = this.apps.appOf(producer);
    for (const x of entries) {
      if (x.producer === null) continue;
      if (!app) checkDuplicate(this, tp, x);
      else {
        checkAppDuplicate(this, tp, x, app);
        if (app.guarantee !== 'exactly_once_v2') this.apps.awaitCommit(x.producer, tp, x);
      }
    }
  }

  private onMarker(e: EventOf<'partition.markerWritten'>): void {
    if (e.topic.startsWith('__')) return;
    const tp = this.tp(e.topic, e.partition);
    const x = newEntry(e, e.broker, e.offset, tp.leaderEpoch);
    x.control = e.control;
    const { overwritten, removed } = leaderAppend(tp, e.broker, [x]);
    for (const old of overwritten) this.markLost(tp, old, e, e.broker, 'overwritten');
    this.afterRemoval(tp, removed, e, 'truncated');
    for (const r of tp.openTxns.get(e.producerId) ?? []) {
      r.txn = e.control === 'COMMIT' ? 'committed' : 'aborted';
      if (r.txn === 'aborted' && r.openReaders) reportAbortedReads(this, tp, r, e);
      if (r.twin) settleTwin(this, tp, r, e);
      // An exactly-once application's output is acknowledged when its transaction commits.
      if (r.txn === 'committed' && !r.ack && this.apps.appOf(r.producer)) this.appAck(tp, r, e);
    }
    tp.openTxns.delete(e.producerId);
  }

  private onFollowerAppend(e: EventOf<'replica.appended'>): void {
    if (e.topic.startsWith('__')) return;
    const tp = this.tp(e.topic, e.partition);
    const m = this.delivered.get(e.broker);
    const leader = m ? brokerOf(m.from) : tp.leader;
    const body = m?.kind === 'FetchResponse' ? (m.body as ReplicaFetchResponse) : undefined;
    const part = body?.partitions.find((p) => p.topic === e.topic && p.partition === e.partition);
    const copied = (part?.batches ?? [])
      .flatMap(batchRecords)
      .filter((r) => r.offset >= e.baseOffset && r.offset <= e.lastOffset);
    const make = (offset: number) => newEntry(e, leader, offset, tp.leaderEpoch);
    this.afterRemoval(tp, followerAppend(tp, e.broker, leader, copied, make), e, 'truncated');
  }

  /** Records that lost a copy: an acknowledged one with no copy left is lost. */
  private afterRemoval(
    tp: TpLogs,
    removed: Entry[],
    e: { seq: number; atMs: number; broker?: number },
    how: 'truncated',
  ) {
    for (const x of removed) if (x.holders === 0) this.markLost(tp, x, e, e.broker ?? -1, how);
  }

  private markLost(
    tp: TpLogs,
    x: Entry,
    e: { seq: number; atMs: number },
    broker: number,
    how: 'overwritten' | 'truncated',
  ): void {
    if (x.lost) return;
    x.lost = { seq: e.seq, atMs: e.atMs, broker, how };
    if (x.producer !== null) tp.lostEntries.push(x);
    if (x.ack) this.reportLost(tp, x);
  }

  /** An at_least_once commit: the instance's output so far is acknowledged (see StreamsApps). */
  private onAppCommit(e: EventOf<'streams.committed'>): void {
    const node = `streams:${e.instance}`;
    for (const { tp, x } of this.apps.takeAcknowledged(node)) if (!x.ack) this.appAck(tp, x, e);
  }

  private appAck(tp: TpLogs, x: Entry, e: { seq: number; atMs: number }): void {
    x.ack = { commandId: -1, seq: e.seq, atMs: e.atMs };
    if (x.lost) this.reportLost(tp, x);
  }

  private reportLost(tp: TpLogs, x: Entry): void {
    const config = x.producer ? this.producers.get(x.producer) : undefined;
    const why = explainLost(tp, x, config, this.crashes);
    const app = this.apps.appOf(x.producer);
    if (app) {
      // A Streams application's output: acknowledged by its commit, promised by its guarantee.
      const words = appLossWords(tp, x, app);
      why.sentences[0] = words.told;
      if (why.verdict === 'violation') why.because = words.promise;
      const ack = x.ack!;
      for (const s of why.steps) if (s.seq === ack.seq) s.label = `${app.app} committed offset ${x.offset}`;
    }
    const lost = x.lost!;
    this.add({
      id: `lost-write:${tpName(tp)}:${x.offset}:${x.ack!.commandId}`,
      kind: 'lost-write',
      verdict: why.verdict,
      topic: tp.topic,
      partition: tp.partition,
      offset: x.offset,
      otherOffsets: [],
      producer: x.producer,
      consumer: null,
      seq: Math.max(lost.seq, x.ack!.seq),
      atMs: Math.max(lost.atMs, x.ack!.atMs),
      sentences: why.sentences,
      because: why.because,
      steps: why.steps,
    });
  }

  private onAck(e: EventOf<'producer.acked'>): void {
    const send = this.sends.get(e.commandId);
    this.sends.delete(e.commandId);
    if (e.offset < 0 || e.topic.startsWith('__')) return;
    const tp = this.tp(e.topic, e.partition);
    const x = tp.written[e.offset];
    if (x && x.producer === e.producer && !x.ack) {
      tp.producers.add(e.producer);
      x.ack = { commandId: e.commandId, seq: e.seq, atMs: e.atMs };
      if (x.lost) this.reportLost(tp, x);
    }
    if (send && send.key !== null) checkOrder(this, tp, e, send.key, x);
  }
}

/** Check a whole trace at once. */
export function checkTrace(events: readonly EngineEvent[]): GuaranteeChecker {
  const c = new GuaranteeChecker();
  c.feed(events);
  return c;
}
