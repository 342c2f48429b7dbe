/**
 * Wire shapes of the queue broker's RPCs, named after Amazon SQS's actions: SendMessage,
 * ReceiveMessage (long polling) and DeleteMessage (the ack). Plain data; a body is never mutated
 * once sent.
 */
import type { QueueErrorCode } from '../errors';

export type QueueError = QueueErrorCode | null;

export interface SendMessageRequest {
  queue: string;
  body: string;
}

export interface SendMessageResponse {
  error: QueueError;
  messageId: string | null;
}

export interface ReceiveMessageRequest {
  queue: string;
  /** At most this many messages in one answer (SQS: 1–10). */
  maxMessages: number;
  /** Long polling: wait up to this long for a message before answering empty (0: answer now). */
  waitTimeMs: number;
}

export interface ReceivedMessage {
  messageId: string;
  body: string;
  /** Names this delivery; an ack must quote it. A redelivery gets a new one. */
  receiptHandle: string;
  receiveCount: number;
}

export interface ReceiveMessageResponse {
  error: QueueError;
  messages: ReceivedMessage[];
}

export interface DeleteMessageRequest {
  queue: string;
  receiptHandles: string[];
}

export interface DeleteMessageResponse {
  error: QueueError;
  /** Receipts that no longer name a delivery (the message expired and was handed out again). */
  rejected: string[];
}

export const QUEUE_RPC_KINDS = ['SendMessage', 'ReceiveMessage', 'DeleteMessage'] as const;
