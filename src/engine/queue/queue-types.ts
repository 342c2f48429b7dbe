/**
 * Public data types of the message-queue module (src/engine/queue): a simple queue broker in the
 * style of Amazon SQS, the services that use it (a sender, a streaming worker, a scheduled batch
 * job, an account service) and what they put in the trace and the snapshot. Plain serialisable data,
 * merged into the engine's CommandMap, EventMap and ClusterSnapshot (types.ts).
 */
import type { CommandId, NodeId } from '../ids';

/** What a queue node has for one message. `in-flight`: received, invisible until acked or expired. */
export type QueueMessageState = 'ready' | 'in-flight';

export interface QueueCommandMap {
  /** Create a named queue on the queue broker (`queue-1`, started on first use). */
  'queue.create': { queue: string; visibilityTimeoutMs?: number };
  /**
   * A sender client: a service that puts messages on queues. Node `sender:<name>`. With `everyMs`
   * it also sends on its own, like a shop taking orders: `<bodyPrefix><n>` to `queue` every
   * `everyMs`, `count` times (unbounded without `count`).
   */
  'sender.create': { sender: string; queue?: string; everyMs?: number; count?: number; bodyPrefix?: string };
  /** The sender sends one message (SendMessage RPC to the queue broker). */
  'queue.send': { sender: string; queue: string; body: string };
  /**
   * A streaming worker (node `worker:<name>`): long-polls the queue and handles each message as it
   * arrives, taking `processingMs`, then acks it (DeleteMessage).
   */
  'worker.create': {
    worker: string;
    queue: string;
    processingMs?: number;
    maxMessages?: number;
    waitTimeMs?: number;
  };
  /**
   * A scheduled batch job (node `batch:<name>`): every `everyMs` it starts, takes what is there,
   * handles it all together (`processingMs` + `perMessageMs` each), and exits. From a `queue` it
   * drains the queue and acks everything (the queue deletes it); from a Kafka `topic` it fetches
   * each partition from where its last run stopped (a checkpoint it keeps) up to the high
   * watermark, and the log keeps every record. Give exactly one of `queue` and `topic`.
   */
  'batchJob.create': {
    job: string;
    queue?: string;
    topic?: string;
    everyMs: number;
    processingMs?: number;
    perMessageMs?: number;
  };
  /**
   * An account service (node `service:<name>`): takes InitiateTransaction commands from `queue`,
   * keeps balances, and publishes AccountBalanceChanged / TransactionCompleted / TransactionFailed
   * events to the Kafka topic `topic` with Produce requests (acks=all).
   */
  'accountService.create': {
    service: string;
    queue: string;
    topic: string;
    balances: Record<string, number>;
    processingMs?: number;
  };
}

export interface QueueEventMap {
  'queue.crashed': { node: NodeId };
  'queue.restarted': { node: NodeId };
  'service.crashed': { node: NodeId };
  'service.restarted': { node: NodeId };
  'queue.created': { node: NodeId; queue: string; visibilityTimeoutMs: number };
  /** The queue stored a message (it is ready). */
  'queue.messageSent': { node: NodeId; queue: string; messageId: string; sender: NodeId; body: string };
  /** The queue handed a message to a consumer: it is in flight (invisible to others) until acked. */
  'queue.messageReceived': {
    node: NodeId;
    queue: string;
    messageId: string;
    consumer: NodeId;
    receiveCount: number;
  };
  /** A consumer acked the message: the queue deleted it for good. */
  'queue.messageDeleted': { node: NodeId; queue: string; messageId: string; consumer: NodeId };
  /** Nobody acked within the visibility timeout: the message is ready again, for anyone. */
  'queue.visibilityExpired': {
    node: NodeId;
    queue: string;
    messageId: string;
    consumer: NodeId;
    receiveCount: number;
  };
  /** An ack with a stale receipt (the message had expired and was handed out again) was refused. */
  'queue.ackRejected': { node: NodeId; queue: string; messageId: string; consumer: NodeId };
  /** A sender's SendMessage was answered with an error. */
  'sender.failed': { commandId: CommandId; sender: string; queue: string; error: string };
  /** A streaming worker finished handling one message (it acks it next). */
  'worker.handled': { worker: string; queue: string; messageId: string; body: string; receiveCount: number };
  /**
   * A batch job woke up on its schedule and started taking what is there. `queue` names its
   * source: a queue, or a Kafka topic when `source` is 'topic'.
   */
  'batch.started': { job: string; source: 'queue' | 'topic'; queue: string; run: number };
  /** A batch job handled everything it collected, together (topic records: `<topic>-<p>@<offset>`). */
  'batch.handled': {
    job: string;
    source: 'queue' | 'topic';
    queue: string;
    run: number;
    messageIds: string[];
    bodies: string[];
  };
  /** A batch job acked its batch (or saved its checkpoint) and exited until its next run. */
  'batch.finished': {
    job: string;
    source: 'queue' | 'topic';
    queue: string;
    run: number;
    handled: number;
    nextRunAtMs: number;
  };
  /** The account service decided a transaction and its events are in the topic. */
  'account.transactionProcessed': {
    service: string;
    transactionId: string;
    outcome: 'completed' | 'failed';
    reason: string | null;
    /** Event types published, in order. */
    events: AccountEventType[];
    topic: string;
    partition: number;
    baseOffset: number;
    balances: Record<string, number>;
  };
  /** A command whose transaction was already processed (a redelivery): acked, nothing published. */
  'account.duplicateIgnored': { service: string; transactionId: string; messageId: string };
}

export type AccountEventType = 'AccountBalanceChanged' | 'TransactionCompleted' | 'TransactionFailed';

export interface QueueMessageSnapshot {
  messageId: string;
  body: string;
  state: QueueMessageState;
  sender: NodeId;
  sentAtMs: number;
  receiveCount: number;
  /** Who holds it while in flight. */
  consumer: NodeId | null;
  /** When an in-flight message becomes visible again if not acked. */
  visibleAtMs: number | null;
}

export interface QueueSnapshot {
  name: string;
  node: NodeId;
  alive: boolean;
  visibilityTimeoutMs: number;
  /** Oldest first: ready and in-flight messages (deleted ones are gone). */
  messages: QueueMessageSnapshot[];
  ready: number;
  inFlight: number;
  sent: number;
  /** Acked and deleted for good. */
  deleted: number;
  /** Handed out again after a visibility timeout. */
  redelivered: number;
  /** Long polls waiting for a message. */
  waiting: number;
}

export type ServiceRole = 'sender' | 'worker' | 'batch' | 'account';

export interface ServiceSnapshot {
  id: string;
  node: NodeId;
  role: ServiceRole;
  alive: boolean;
  /** The queue it sends to or reads from ('' for a sender, which names one per message). */
  queue: string;
  /**
   * sender: 'idle' | 'sending'; worker and account: 'polling' | 'processing' | 'publishing';
   * batch: 'sleeping' (not running) | 'collecting' | 'processing' | 'acking'.
   */
  state: string;
  /** Messages sent (sender) or handled (the others). */
  count: number;
  /** Message ids in hand (received, not yet acked). */
  holding: string[];
  /** batch: runs so far and the next start; null otherwise. */
  runs: number | null;
  nextRunAtMs: number | null;
  /** account: balances now; null otherwise. */
  balances: Record<string, number> | null;
  /** account: the Kafka topic it publishes to; batch: the topic it reads, if it reads one. */
  topic: string | null;
}
