/**
 * The typed timers: one map of every timer a node sets, by the node kind that sets it, to the
 * payload the timer carries back (`null`: none). It is the node-local half of the typed wire
 * (rpc-bodies.ts is the network half): `NodeContext.setTimer(name, delayMs, data)` takes a name in
 * this map with its payload, the way `send` takes a kind with its body, and a behaviour declares
 * its kind's timers (`NodeBehaviour<D, V, TimerOf<'broker'>>`) so `switch (timer.name)` in its
 * `onTimer` narrows `timer.data` without a cast.
 *
 * Names are per node kind: two kinds may use the same name with different payloads (a consumer's
 * `requestTimeout` carries the request's message id, a queue service's its own id). Timer names
 * are stored in keyframes (timers are data in the scheduler), so a name, once used, stays.
 * Self-contained on purpose: the kernel imports this file, so it imports nothing.
 */

/** A client's request timer: the id of the message it waits on. */
interface MsgId {
  msgId: number;
}
/** A server-side wait: the id of the request it holds. */
interface RequestId {
  requestId: number;
}

export interface TimerMap {
  broker: {
    heartbeat: null;
    isrCheck: null;
    groupTick: null;
    retentionCheck: null;
    txnTimeoutCheck: null;
    logCleaner: null;
    registerRetry: null;
    metadataFetchRetry: null;
    allocateProducerIdsRetry: null;
    offsetsTopicRetry: null;
    txnTopicRetry: null;
    txnTick: null;
    /** acks=all produce and transaction-marker writes waiting on the high watermark. */
    produceTimeout: RequestId;
    /** A parked Fetch waiting for fetch.min.bytes. */
    fetchWait: RequestId;
    replicaFetchTimeout: { leader: number; requestId: number };
    replicaFetchBackoff: { leader: number };
    alterPartitionTimeout: RequestId;
    groupJoinDelay: { groupId: string };
    groupJoinDeadline: { groupId: string };
    groupSyncDeadline: { groupId: string };
    txnMarkerTimeout: RequestId;
  };
  controller: {
    election: null;
    backoff: null;
    fetchTimeout: null;
    fetchRetry: null;
    leaderTick: null;
    preferredCheck: null;
    /** A parked metadata-log Fetch (long poll). */
    fetchWait: RequestId;
  };
  producer: {
    send: null;
    metadataTimeout: MsgId;
    initTimeout: MsgId;
    requestTimeout: MsgId;
    txnTimeout: MsgId;
  };
  consumer: {
    wake: null;
    heartbeat: null;
    autoCommit: null;
    poll: null;
    requestTimeout: MsgId;
  };
  /** The queue broker (src/engine/queue). */
  queue: {
    visibility: { queue: string; messageId: string; receipt: string };
    pollTimeout: RequestId;
  };
  /** The queue's services: workers, batch jobs, senders and the account service. */
  service: {
    poll: null;
    processed: null;
    wake: null;
    autoSend: null;
    republish: null;
    pollTimeout: { pollId: number };
    ackTimeout: { ackId: number | null };
    runTimeout: { run: number };
    resend: { queue: string; body: string; commandId: number };
    sendTimeout: { id: number };
    requestTimeout: { id: number | null };
  };
  /**
   * A streams instance hosts a producer (`p:`), a consumer (`c:`) and a restore consumer (`r:`)
   * whose timers it prefixes, plus its own commit timer.
   */
  streams: { 's:commit': null } & Prefixed<'p', TimerMap['producer']> &
    Prefixed<'c' | 'r', TimerMap['consumer']>;
  /** Flink's JobManager: heartbeats to TaskManagers, the checkpoint interval, a restart's delay. */
  jobmanager: { heartbeat: null; checkpoint: null; restart: null };
  /**
   * A TaskManager retries its registration; the Kafka clients its tasks run (one per source reader
   * and sink transaction, named at run time) set their own timers under `c|<client>|<timer>`.
   */
  taskmanager: { register: null } & ClientTimers<TimerMap['producer'] & TimerMap['consumer']>;
  /** Kernel tests and the fake brokers of the client tests. */
  test: {
    ping: null;
    fakeFetchWait: { id: number };
    fakeJoinDeadline: { groupId: string };
  };
}

type Prefixed<P extends string, T> = { [K in keyof T & string as `${P}:${K}`]: T[K] };
/** A client's timers under a client name known only at run time (`c|<client>|<timer>`). */
type ClientTimers<T> = { [K in keyof T & string as `c|${string}|${K}`]: T[K] };

/** A node kind that sets timers (a key of TimerMap). */
export type TimerOwner = keyof TimerMap;

/** A timer as a behaviour receives it: its name narrows its data. */
export type TimerOf<N extends TimerOwner> = {
  [K in keyof TimerMap[N]]: { id: number; name: K; data: TimerMap[N][K] };
}[keyof TimerMap[N]];

/** Any timer of any node kind (the kernel holds them all). */
export type AnyTimer = { [N in TimerOwner]: TimerOf<N> }[TimerOwner];
/** Any timer name. */
export type TimerName = AnyTimer['name'];
/** The payload a timer of this name carries (the union over node kinds that use the name). */
export type TimerData<K extends TimerName> = Extract<AnyTimer, { name: K }>['data'];
/** The arguments after the delay: the payload, left out for a timer that carries none. */
export type TimerArgs<K extends TimerName> = [TimerData<K>] extends [null]
  ? [data?: null]
  : [data: TimerData<K>];
