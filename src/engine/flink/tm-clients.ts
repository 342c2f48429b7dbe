/**
 * A TaskManager runs real Kafka clients inside its tasks, as Flink's KafkaSource readers and
 * KafkaSink writers do: one consumer per source subtask, one transactional producer per sink
 * transaction (`<prefix>-<subtask>-<checkpointId>`, as Flink's KafkaSink names them), plus short-lived
 * producers that commit or abort transactions after a restore. Each client keeps its state in the
 * node under its own name; a ClientRun gives it a context of its own: its requests are remembered so
 * answers come back to it, its timers carry its name, and the events the tasks act on are collected.
 */
import { consumerBehaviour } from '../client/consumer';
import type { ConsumerDurable, ConsumerVolatile } from '../client/consumer-state';
import { producerBehaviour } from '../client/producer';
import type { ProducerDurable, ProducerVolatile } from '../client/producer-state';
import type { NodeBehaviour, NodeContext, NodeRecord } from '../kernel/kernel';
import { recordOffset, type ReplicaFetchResponse } from '../protocol/produce';
import { isPartitionFetchResponse, type AnyRpcMessage } from '../protocol/rpc-kinds';
import type { TimerArgs, TimerName, TimerOf } from '../protocol/timer-kinds';
import type { EventMap, EventType } from '../types';

export type SubClient =
  | { kind: 'consumer'; durable: ConsumerDurable; volatile: ConsumerVolatile }
  | { kind: 'producer'; durable: ProducerDurable; volatile: ProducerVolatile };

export interface ClientsState {
  clients: Record<string, SubClient>;
  /** Request message id → the client that sent it. */
  owner: Record<number, string>;
  /** Fetched records' timestamps by `topic-partition` and offset, until the consumer polls them. */
  ts: Record<string, Record<number, number>>;
}

const WATCHED = new Set<string>([
  'consumer.received',
  'producer.transactionCommitted',
  'producer.transactionAborted',
  'producer.transactionsInitialized',
  'producer.fenced',
]);

export interface ClientEvent {
  client: string;
  type: EventType;
  fields: EventMap[EventType];
}

const behaviourOf = (c: SubClient) =>
  (c.kind === 'producer' ? producerBehaviour : consumerBehaviour) as unknown as NodeBehaviour<
    unknown,
    unknown
  >;

export class ClientRun {
  readonly events: ClientEvent[] = [];

  constructor(
    readonly ctx: NodeContext,
    readonly node: NodeRecord<unknown, unknown>,
    readonly state: ClientsState,
  ) {}

  private clientCtx(name: string): NodeContext {
    const { ctx, state, events } = this;
    return {
      id: ctx.id,
      now: () => ctx.now(),
      send: (to, kind, body, inReplyTo) => {
        const id = ctx.send(to, kind, body, inReplyTo);
        state.owner[id] = name;
        return id;
      },
      // Under the client's name: TimerMap['taskmanager'] holds the clients' timers as `c|<client>|…`.
      // The name and its payload were checked together at the client's own call.
      setTimer: (t, delayMs, ...data) =>
        ctx.setTimer(`c|${name}|${t}` as TimerName, delayMs, ...(data as TimerArgs<TimerName>)),
      cancelTimer: (id) => ctx.cancelTimer(id),
      random: () => ctx.random(),
      randomInt: (n) => ctx.randomInt(n),
      emit: (type, fields) => {
        ctx.emit(type, fields);
        if (WATCHED.has(type)) events.push({ client: name, type, fields: fields as EventMap[EventType] });
      },
      shared: () => ctx.shared(),
      get config() {
        return ctx.config;
      },
    };
  }

  /** Runs `fn` as client `name` (which must exist); its state is written back afterwards. */
  as(
    name: string,
    fn: (ctx: NodeContext, node: NodeRecord<unknown, unknown> & { volatile: unknown }) => void,
  ) {
    const c = this.state.clients[name];
    if (!c) return;
    const view = {
      id: this.node.id,
      kind: this.node.kind,
      alive: this.node.alive,
      incarnation: this.node.incarnation,
      rng: this.node.rng,
      durable: c.durable as unknown,
      volatile: c.volatile as unknown,
    };
    try {
      fn(this.clientCtx(name), view);
    } finally {
      // Written back into the client's own record: `fn` ran that client's behaviour on its state.
      c.volatile = view.volatile as SubClient['volatile'];
    }
  }

  /** Adds and starts a client. */
  add(
    name: string,
    client: { kind: 'consumer'; durable: ConsumerDurable } | { kind: 'producer'; durable: ProducerDurable },
  ) {
    this.state.clients[name] = { ...client, volatile: null } as unknown as SubClient;
    const c = this.state.clients[name]!;
    this.as(name, (ctx, n) => {
      n.volatile = behaviourOf(c).start(ctx, n);
    });
  }

  remove(name: string): void {
    delete this.state.clients[name];
  }

  onMessage(msg: AnyRpcMessage): boolean {
    const name = msg.inReplyTo === undefined ? undefined : this.state.owner[msg.inReplyTo];
    if (name === undefined) return false;
    delete this.state.owner[msg.inReplyTo!];
    const c = this.state.clients[name];
    if (!c) return true; // a client of a cancelled task: its answers are dropped
    if (c.kind === 'consumer' && msg.kind === 'FetchResponse' && isPartitionFetchResponse(msg))
      noteTimestamps(this.state, msg.body);
    this.as(name, (ctx, n) => behaviourOf(c).onMessage(ctx, n, msg));
    return true;
  }

  onUndeliverable(msg: AnyRpcMessage): boolean {
    const name = this.state.owner[msg.id];
    if (name === undefined) return false;
    delete this.state.owner[msg.id];
    const c = this.state.clients[name];
    if (c) this.as(name, (ctx, n) => behaviourOf(c).onUndeliverable?.(ctx, n, msg));
    return true;
  }

  /** Timers named `c|<client>|<timer>`; returns false for the node's own timers. */
  onTimer(timer: TimerOf<'taskmanager'>): boolean {
    if (!timer.name.startsWith('c|')) return false;
    const rest = timer.name.slice(2);
    const cut = rest.indexOf('|');
    const name = rest.slice(0, cut);
    const c = this.state.clients[name];
    // The client's own timer without its prefix (TimerMap['taskmanager'] holds the clients' maps).
    const own = { ...timer, name: rest.slice(cut + 1) } as TimerOf<'producer'> | TimerOf<'consumer'>;
    if (c) this.as(name, (ctx, n) => behaviourOf(c).onTimer(ctx, n, own));
    return true;
  }

  /** The timestamp of a polled record (CreateTime from the fetched batch). */
  takeTimestamp(topic: string, partition: number, offset: number): number {
    const map = this.state.ts[`${topic}-${partition}`];
    const ts = map?.[offset] ?? 0;
    if (map) delete map[offset];
    return ts;
  }
}

function noteTimestamps(state: ClientsState, body: ReplicaFetchResponse): void {
  for (const r of body.partitions ?? []) {
    if (r.error !== null) continue;
    const map = (state.ts[`${r.topic}-${r.partition}`] ??= {});
    for (const b of r.batches) {
      if (b.isControl) continue;
      b.records.forEach((rec, i) => {
        map[recordOffset(b, i)] = rec.timestamp;
      });
    }
  }
}
