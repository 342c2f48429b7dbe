/**
 * Sentences for the message queue's events (narrate.ts hands them here). A batch job's receives
 * and acks are told once per run (batch.handled), not once per message.
 */
import type { EngineEvent } from '../../engine';
import type { Tone } from '../narration/tone';

const isBatch = (node: string) => node.startsWith('batch:');

function seconds(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000} s` : `${(ms / 1000).toFixed(1)} s`;
}

function plural(n: number, one: string): string {
  return `${n} ${one}${n === 1 ? '' : 's'}`;
}

export function narrateQueue(e: EngineEvent): { tone: Tone; text: string } | undefined {
  switch (e.type) {
    case 'queue.created':
      return {
        tone: 'good',
        text: `Queue ${e.queue} created on ${e.node} (visibility timeout ${seconds(e.visibilityTimeoutMs)}).`,
      };
    case 'queue.messageSent':
      return { tone: 'info', text: `${e.sender} put “${e.body}” (${e.messageId}) on queue ${e.queue}.` };
    case 'queue.messageReceived':
      if (isBatch(e.consumer)) return undefined;
      return {
        tone: 'info',
        text:
          e.receiveCount > 1
            ? `${e.consumer} got ${e.messageId} from ${e.queue}: delivery number ${e.receiveCount}.`
            : `${e.consumer} got ${e.messageId} from ${e.queue}: it is in flight, hidden from other consumers until acked.`,
      };
    case 'queue.messageDeleted':
      if (isBatch(e.consumer)) return undefined;
      return {
        tone: 'good',
        text: `${e.consumer} acked ${e.messageId}: queue ${e.queue} deleted it for good.`,
      };
    case 'queue.visibilityExpired':
      return {
        tone: 'warn',
        text: `${e.consumer} did not ack ${e.messageId} within the visibility timeout: it is back in ${e.queue} for any consumer.`,
      };
    case 'queue.ackRejected':
      return {
        tone: 'warn',
        text: `${e.consumer}’s ack for ${e.messageId} came too late: the message had already been handed out again.`,
      };
    case 'queue.crashed':
      return { tone: 'bad', text: `${e.node} crashed: its queued messages wait on disk.` };
    case 'queue.restarted':
      return { tone: 'info', text: `${e.node} restarted with the messages it kept on disk.` };
    case 'service.crashed':
      return {
        tone: 'bad',
        text: `${e.node} crashed: whatever it held and had not acked will come back after the visibility timeout.`,
      };
    case 'service.restarted':
      return { tone: 'info', text: `${e.node} restarted.` };
    case 'sender.failed':
      return { tone: 'bad', text: `${e.sender}’s message to ${e.queue} was refused: ${e.error}.` };
    case 'batch.started':
      return {
        tone: 'info',
        text:
          e.source === 'topic'
            ? `Batch job ${e.job} started (run ${e.run}) and is reading topic ${e.queue} from where its last run stopped.`
            : `Batch job ${e.job} started (run ${e.run}) and is draining queue ${e.queue}.`,
      };
    case 'batch.handled':
      return {
        tone: 'good',
        text:
          e.source === 'topic'
            ? `Batch job ${e.job} handled ${plural(e.messageIds.length, 'record')} together in run ${e.run}, saved where it got to, and exits until its next run. The log keeps the records.`
            : `Batch job ${e.job} handled ${plural(e.messageIds.length, 'message')} together in run ${e.run}, acked them, and exits until its next run.`,
      };
    case 'account.transactionProcessed':
      return e.outcome === 'completed'
        ? {
            tone: 'good',
            text: `${e.service} completed ${e.transactionId} and published ${e.events.join(', ')} to ${e.topic}-${e.partition}.`,
          }
        : {
            tone: 'warn',
            text: `${e.service} refused ${e.transactionId} (${e.reason}) and published TransactionFailed to ${e.topic}-${e.partition}.`,
          };
    case 'account.duplicateIgnored':
      return {
        tone: 'info',
        text: `${e.service} had already processed ${e.transactionId}: it acked the repeated command without publishing again.`,
      };
    default:
      return undefined;
  }
}
