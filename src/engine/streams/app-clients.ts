/**
 * One streams instance runs three real clients in one node, as Kafka Streams does in one process:
 * the main consumer (a group member, group.id = application.id), the restore consumer (manual
 * assignment of changelog partitions) and the producer. Each keeps its own state in a sub-record of
 * the node; a `Run` gives each client a context of its own: its requests are remembered so their
 * answers come back to it, its timers are prefixed with its letter, and the events the application
 * reacts to (records polled, assignments, transaction outcomes) are collected for the stream thread.
 */
import type { ConsumerDurable, ConsumerNode, ConsumerVolatile } from '../client/consumer-state';
import type { ProducerDurable, ProducerNode, ProducerVolatile } from '../client/producer-state';
import type { NodeContext, NodeRecord } from '../kernel/kernel';
import type { TimerArgs, TimerName } from '../protocol/timer-kinds';
import type { EventMap, EventType } from '../types';
import type { StreamsNode, SubClient } from './app-state';

/** The client events the stream thread acts on. */
const WATCHED = new Set<string>([
  'consumer.received',
  'consumer.assigned',
  'consumer.revoked',
  'producer.transactionCommitted',
  'producer.transactionAborted',
  'producer.fenced',
]);

export interface ClientEvent {
  who: SubClient;
  type: EventType;
  fields: EventMap[EventType];
}

function view<D, V>(self: StreamsNode, durable: D, volatile: V): NodeRecord<D, V> & { volatile: V } {
  return {
    id: self.id,
    kind: self.kind,
    alive: self.alive,
    incarnation: self.incarnation,
    rng: self.rng,
    durable,
    volatile,
  };
}

export class Run {
  readonly events: ClientEvent[] = [];
  private readonly ctxs: Partial<Record<SubClient, NodeContext>> = {};

  constructor(
    readonly ctx: NodeContext,
    readonly self: StreamsNode,
  ) {}

  /** The context a sub-client sees: its requests and timers are tagged with its letter. */
  clientCtx(who: SubClient): NodeContext {
    const cached = this.ctxs[who];
    if (cached) return cached;
    const { ctx, self, events } = this;
    const c: NodeContext = {
      id: ctx.id,
      now: () => ctx.now(),
      send: (to, kind, body, inReplyTo) => {
        const id = ctx.send(to, kind, body, inReplyTo);
        self.volatile.owner[id] = who;
        return id;
      },
      // Under the client's letter: TimerMap['streams'] is the clients' maps, prefixed. The name and
      // its payload were checked together at the client's own call.
      setTimer: (name, delayMs, ...data) =>
        ctx.setTimer(`${who}:${name}` as TimerName, delayMs, ...(data as TimerArgs<TimerName>)),
      cancelTimer: (id) => ctx.cancelTimer(id),
      random: () => ctx.random(),
      randomInt: (n) => ctx.randomInt(n),
      emit: (type, fields) => {
        ctx.emit(type, fields);
        if (WATCHED.has(type)) events.push({ who, type, fields: fields as EventMap[EventType] });
      },
      shared: () => ctx.shared(),
      get config() {
        return ctx.config;
      },
    };
    this.ctxs[who] = c;
    return c;
  }

  /** Runs `fn` as the main ('c') or restore ('r') consumer. */
  consumer<T>(who: 'c' | 'r', fn: (ctx: NodeContext, node: ConsumerNode) => T): T {
    const s = this.self;
    const key = who === 'c' ? 'consumer' : 'restore';
    const node = view<ConsumerDurable, ConsumerVolatile>(s, s.durable[key], s.volatile[key]);
    try {
      return fn(this.clientCtx(who), node);
    } finally {
      s.volatile[key] = node.volatile;
    }
  }

  producer<T>(fn: (ctx: NodeContext, node: ProducerNode) => T): T {
    const s = this.self;
    const node = view<ProducerDurable, ProducerVolatile>(s, s.durable.producer, s.volatile.producer);
    try {
      return fn(this.clientCtx('p'), node);
    } finally {
      s.volatile.producer = node.volatile;
    }
  }

  /** Runs `fn` as whichever client `who` is. */
  as(
    who: SubClient,
    fn: (ctx: NodeContext, node: NodeRecord<unknown, unknown> & { volatile: unknown }) => void,
  ) {
    if (who === 'p') this.producer(fn);
    else this.consumer(who, fn);
  }
}
