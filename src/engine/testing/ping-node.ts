/**
 * A node for kernel tests: it pings its peer every `intervalMs` and counts answers. The count of
 * pongs is durable (kept across a crash); the count of pings sent is volatile (lost on a crash).
 */
import type { NodeBehaviour, NodeContext, NodeRecord } from '../kernel/kernel';
import { dispatchRpc, type RpcHandlers, type ServedBy } from '../protocol/rpc-kinds';
import type { TimerOf } from '../protocol/timer-kinds';
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

type PingNode = NodeRecord<PingDurable, PingVolatile> & { volatile: PingVolatile };

/** The test node serves Ping (RPC_SERVERS) and counts the answers to its own. */
export const PING_HANDLERS: RpcHandlers<ServedBy<'test'> | 'PingResponse', NodeContext, PingNode> = {
  Ping: (ctx, _self, msg) => ctx.send(msg.from, 'PingResponse', { n: msg.body.n }, msg.id),
  PingResponse: (_ctx, self) => {
    self.durable.pongsReceived++;
  },
};

export const pingBehaviour: NodeBehaviour<PingDurable, PingVolatile, TimerOf<'test'>> = {
  start(ctx, self) {
    if (self.durable.peer) ctx.setTimer('ping', self.durable.intervalMs);
    return { pingsSent: 0, startedAtMs: ctx.now() };
  },
  onMessage(ctx, self, msg) {
    dispatchRpc(PING_HANDLERS, ctx, self, msg);
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
