/**
 * The kernel: one virtual clock, one scheduler, seeded randomness, the network, node lifecycles
 * and the event trace. It knows nothing about Kafka; brokers, controllers and clients are node
 * behaviours registered with it.
 *
 * Everything the kernel owns is plain structured-clone data in `KernelState` (timers are data,
 * not closures), so a keyframe is `structuredClone(state)` plus the trace length. Behaviours are
 * stateless modules: a node's state lives in its record, split into `durable` (kept across a crash:
 * logs, checkpoints) and `volatile` (rebuilt from durable state by `start` on every (re)start).
 */
import type {
  EngineEvent,
  EventMap,
  EventType,
  InFlightMessage,
  NodeId,
  NodeKind,
  NodeSnapshot,
} from '../types';
import type { AnyRpcMessage, RpcBodies, RpcEnvelope, RpcKind, RpcMessageOf } from '../protocol/rpc-kinds';
import type { AnyTimer, TimerArgs, TimerName } from '../protocol/timer-kinds';
import { fetchRoleOf } from '../protocol/rpc-kinds';
import { deriveStream, nextFloat, nextInt, type PrngState } from './prng';
import { createScheduler, peek, pop, schedule, type SchedulerState } from './scheduler';
import { blockReason, createNetwork, planDelivery, type NetworkState } from './network';
import type { NetworkOptions, DropReason } from '../types';

/**
 * A message whose body a handler has already narrowed: `RpcMessage<ProduceRequest>`. (The kernel
 * delivers `AnyRpcMessage`, whose `kind` narrows its body; see protocol/rpc-kinds.ts.)
 */
export interface RpcMessage<B = unknown> extends RpcEnvelope {
  kind: RpcKind;
  body: B;
}

export interface NodeRecord<D = unknown, V = unknown> {
  id: NodeId;
  kind: NodeKind;
  alive: boolean;
  /** Number of starts so far; timers from an earlier incarnation never fire. */
  incarnation: number;
  rng: PrngState;
  durable: D;
  /** null while the node is down. */
  volatile: V | null;
}

/** A timer as the kernel keeps it; a behaviour sees its own kind's (`TimerOf<…>`, timer-kinds.ts). */
export type Timer = AnyTimer;

/** What a node may do: all of its effects on the world go through here. */
export interface NodeContext {
  readonly id: NodeId;
  now(): number;
  /**
   * Send an RPC over the simulated network with the body its kind carries (protocol/rpc-bodies.ts);
   * `inReplyTo` makes it the answer to that request. Returns the message id.
   */
  send<K extends RpcKind>(to: NodeId, kind: K, body: RpcBodies[K], inReplyTo?: number): number;
  /**
   * Set a timer with the payload its name carries (protocol/timer-kinds.ts); it fires once through
   * `onTimer`, unless cancelled or the node restarts first. Returns the timer id.
   */
  setTimer<K extends TimerName>(name: K, delayMs: number, ...data: TimerArgs<K>): number;
  cancelTimer(timerId: number): void;
  /** Uniform [0, 1) from this node's own stream. */
  random(): number;
  /** Uniform integer in [0, n) from this node's own stream. */
  randomInt(n: number): number;
  emit<K extends EventType>(type: K, fields: EventMap[K]): void;
  /**
   * Module bookkeeping for narration and snapshots (see KernelState.shared). Node logic must never
   * read it to decide anything: nodes know only what messages told them.
   */
  shared(): Record<string, unknown>;
  /** Read-only cluster-wide configuration given at creation. */
  readonly config: Readonly<Record<string, unknown>>;
}

/** `T`: the timers of this node kind (`TimerOf<'broker'>`), which `onTimer` narrows by name. */
export interface NodeBehaviour<D = unknown, V = unknown, T extends AnyTimer = AnyTimer> {
  /** First start and every restart: build volatile state from durable state. */
  start(ctx: NodeContext, self: NodeRecord<D, V>): V;
  onMessage(ctx: NodeContext, self: NodeRecord<D, V> & { volatile: V }, msg: AnyRpcMessage): void;
  onTimer(ctx: NodeContext, self: NodeRecord<D, V> & { volatile: V }, timer: T): void;
  /**
   * A message this node sent reached a node that is down. A crashed process's connections close,
   * so a real client learns at once (connection refused or reset) instead of waiting for its
   * request timeout. Losses and partitions stay silent, as they are on a real network.
   */
  onUndeliverable?(ctx: NodeContext, self: NodeRecord<D, V> & { volatile: V }, msg: AnyRpcMessage): void;
  /** If set, only requests of these kinds are tracked for onUndeliverable (the rest cost nothing). */
  undeliverableKinds?: ReadonlySet<string>;
  /** Called as the node goes down, before its volatile state is dropped (rarely needed). */
  onCrash?(self: NodeRecord<D, V>): void;
}

/**
 * A behaviour of any node kind. The kernel holds every kind's behaviour in one table and hands each
 * the record of a node of its own kind; behaviour methods take their records bivariantly, so a
 * `NodeBehaviour<BrokerDurable, BrokerVolatile>` is one of these without a cast.
 */
export type AnyNodeBehaviour = NodeBehaviour<unknown, unknown, AnyTimer>;

const MAX_OPEN_REQUESTS = 4096;

type Entry =
  | { type: 'deliver'; msg: AnyRpcMessage; drop: DropReason | null }
  | { type: 'timer'; node: NodeId; incarnation: number; timer: Timer };

export interface KernelState {
  seed: number;
  nowMs: number;
  /** Scheduler entries processed so far (for exact replay of the command log). */
  processed: number;
  sched: SchedulerState<Entry>;
  nextMessageId: number;
  nextTimerId: number;
  cancelledTimers: Set<number>;
  netRng: PrngState;
  network: NetworkState;
  /** In creation order. */
  nodes: Record<NodeId, NodeRecord>;
  /**
   * Requests each node has received and not yet answered, kept only for senders that care
   * (behaviours with onUndeliverable): if the node crashes, those senders learn at once, as a reset
   * connection would tell them, instead of waiting out their request timeouts.
   */
  openRequests: Record<NodeId, Record<number, AnyRpcMessage>>;
  config: Record<string, unknown>;
  /**
   * Bookkeeping of engine modules that no node may read: e.g. the cluster's omniscient view of the
   * committed metadata, used for snapshots and narration only.
   */
  shared: Record<string, unknown>;
}

export class Kernel {
  state: KernelState;
  /**
   * The trace. Not part of `state`: a keyframe records its length instead. Replaced only by the
   * facade's `detachTrace`/`reattachTrace` (a host keeping a long cut-off future).
   */
  trace: EngineEvent[] = [];
  private readonly behaviours: Partial<Record<NodeKind, AnyNodeBehaviour>>;
  private readonly contexts = new Map<NodeId, NodeContext>();
  private sink: EngineEvent[] | null = null;
  /**
   * While replaying over events the host already holds (`countEvents`): the length the trace
   * would have. Events are then counted, not built: the replay makes the same ones again.
   */
  private counted: number | undefined;

  constructor(options: {
    seed: number;
    network?: NetworkOptions;
    config?: Record<string, unknown>;
    behaviours: Partial<Record<NodeKind, AnyNodeBehaviour>>;
  }) {
    this.behaviours = options.behaviours;
    this.state = {
      seed: options.seed,
      nowMs: 0,
      processed: 0,
      sched: createScheduler<Entry>(),
      nextMessageId: 1,
      nextTimerId: 1,
      cancelledTimers: new Set(),
      netRng: deriveStream(options.seed, 'network'),
      network: createNetwork(options.network),
      nodes: {},
      openRequests: {},
      config: options.config ?? {},
      shared: {},
    };
  }

  now(): number {
    return this.state.nowMs;
  }

  node(id: NodeId): NodeRecord | undefined {
    return this.state.nodes[id];
  }

  nodeIds(): NodeId[] {
    return Object.keys(this.state.nodes);
  }

  /** Add a node and start it. */
  addNode<D>(id: NodeId, kind: NodeKind, durable: D): void {
    if (this.state.nodes[id]) throw new Error(`node ${id} already exists`);
    const rec: NodeRecord = {
      id,
      kind,
      alive: false,
      incarnation: 0,
      rng: deriveStream(this.state.seed, `node:${id}`),
      durable,
      volatile: null,
    };
    this.state.nodes[id] = rec;
    this.startNode(rec);
  }

  /** Remove a node for good (a closed client). Messages to it are dropped as node-down. */
  removeNode(id: NodeId): void {
    const rec = this.state.nodes[id];
    if (!rec) return;
    rec.alive = false;
    rec.volatile = null;
    rec.incarnation++;
    delete this.state.nodes[id];
    this.contexts.delete(id);
  }

  crash(id: NodeId): void {
    const rec = this.mustNode(id);
    if (!rec.alive) return;
    this.behaviourOf(rec).onCrash?.(rec);
    rec.alive = false;
    rec.volatile = null;
    this.emit(`${rec.kind}.crashed`, { node: id });
    // Connections to the dead process reset: whoever waits on it for an answer learns now.
    const open = this.state.openRequests[id];
    delete this.state.openRequests[id];
    for (const msg of Object.values(open ?? {})) {
      const sender = this.state.nodes[msg.from];
      if (sender?.alive) this.behaviourOf(sender).onUndeliverable?.(this.ctx(sender.id), sender, msg);
    }
  }

  restart(id: NodeId): void {
    const rec = this.mustNode(id);
    if (rec.alive) return;
    this.emit(`${rec.kind}.restarted`, { node: id });
    this.startNode(rec);
  }

  private startNode(rec: NodeRecord): void {
    rec.alive = true;
    rec.incarnation++;
    rec.volatile = this.behaviourOf(rec).start(this.ctx(rec.id), rec);
  }

  // ----- events -----

  emit<K extends EventType>(type: K, fields: EventMap[K]): void {
    if (this.counted !== undefined) {
      this.counted++;
      return;
    }
    const event = { seq: this.trace.length + 1, atMs: this.state.nowMs, type, ...fields } as EngineEvent;
    this.trace.push(event);
    this.sink?.push(event);
  }

  /** The trace's length, counted events included. */
  traceLength(): number {
    return this.counted ?? this.trace.length;
  }

  /**
   * Count events instead of recording them, from a trace of `length` events (a replay over
   * recorded events: the engine is deterministic, so it would only make the same ones again).
   */
  countEvents(length: number): void {
    this.counted = length;
  }

  /** Record events again; returns the length counted to (undefined if not counting). */
  stopCounting(): number | undefined {
    const n = this.counted;
    this.counted = undefined;
    return n;
  }

  // ----- time -----

  /** Process the next scheduled entry. Returns the events it produced ([] when idle). */
  step(): EngineEvent[] {
    const out: EngineEvent[] = [];
    this.sink = out;
    try {
      const next = pop(this.state.sched);
      if (next) {
        this.state.nowMs = Math.max(this.state.nowMs, next.atMs);
        this.state.processed++;
        this.process(next.entry);
      }
    } finally {
      this.sink = null;
    }
    return out;
  }

  /** Time of the next scheduled entry, if any. */
  nextAtMs(): number | undefined {
    return peek(this.state.sched)?.atMs;
  }

  /** Process everything due up to now + ms, then set the clock to now + ms. */
  runFor(ms: number): EngineEvent[] {
    const target = this.state.nowMs + ms;
    const out: EngineEvent[] = [];
    for (;;) {
      const at = this.nextAtMs();
      if (at === undefined || at > target) break;
      for (const e of this.step()) out.push(e);
    }
    this.state.nowMs = target;
    return out;
  }

  /** Move the clock forward without processing anything (nothing may be due before `atMs`). */
  advanceTo(atMs: number): void {
    const next = this.nextAtMs();
    if (next !== undefined && next < atMs) throw new Error('advanceTo would skip scheduled work');
    this.state.nowMs = Math.max(this.state.nowMs, atMs);
  }

  private process(entry: Entry): void {
    if (entry.type === 'timer') {
      const { timer } = entry;
      if (this.state.cancelledTimers.delete(timer.id)) return;
      const rec = this.state.nodes[entry.node];
      if (!rec || !rec.alive || rec.incarnation !== entry.incarnation) return;
      this.behaviourOf(rec).onTimer(this.ctx(rec.id), rec, timer);
      return;
    }
    const { msg } = entry;
    const base = { id: msg.id, from: msg.from, to: msg.to, kind: msg.kind };
    const reason = entry.drop ?? blockReason(this.state.network, msg.from, msg.to);
    const rec = this.state.nodes[msg.to];
    if (reason) {
      this.emit('rpc.dropped', { ...base, reason });
    } else if (!rec || !rec.alive) {
      this.emit('rpc.dropped', { ...base, reason: 'node-down' });
      const sender = this.state.nodes[msg.from];
      if (sender?.alive) this.behaviourOf(sender).onUndeliverable?.(this.ctx(sender.id), sender, msg);
    } else {
      this.emit('rpc.delivered', base);
      if (msg.inReplyTo === undefined) this.trackOpenRequest(msg);
      this.behaviourOf(rec).onMessage(this.ctx(rec.id), rec, msg);
    }
  }

  // ----- node context -----

  private ctx(id: NodeId): NodeContext {
    let c = this.contexts.get(id);
    if (!c) {
      c = this.makeContext(id);
      this.contexts.set(id, c);
    }
    return c;
  }

  private makeContext(id: NodeId): NodeContext {
    // The context outlives state restores (keyframes), so it reads the kernel, not a captured state.
    // eslint-disable-next-line @typescript-eslint/no-this-alias
    const k = this;
    const rec = () => k.mustNode(id);
    return {
      id,
      now: () => k.state.nowMs,
      send: (to, kind, body, inReplyTo) => k.send(id, to, kind, body, inReplyTo),
      setTimer: (name, delayMs, ...[data]) => {
        const r = rec();
        // The name and its payload were checked together at the call (TimerArgs); kept as one timer.
        const timer = { id: k.state.nextTimerId++, name, data: data ?? null } as AnyTimer;
        schedule(k.state.sched, k.state.nowMs + Math.max(0, Math.round(delayMs)), {
          type: 'timer',
          node: id,
          incarnation: r.incarnation,
          timer,
        });
        return timer.id;
      },
      cancelTimer: (timerId) => {
        k.state.cancelledTimers.add(timerId);
      },
      random: () => nextFloat(rec().rng),
      randomInt: (n) => nextInt(rec().rng, n),
      emit: (type, fields) => k.emit(type, fields),
      shared: () => k.state.shared,
      get config() {
        return k.state.config;
      },
    };
  }

  private trackOpenRequest(msg: AnyRpcMessage): void {
    const sender = this.state.nodes[msg.from];
    const behaviour = sender && this.behaviourOf(sender);
    if (!behaviour?.onUndeliverable) return;
    if (behaviour.undeliverableKinds && !behaviour.undeliverableKinds.has(msg.kind)) return;
    const open = (this.state.openRequests[msg.to] ??= {});
    open[msg.id] = msg;
    // Requests that are never answered (acks=0) must not pile up: keep the newest few thousand.
    const ids = Object.keys(open);
    if (ids.length > MAX_OPEN_REQUESTS) delete open[Number(ids[0])];
  }

  send<K extends RpcKind>(from: NodeId, to: NodeId, kind: K, body: RpcBodies[K], inReplyTo?: number): number {
    if (inReplyTo !== undefined) {
      const open = this.state.openRequests[from];
      if (open) delete open[inReplyTo];
    }
    const id = this.state.nextMessageId++;
    const sentAtMs = this.state.nowMs;
    const plan = planDelivery(this.state.network, this.state.netRng, from, to, sentAtMs);
    // `kind` is K and `body` is RpcBodies[K]; the compiler cannot see that this pair is the member
    // of the message union for K, so the literal is asserted to be that member.
    const msg = { id, from, to, kind, body, sentAtMs, deliverAtMs: plan.deliverAtMs } as RpcMessageOf<K>;
    if (inReplyTo !== undefined) msg.inReplyTo = inReplyTo;
    this.emit('rpc.sent', {
      id,
      from,
      to,
      kind,
      sentAtMs,
      deliverAtMs: plan.deliverAtMs,
      ...(inReplyTo !== undefined ? { inReplyTo } : {}),
      body,
    });
    schedule(this.state.sched, plan.deliverAtMs, { type: 'deliver', msg, drop: plan.drop });
    return id;
  }

  /** Run `fn` as node `id` (for commands handed straight to a node, like an admin request). */
  invoke<D, V>(id: NodeId, fn: (ctx: NodeContext, self: NodeRecord<D, V> & { volatile: V }) => void): void {
    const rec = this.mustNode(id);
    if (!rec.alive) throw new Error(`node ${id} is down`);
    // The caller names the state types of the node it invokes (it created that node with them);
    // the kernel keeps every node's state as unknown, so it takes the caller's word here.
    fn(this.ctx(id), rec as NodeRecord<D, V> & { volatile: V });
  }

  // ----- helpers -----

  mustNode(id: NodeId): NodeRecord {
    const rec = this.state.nodes[id];
    if (!rec) throw new Error(`unknown node ${id}`);
    return rec;
  }

  private behaviourOf(rec: NodeRecord): AnyNodeBehaviour {
    const b = this.behaviours[rec.kind];
    if (!b) throw new Error(`no behaviour registered for node kind ${rec.kind}`);
    return b;
  }

  /**
   * Every message sent and not yet delivered or dropped, straight from the scheduler, oldest first
   * (by send time, then id): what a view draws in flight at this instant.
   */
  inFlight(): InFlightMessage[] {
    const out: InFlightMessage[] = [];
    for (const { entry } of this.state.sched.heap) {
      if (entry.type !== 'deliver') continue;
      const m = entry.msg;
      const f: InFlightMessage = {
        id: m.id,
        kind: m.kind,
        from: m.from,
        to: m.to,
        sentAtMs: m.sentAtMs,
        deliverAtMs: m.deliverAtMs,
      };
      if (m.inReplyTo !== undefined) f.inReplyTo = m.inReplyTo;
      if (entry.drop) f.drop = entry.drop;
      const role = fetchRoleOf(m.kind, m.to, m.body);
      if (role) f.fetchRole = role;
      out.push(f);
    }
    return out.sort((a, b) => a.sentAtMs - b.sentAtMs || a.id - b.id);
  }

  nodeSnapshots(): NodeSnapshot[] {
    return Object.values(this.state.nodes).map((n) => ({
      id: n.id,
      kind: n.kind,
      alive: n.alive,
      incarnation: n.incarnation,
    }));
  }
}
