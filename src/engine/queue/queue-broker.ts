/**
 * The queue broker node (kind 'queue', id `queue-1`): named queues in the style of Amazon SQS.
 *
 * - SendMessage stores a message (ready).
 * - ReceiveMessage hands up to `maxMessages` ready messages to one consumer and makes them
 *   invisible (in flight) for the queue's visibility timeout; with none ready, the request waits
 *   (long polling) until a message arrives or `waitTimeMs` passes. Waiting consumers are served in
 *   arrival order, so consumers compete: each message goes to exactly one of them.
 * - DeleteMessage is the ack: the message is deleted for good. No one can read it again.
 * - A message not acked within the visibility timeout becomes ready again, with a new receipt: the
 *   late consumer's ack is then refused.
 *
 * Messages and queues are durable (they survive a crash); waiting polls are volatile.
 */
import {
  dispatchRpc,
  type RpcBodies,
  type RpcHandlers,
  type RpcKind,
  type ServedBy,
} from '../protocol/rpc-kinds';
import type { NodeBehaviour, NodeContext, NodeRecord, RpcMessage } from '../kernel/kernel';
import type { TimerOf } from '../protocol/timer-kinds';
import type { NodeId } from '../types';
import type {
  DeleteMessageRequest,
  ReceiveMessageRequest,
  ReceiveMessageResponse,
  SendMessageRequest,
} from './queue-protocol';

export const QUEUE_BROKER_ID = 'queue-1';
export const DEFAULT_VISIBILITY_TIMEOUT_MS = 3000;

export interface StoredMessage {
  id: string;
  body: string;
  sender: NodeId;
  sentAtMs: number;
  receiveCount: number;
  inFlight: { receipt: string; consumer: NodeId; visibleAtMs: number } | null;
}

export interface QueueState {
  name: string;
  visibilityTimeoutMs: number;
  /** Oldest first. Deleted messages are removed. */
  messages: StoredMessage[];
  sent: number;
  deleted: number;
  redelivered: number;
}

export interface QueueBrokerDurable {
  queues: Record<string, QueueState>;
  nextMessageId: number;
}

interface Waiter {
  requestId: number;
  from: NodeId;
  queue: string;
  maxMessages: number;
  timerId: number;
}

export interface QueueBrokerVolatile {
  waiting: Waiter[];
}

export type QueueBrokerNode = NodeRecord<QueueBrokerDurable, QueueBrokerVolatile> & {
  volatile: QueueBrokerVolatile;
};

/** Every request the queue broker serves (RPC_SERVERS) has its handler here, or this fails to compile. */
export const QUEUE_HANDLERS: RpcHandlers<ServedBy<'queue'>, NodeContext, QueueBrokerNode> = {
  SendMessage: onSend,
  ReceiveMessage: onReceive,
  DeleteMessage: onDelete,
};

export const queueBrokerBehaviour: NodeBehaviour<
  QueueBrokerDurable,
  QueueBrokerVolatile,
  TimerOf<'queue'>
> = {
  start(ctx, self) {
    // In-flight deadlines are durable; their timers are not: set them again.
    for (const q of Object.values(self.durable.queues)) {
      for (const m of q.messages) {
        if (m.inFlight) setVisibilityTimer(ctx, q.name, m.id, m.inFlight.receipt, m.inFlight.visibleAtMs);
      }
    }
    return { waiting: [] };
  },

  onMessage(ctx, self, msg) {
    // A queue broker sends no requests, so it expects no responses.
    dispatchRpc(QUEUE_HANDLERS, ctx, self, msg);
  },

  onTimer(ctx, self, timer) {
    if (timer.name === 'visibility')
      expire(ctx, self, timer.data.queue, timer.data.messageId, timer.data.receipt);
    else answerWaiter(ctx, self, timer.data.requestId);
  },
};

/** Create a queue (an admin request applied on the broker itself). */
export function createQueue(
  ctx: NodeContext,
  self: QueueBrokerNode,
  name: string,
  visibilityTimeoutMs: number,
): void {
  self.durable.queues[name] = {
    name,
    visibilityTimeoutMs,
    messages: [],
    sent: 0,
    deleted: 0,
    redelivered: 0,
  };
  ctx.emit('queue.created', { node: ctx.id, queue: name, visibilityTimeoutMs });
}

function setVisibilityTimer(
  ctx: NodeContext,
  queue: string,
  messageId: string,
  receipt: string,
  visibleAtMs: number,
): void {
  ctx.setTimer('visibility', Math.max(0, visibleAtMs - ctx.now()), { queue, messageId, receipt });
}

function onSend(ctx: NodeContext, self: QueueBrokerNode, msg: RpcMessage<SendMessageRequest>): void {
  const q = self.durable.queues[msg.body.queue];
  if (!q) {
    reply(ctx, msg, 'SendMessageResponse', {
      error: 'QUEUE_DOES_NOT_EXIST',
      messageId: null,
    });
    return;
  }
  const id = `m${self.durable.nextMessageId++}`;
  q.messages.push({
    id,
    body: msg.body.body,
    sender: msg.from,
    sentAtMs: ctx.now(),
    receiveCount: 0,
    inFlight: null,
  });
  q.sent++;
  ctx.emit('queue.messageSent', {
    node: ctx.id,
    queue: q.name,
    messageId: id,
    sender: msg.from,
    body: msg.body.body,
  });
  reply(ctx, msg, 'SendMessageResponse', { error: null, messageId: id });
  serveWaiters(ctx, self, q);
}

function onReceive(ctx: NodeContext, self: QueueBrokerNode, msg: RpcMessage<ReceiveMessageRequest>): void {
  const { queue, maxMessages, waitTimeMs } = msg.body;
  const q = self.durable.queues[queue];
  if (!q) {
    reply(ctx, msg, 'ReceiveMessageResponse', {
      error: 'QUEUE_DOES_NOT_EXIST',
      messages: [],
    });
    return;
  }
  // Earlier polls are served first: a newcomer may not jump the line.
  const queued = self.volatile.waiting.some((w) => w.queue === queue);
  if (!queued && q.messages.some((m) => !m.inFlight)) {
    handOut(ctx, q, msg.id, msg.from, maxMessages);
    return;
  }
  if (waitTimeMs <= 0) {
    reply(ctx, msg, 'ReceiveMessageResponse', { error: null, messages: [] });
    return;
  }
  const timerId = ctx.setTimer('pollTimeout', waitTimeMs, { requestId: msg.id });
  self.volatile.waiting.push({ requestId: msg.id, from: msg.from, queue, maxMessages, timerId });
}

/** Give up to `max` ready messages to one consumer and make them invisible to everyone else. */
function handOut(ctx: NodeContext, q: QueueState, requestId: number, consumer: NodeId, max: number): void {
  const out: ReceiveMessageResponse['messages'] = [];
  for (const m of q.messages) {
    if (out.length >= max) break;
    if (m.inFlight) continue;
    m.receiveCount++;
    const receipt = `${m.id}/${m.receiveCount}`;
    const visibleAtMs = ctx.now() + q.visibilityTimeoutMs;
    m.inFlight = { receipt, consumer, visibleAtMs };
    setVisibilityTimer(ctx, q.name, m.id, receipt, visibleAtMs);
    ctx.emit('queue.messageReceived', {
      node: ctx.id,
      queue: q.name,
      messageId: m.id,
      consumer,
      receiveCount: m.receiveCount,
    });
    out.push({ messageId: m.id, body: m.body, receiptHandle: receipt, receiveCount: m.receiveCount });
  }
  ctx.send(
    consumer,
    'ReceiveMessageResponse',
    { error: null, messages: out } satisfies ReceiveMessageResponse,
    requestId,
  );
}

function serveWaiters(ctx: NodeContext, self: QueueBrokerNode, q: QueueState): void {
  for (;;) {
    if (!q.messages.some((m) => !m.inFlight)) return;
    const i = self.volatile.waiting.findIndex((w) => w.queue === q.name);
    if (i < 0) return;
    const [w] = self.volatile.waiting.splice(i, 1);
    ctx.cancelTimer(w!.timerId);
    handOut(ctx, q, w!.requestId, w!.from, w!.maxMessages);
  }
}

/** A long poll ran out of time: answer it empty. */
function answerWaiter(ctx: NodeContext, self: QueueBrokerNode, requestId: number): void {
  const i = self.volatile.waiting.findIndex((w) => w.requestId === requestId);
  if (i < 0) return;
  const [w] = self.volatile.waiting.splice(i, 1);
  ctx.send(
    w!.from,
    'ReceiveMessageResponse',
    { error: null, messages: [] } satisfies ReceiveMessageResponse,
    requestId,
  );
}

function onDelete(ctx: NodeContext, self: QueueBrokerNode, msg: RpcMessage<DeleteMessageRequest>): void {
  const q = self.durable.queues[msg.body.queue];
  if (!q) {
    reply(ctx, msg, 'DeleteMessageResponse', {
      error: 'QUEUE_DOES_NOT_EXIST',
      rejected: [],
    });
    return;
  }
  const rejected: string[] = [];
  for (const receipt of msg.body.receiptHandles) {
    const i = q.messages.findIndex((m) => m.inFlight?.receipt === receipt);
    if (i < 0) {
      rejected.push(receipt);
      const messageId = receipt.split('/')[0] ?? receipt;
      if (q.messages.some((m) => m.id === messageId)) {
        ctx.emit('queue.ackRejected', { node: ctx.id, queue: q.name, messageId, consumer: msg.from });
      }
      continue;
    }
    const [m] = q.messages.splice(i, 1);
    q.deleted++;
    ctx.emit('queue.messageDeleted', { node: ctx.id, queue: q.name, messageId: m!.id, consumer: msg.from });
  }
  reply(ctx, msg, 'DeleteMessageResponse', {
    error: rejected.length > 0 ? 'RECEIPT_HANDLE_IS_INVALID' : null,
    rejected,
  });
}

/** The visibility timeout of one delivery passed: if it is still unacked, it is ready again. */
function expire(
  ctx: NodeContext,
  self: QueueBrokerNode,
  queue: string,
  messageId: string,
  receipt: string,
): void {
  const q = self.durable.queues[queue];
  const m = q?.messages.find((x) => x.id === messageId);
  if (!q || !m || m.inFlight?.receipt !== receipt) return; // acked, or already handed out again
  const consumer = m.inFlight.consumer;
  m.inFlight = null;
  q.redelivered++;
  ctx.emit('queue.visibilityExpired', {
    node: ctx.id,
    queue,
    messageId,
    consumer,
    receiveCount: m.receiveCount,
  });
  serveWaiters(ctx, self, q);
}

function reply<K extends RpcKind>(ctx: NodeContext, msg: RpcMessage, kind: K, body: RpcBodies[K]): void {
  ctx.send(msg.from, kind, body, msg.id);
}
