/**
 * A node for kernel tests: it pings its peer every `intervalMs` and counts answers. The count of
 * pongs is durable (kept across a crash); the count of pings sent is volatile (lost on a crash).
 */
import type { NodeBehaviour } from '../kernel/kernel';
import type { NodeId } from '../types';

export interface PingDurable {
  peer: NodeId | null;
  intervalMs: number;
  pongsReceived: number;
}

export interface PingVolatile {
  pingsSent: number;
  startedAtMs: number;
}

export const pingBehaviour: NodeBehaviour<PingDurable, PingVolatile> = {
  start(ctx, self) {
    if (self.durable.peer) ctx.setTimer('ping', self.durable.intervalMs);
    return { pingsSent: 0, startedAtMs: ctx.now() };
  },
  onMessage(ctx, self, msg) {
    if (msg.kind === 'Ping') ctx.send(msg.from, 'PingResponse', { n: (msg.body as { n: number }).n }, msg.id);
    else if (msg.kind === 'PingResponse') self.durable.pongsReceived++;
  },
  onTimer(ctx, self, timer) {
    if (timer.name !== 'ping' || !self.durable.peer) return;
    self.volatile.pingsSent++;
    ctx.send(self.durable.peer, 'Ping', { n: self.volatile.pingsSent });
    ctx.setTimer('ping', self.durable.intervalMs);
  },
};

export function pingDurable(peer: NodeId | null, intervalMs = 10): PingDurable {
  return { peer, intervalMs, pongsReceived: 0 };
}
