/**
 * State of the queue's client nodes (kind 'service'): a sender, a streaming worker, a scheduled
 * batch job and an account service. One node kind with a role, because they share the
 * receive-handle-ack loop; each role's logic lives in its own file.
 */
import type { NodeContext, NodeRecord } from '../kernel/kernel';
import type { NodeId } from '../types';
import type { ReceivedMessage } from './queue-protocol';
import type { AccountEventType, ServiceRole } from './queue-types';

export const SERVICE_PREFIX: Record<ServiceRole, string> = {
  sender: 'sender:',
  worker: 'worker:',
  batch: 'batch:',
  account: 'service:',
};

export function serviceNodeId(role: ServiceRole, name: string): NodeId {
  return `${SERVICE_PREFIX[role]}${name}`;
}

export interface ServiceDurable {
  role: ServiceRole;
  name: string;
  /** The queue broker. */
  broker: NodeId;
  /** The queue it reads ('' for a sender). */
  queue: string;
  processingMs: number;
  maxMessages: number;
  waitTimeMs: number;
  /** batch: the schedule. */
  everyMs: number;
  perMessageMs: number;
  createdAtMs: number;
  runs: number;
  /** Messages sent (sender) or handled; kept across a crash like a metric. */
  count: number;
  /** account: the Kafka topic for events, the brokers to ask for metadata, its database. */
  topic: string;
  bootstrap: NodeId[];
  balances: Record<string, number>;
  /** account: transactions already decided (a redelivered command is not applied twice). */
  processed: string[];
  /** batch from a topic: the next offset to read per partition (its checkpoint, kept on disk). */
  positions: Record<number, number>;
  /** sender: send on its own every `everyMs` (0: only when told), `limit` times (-1: no limit). */
  autoLimit: number;
  autoSent: number;
  bodyPrefix: string;
}

export interface PendingSend {
  queue: string;
  body: string;
  commandId: number;
}

export interface AccountRecord {
  type: AccountEventType;
  value: string;
}

export interface Decision {
  transactionId: string;
  outcome: 'completed' | 'failed';
  reason: string | null;
  /** Key of every event record: a transaction's events land on one partition, in order. */
  key: string;
  records: AccountRecord[];
  balances: Record<string, number>;
}

export interface ServiceVolatile {
  state: string;
  /** The outstanding ReceiveMessage, if any. */
  pollId: number | null;
  /** Received and not yet acked, oldest first; the first is the one being processed. */
  holding: ReceivedMessage[];
  /** The outstanding DeleteMessage of a batch job. */
  ackId: number | null;
  nextRunAtMs: number | null;
  /** sender: SendMessage requests in flight by message id. */
  sends: Record<number, PendingSend>;
  /** account: the events topic's partition leaders as last learnt (broker node per partition). */
  leaders: NodeId[] | null;
  metadataId: number | null;
  produceId: number | null;
  publishing: Decision | null;
  bootIndex: number;
  /** batch from a topic: Fetch requests outstanding, and where this run got to per partition. */
  fetches: Record<number, number>;
  reached: Record<number, number>;
}

export type ServiceNode = NodeRecord<ServiceDurable, ServiceVolatile> & { volatile: ServiceVolatile };

export function newServiceDurable(
  fields: Partial<ServiceDurable> & Pick<ServiceDurable, 'role' | 'name' | 'broker'>,
): ServiceDurable {
  return {
    queue: '',
    processingMs: 0,
    maxMessages: 1,
    waitTimeMs: 2000,
    everyMs: 0,
    perMessageMs: 0,
    createdAtMs: 0,
    runs: 0,
    count: 0,
    topic: '',
    bootstrap: [],
    balances: {},
    processed: [],
    positions: {},
    autoLimit: -1,
    autoSent: 0,
    bodyPrefix: 'message-',
    ...fields,
  };
}

export function initialServiceVolatile(state: string): ServiceVolatile {
  return {
    state,
    pollId: null,
    holding: [],
    ackId: null,
    nextRunAtMs: null,
    sends: {},
    leaders: null,
    metadataId: null,
    produceId: null,
    publishing: null,
    bootIndex: 0,
    fetches: {},
    reached: {},
  };
}

/** Extra time a client waits for a long poll's answer before asking again (a lost message). */
export const POLL_GRACE_MS = 2000;
/** Back-off after the broker was unreachable. */
export const RETRY_BACKOFF_MS = 300;

/** Ask the queue for messages (ReceiveMessage), with a guard against a lost answer. */
export function poll(ctx: NodeContext, self: ServiceNode, maxMessages: number, waitTimeMs: number): void {
  const d = self.durable;
  const id = ctx.send(d.broker, 'ReceiveMessage', { queue: d.queue, maxMessages, waitTimeMs });
  self.volatile.pollId = id;
  ctx.setTimer('pollTimeout', waitTimeMs + POLL_GRACE_MS, { pollId: id });
}

/** Ack messages: DeleteMessage with their receipts. Returns the request id. */
export function ack(ctx: NodeContext, self: ServiceNode, messages: readonly ReceivedMessage[]): number {
  return ctx.send(self.durable.broker, 'DeleteMessage', {
    queue: self.durable.queue,
    receiptHandles: messages.map((m) => m.receiptHandle),
  });
}
