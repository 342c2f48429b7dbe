/**
 * The behaviour of the queue's client nodes (kind 'service'), by role:
 *
 * - sender: sends each message it is given (SendMessage) and retries if the queue is unreachable.
 * - worker (streaming): long-polls, handles each message as it arrives (`processingMs`), acks it
 *   (DeleteMessage), polls again.
 * - batch (a scheduled, short-lived job, batch-job.ts): sleeps; every `everyMs` it starts, takes
 *   what is in its queue or topic, handles everything together, and exits.
 * - account: the worker loop, where handling a command means publishing its events to Kafka
 *   first (account-service.ts).
 */
import type { NodeBehaviour, NodeContext, RpcMessage } from '../kernel/kernel';
import type { TimerOf } from '../protocol/timer-kinds';
import {
  onCommandProcessed,
  onMetadataResponse,
  onProduceResponse,
  onPublishTimeout,
  publish,
} from './account-service';
import {
  BATCH_RECEIVE_MAX,
  doneCollecting,
  endRun,
  finishBatchProcessing,
  onBatchReceived,
  scheduleNextRun,
  startRun,
} from './batch-job';
import { onTopicFetch, onTopicMetadata, onTopicUndeliverable } from './batch-topic';
import type { DeleteMessageResponse, ReceiveMessageResponse, SendMessageResponse } from './queue-protocol';
import {
  ack,
  initialServiceVolatile,
  poll,
  RETRY_BACKOFF_MS,
  type PendingSend,
  type ServiceDurable,
  type ServiceNode,
  type ServiceVolatile,
} from './service-state';

const SEND_TIMEOUT_MS = 3000;

export const serviceBehaviour: NodeBehaviour<ServiceDurable, ServiceVolatile, TimerOf<'service'>> = {
  start(ctx, self) {
    const d = self.durable;
    switch (d.role) {
      case 'sender': {
        const v = initialServiceVolatile('idle');
        if (d.everyMs > 0) scheduleAutoSend(ctx, d);
        return v;
      }
      case 'batch': {
        const v = initialServiceVolatile('sleeping');
        scheduleNextRun(ctx, d, v);
        return v;
      }
      case 'worker':
      case 'account': {
        const v = initialServiceVolatile('polling');
        // Start polling once started (a timer, so creation itself sends nothing).
        ctx.setTimer('poll', 0);
        return v;
      }
    }
  },

  onMessage(ctx, self, msg) {
    switch (msg.kind) {
      case 'SendMessageResponse':
        return onSendResponse(ctx, self, msg);
      case 'ReceiveMessageResponse':
        return onReceiveResponse(ctx, self, msg);
      case 'DeleteMessageResponse':
        return onDeleteResponse(ctx, self, msg);
      case 'MetadataResponse':
        if (self.durable.role === 'batch') {
          if (onTopicMetadata(ctx, self, msg)) doneCollecting(ctx, self);
          return;
        }
        return onMetadataResponse(ctx, self, msg);
      case 'FetchResponse':
        if (onTopicFetch(ctx, self, msg)) doneCollecting(ctx, self);
        return;
      case 'ProduceResponse':
        return onProduceResponse(ctx, self, msg, () => processNext(ctx, self));
      default:
        return;
    }
  },

  onUndeliverable(ctx, self, msg) {
    const v = self.volatile;
    if (msg.kind === 'SendMessage') {
      const pending = v.sends[msg.id];
      delete v.sends[msg.id];
      if (pending) ctx.setTimer('resend', RETRY_BACKOFF_MS, pending);
    } else if (msg.kind === 'ReceiveMessage' && msg.id === v.pollId) {
      v.pollId = null;
      ctx.setTimer('poll', RETRY_BACKOFF_MS);
    } else if (self.durable.role === 'batch') {
      if (onTopicUndeliverable(self, msg)) doneCollecting(ctx, self);
    } else if (msg.kind === 'Metadata' || msg.kind === 'Produce') {
      onPublishTimeout(ctx, self, msg.id);
    }
  },

  onTimer(ctx, self, timer) {
    onServiceTimer(ctx, self, timer);
  },
};

function onServiceTimer(ctx: NodeContext, self: ServiceNode, timer: TimerOf<'service'>): void {
  const v = self.volatile;
  switch (timer.name) {
    case 'poll':
      if (v.pollId === null) pollAgain(ctx, self);
      return;
    case 'pollTimeout':
      // The answer to a long poll never came (a lost message): ask again.
      if (timer.data.pollId === v.pollId) {
        v.pollId = null;
        pollAgain(ctx, self);
      }
      return;
    case 'processed':
      return onProcessed(ctx, self);
    case 'wake':
      return startRun(ctx, self);
    case 'ackTimeout':
      // The ack's answer was lost: exit anyway (unacked messages come back after the timeout).
      if (v.state === 'acking' && timer.data.ackId === v.ackId) {
        v.ackId = null;
        endRun(ctx, self);
      }
      return;
    case 'runTimeout':
      // Answers that never came (lost messages): the run goes on with what it has.
      if (v.state === 'collecting' && timer.data.run === self.durable.runs) {
        v.fetches = {};
        v.metadataId = null;
        doneCollecting(ctx, self);
      }
      return;
    case 'autoSend':
      return autoSend(ctx, self);
    case 'resend':
      return sendOne(ctx, self, timer.data);
    case 'sendTimeout': {
      const pending = v.sends[timer.data.id];
      if (pending) {
        delete v.sends[timer.data.id];
        sendOne(ctx, self, pending);
      }
      return;
    }
    case 'requestTimeout':
      return onPublishTimeout(ctx, self, timer.data.id ?? -1);
    case 'republish':
      return publish(ctx, self);
    default:
      return;
  }
}

// ----- sender -----

export function sendOne(ctx: NodeContext, self: ServiceNode, pending: PendingSend): void {
  const id = ctx.send(self.durable.broker, 'SendMessage', { queue: pending.queue, body: pending.body });
  self.volatile.sends[id] = pending;
  self.volatile.state = 'sending';
  ctx.setTimer('sendTimeout', SEND_TIMEOUT_MS, { id });
}

/** The next automatic send, on the sender's own schedule (every `everyMs` from its creation). */
function scheduleAutoSend(ctx: NodeContext, d: ServiceDurable): void {
  if (d.autoLimit >= 0 && d.autoSent >= d.autoLimit) return;
  const k = Math.floor((ctx.now() - d.createdAtMs) / d.everyMs) + 1;
  ctx.setTimer('autoSend', d.createdAtMs + k * d.everyMs - ctx.now());
}

function autoSend(ctx: NodeContext, self: ServiceNode): void {
  const d = self.durable;
  d.autoSent++;
  sendOne(ctx, self, { queue: d.queue, body: `${d.bodyPrefix}${d.autoSent}`, commandId: 0 });
  scheduleAutoSend(ctx, d);
}

function onSendResponse(ctx: NodeContext, self: ServiceNode, msg: RpcMessage): void {
  const v = self.volatile;
  const pending = msg.inReplyTo !== undefined ? v.sends[msg.inReplyTo] : undefined;
  if (!pending || msg.inReplyTo === undefined) return;
  delete v.sends[msg.inReplyTo];
  const body = msg.body as SendMessageResponse;
  if (body.error) {
    ctx.emit('sender.failed', {
      commandId: pending.commandId,
      sender: self.durable.name,
      queue: pending.queue,
      error: body.error,
    });
  } else {
    self.durable.count++;
  }
  if (Object.keys(v.sends).length === 0) v.state = 'idle';
}

// ----- the receive loop (worker, account, batch) -----

function pollAgain(ctx: NodeContext, self: ServiceNode): void {
  const d = self.durable;
  const v = self.volatile;
  if (d.role === 'batch') {
    if (v.state === 'collecting') poll(ctx, self, BATCH_RECEIVE_MAX, 0);
    return;
  }
  if (v.holding.length > 0) return;
  v.state = 'polling';
  poll(ctx, self, d.maxMessages, d.waitTimeMs);
}

function onReceiveResponse(ctx: NodeContext, self: ServiceNode, msg: RpcMessage): void {
  const v = self.volatile;
  if (msg.inReplyTo !== v.pollId) return;
  v.pollId = null;
  const body = msg.body as ReceiveMessageResponse;
  if (body.error) {
    // The queue is gone (or not there yet): try again later.
    ctx.setTimer('poll', 1000);
    return;
  }
  v.holding.push(...body.messages);
  if (self.durable.role === 'batch') return onBatchReceived(ctx, self, body.messages.length);
  processNext(ctx, self);
}

/** Handle the next message in hand, or poll for more. */
function processNext(ctx: NodeContext, self: ServiceNode): void {
  const v = self.volatile;
  if (v.holding.length === 0) {
    pollAgain(ctx, self);
    return;
  }
  v.state = 'processing';
  ctx.setTimer('processed', self.durable.processingMs);
}

function onProcessed(ctx: NodeContext, self: ServiceNode): void {
  const d = self.durable;
  const v = self.volatile;
  if (d.role === 'batch') return finishBatchProcessing(ctx, self);
  if (d.role === 'account') return onCommandProcessed(ctx, self, () => processNext(ctx, self));
  const m = v.holding.shift();
  if (m) {
    ctx.emit('worker.handled', {
      worker: d.name,
      queue: d.queue,
      messageId: m.messageId,
      body: m.body,
      receiveCount: m.receiveCount,
    });
    d.count++;
    ack(ctx, self, [m]);
  }
  processNext(ctx, self);
}

function onDeleteResponse(ctx: NodeContext, self: ServiceNode, msg: RpcMessage): void {
  const v = self.volatile;
  if (self.durable.role !== 'batch' || msg.inReplyTo !== v.ackId) return;
  v.ackId = null;
  const body = msg.body as DeleteMessageResponse;
  void body; // refused receipts are in the trace (queue.ackRejected); the run ends either way
  endRun(ctx, self);
}
