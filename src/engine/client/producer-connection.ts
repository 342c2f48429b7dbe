/**
 * The producer's connection to each broker (Kafka's NetworkClient over one TCP connection per
 * node). Two rules follow from TCP, and the idempotent producer depends on both:
 * - Answers come back in the order the requests went out. An answer that overtakes an older one
 *   on the simulated network waits here until every older request on that connection is answered.
 * - A request with no answer within request.timeout.ms (a request or response lost on a lossy
 *   link) closes the connection: every request in flight on it fails with REQUEST_TIMED_OUT,
 *   oldest first, and its batches go back to their queues in sequence order to be retried. So the
 *   unacknowledged batches of a partition are always its newest ≤ max.in.flight.requests.per.connection,
 *   and a retry never falls out of the broker's window of the last 5 batches (reference §6).
 * A broker that is down closes the connection at once (NETWORK_EXCEPTION), with the same effect.
 */
import type { NodeContext, RpcMessage } from '../kernel/kernel';
import type { ProduceResponse } from '../protocol/produce';
import type { ProducerNode } from './producer-state';
import { completeRequest, failRequest } from './sender';

/** Message ids of the Produce requests out to `broker`, oldest first. */
function outstanding(self: ProducerNode, broker: number): number[] {
  return Object.values(self.volatile.requests)
    .filter((r) => r.broker === broker)
    .map((r) => r.msgId)
    .sort((a, b) => a - b);
}

export function onProduceResponse(ctx: NodeContext, self: ProducerNode, msg: RpcMessage): void {
  const v = self.volatile;
  if (msg.inReplyTo === undefined) return;
  // No such request: it was failed when its connection closed, and this answer is from the old one.
  const req = v.requests[msg.inReplyTo];
  if (!req) return;
  v.heldResponses[msg.inReplyTo] = msg.body as ProduceResponse;
  for (const id of outstanding(self, req.broker)) {
    const body = v.heldResponses[id];
    if (!body) return; // an older request is still unanswered: later answers wait behind it
    delete v.heldResponses[id];
    completeRequest(ctx, self, id, body);
  }
}

/** No answer within request.timeout.ms: close the connection (NetworkClient.handleTimedOutRequests). */
export function onRequestTimeout(ctx: NodeContext, self: ProducerNode, msgId: number): void {
  const req = self.volatile.requests[msgId];
  if (!req) return;
  const ms = self.durable.config.requestTimeoutMs;
  resetConnection(
    ctx,
    self,
    req.broker,
    'REQUEST_TIMED_OUT',
    `Disconnected from ${req.node} due to timeout: no ProduceResponse within request.timeout.ms (${ms} ms).`,
    msgId,
  );
}

/** The broker was down: the connection closed at once (NetworkException, retriable). */
export function onRequestDisconnected(ctx: NodeContext, self: ProducerNode, msgId: number): void {
  const req = self.volatile.requests[msgId];
  if (!req) return;
  resetConnection(
    ctx,
    self,
    req.broker,
    'NETWORK_EXCEPTION',
    `Connection to ${req.node} was closed: the broker is down.`,
    -1,
  );
}

function resetConnection(
  ctx: NodeContext,
  self: ProducerNode,
  broker: number,
  error: 'REQUEST_TIMED_OUT' | 'NETWORK_EXCEPTION',
  message: string,
  timedOut: number,
): void {
  const ids = outstanding(self, broker);
  ctx.emit('producer.connectionReset', {
    producer: self.durable.name,
    broker,
    error,
    requests: ids.length,
    answeredButHeld: ids.filter((id) => self.volatile.heldResponses[id] !== undefined).length,
  });
  for (const id of ids) {
    delete self.volatile.heldResponses[id];
    failRequest(ctx, self, id, error, message, id === timedOut);
  }
}
