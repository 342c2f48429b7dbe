/**
 * The scheduled batch job's runs (role 'batch' of the service node): asleep between runs; every
 * `everyMs` from its creation it starts, takes everything that is there — draining a queue with
 * short polls, or reading a topic from its checkpoint (batch-topic.ts) — handles it all together,
 * acks it (a queue) or saves its checkpoint (a topic), and exits until the next run.
 */
import type { NodeContext } from '../kernel/kernel';
import { saveCheckpoint, startTopicRun, TOPIC_RUN_TIMEOUT_MS } from './batch-topic';
import { ack, poll, type ServiceDurable, type ServiceNode, type ServiceVolatile } from './service-state';

/** A batch job drains with short polls of this many messages (SQS's maximum). */
export const BATCH_RECEIVE_MAX = 10;
/** A lost DeleteMessage answer must not keep the job awake forever: it exits after this long. */
const ACK_TIMEOUT_MS = 5000;

export function scheduleNextRun(ctx: NodeContext, d: ServiceDurable, v: ServiceVolatile): void {
  const elapsed = ctx.now() - d.createdAtMs;
  const k = Math.floor(elapsed / d.everyMs) + 1;
  const at = d.createdAtMs + k * d.everyMs;
  v.nextRunAtMs = at;
  ctx.setTimer('wake', at - ctx.now());
}

export function startRun(ctx: NodeContext, self: ServiceNode): void {
  const d = self.durable;
  const v = self.volatile;
  d.runs++;
  v.state = 'collecting';
  v.nextRunAtMs = null;
  v.holding = [];
  ctx.emit('batch.started', { job: d.name, ...source(d), run: d.runs });
  if (d.topic !== '') {
    startTopicRun(ctx, self);
    ctx.setTimer('runTimeout', TOPIC_RUN_TIMEOUT_MS, { run: d.runs });
  } else {
    poll(ctx, self, BATCH_RECEIVE_MAX, 0);
  }
}

/** A batch job's source, as its events name it. */
function source(d: ServiceDurable): { source: 'queue' | 'topic'; queue: string } {
  return d.topic !== '' ? { source: 'topic', queue: d.topic } : { source: 'queue', queue: d.queue };
}

export function onBatchReceived(ctx: NodeContext, self: ServiceNode, got: number): void {
  const v = self.volatile;
  if (v.state !== 'collecting') return;
  if (got > 0) {
    poll(ctx, self, BATCH_RECEIVE_MAX, 0); // drain: keep asking until the queue is empty
    return;
  }
  doneCollecting(ctx, self);
}

/** Everything there was is in hand: handle it, or go back to sleep if there was nothing. */
export function doneCollecting(ctx: NodeContext, self: ServiceNode): void {
  const d = self.durable;
  const v = self.volatile;
  if (v.state !== 'collecting') return;
  if (v.holding.length === 0) return endRun(ctx, self);
  v.state = 'processing';
  ctx.setTimer('processed', d.processingMs + d.perMessageMs * v.holding.length);
}

export function finishBatchProcessing(ctx: NodeContext, self: ServiceNode): void {
  const d = self.durable;
  const v = self.volatile;
  ctx.emit('batch.handled', {
    job: d.name,
    ...source(d),
    run: d.runs,
    messageIds: v.holding.map((m) => m.messageId),
    bodies: v.holding.map((m) => m.body),
  });
  d.count += v.holding.length;
  if (d.topic !== '') {
    // A log is not acked: the job saves where it got to, and the records stay.
    saveCheckpoint(self);
    return endRun(ctx, self);
  }
  v.state = 'acking';
  v.ackId = ack(ctx, self, v.holding);
  ctx.setTimer('ackTimeout', ACK_TIMEOUT_MS, { ackId: v.ackId });
}

export function endRun(ctx: NodeContext, self: ServiceNode): void {
  const d = self.durable;
  const v = self.volatile;
  const handled = v.holding.length;
  v.holding = [];
  v.state = 'sleeping';
  scheduleNextRun(ctx, d, v);
  ctx.emit('batch.finished', {
    job: d.name,
    ...source(d),
    run: d.runs,
    handled,
    nextRunAtMs: v.nextRunAtMs!,
  });
}
