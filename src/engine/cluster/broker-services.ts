/**
 * Requests a broker answers from its metadata image: Metadata (for clients) and InitProducerId
 * (producer ids come from blocks the controller hands out, reference §5.2).
 */
import type { NodeContext, RpcMessage } from '../kernel/kernel';
import type { AllocateProducerIdsRequest } from '../protocol/kraft';
import type { RpcMessageOf } from '../protocol/rpc-kinds';

export type { AllocateProducerIdsRequest, AllocateProducerIdsResponse } from '../protocol/kraft';
import type {
  InitProducerIdRequest,
  InitProducerIdResponse,
  MetadataRequest,
  MetadataResponse,
} from '../protocol/produce';
import { brokerNodeId } from '../core-module';
import type { BrokerNode } from './broker-state';
import { handleTxnInitProducerId, initTxnWithProducerId } from './txn-coordinator';

export const PRODUCER_ID_BLOCK_SIZE = 1000;

export function handleMetadata(ctx: NodeContext, self: BrokerNode, msg: RpcMessage<MetadataRequest>): void {
  const image = self.volatile.image;
  const names = msg.body.topics ?? Object.keys(image.topics).filter((t) => !t.startsWith('__'));
  const res: MetadataResponse = {
    brokers: Object.values(image.brokers)
      .filter((b) => !b.fenced)
      .map((b) => ({ id: b.brokerId, node: brokerNodeId(b.brokerId) })),
    topics: names.map((name) => {
      const t = image.topics[name];
      if (!t) return { name, error: 'UNKNOWN_TOPIC_OR_PARTITION', partitions: [] };
      return {
        name,
        error: null,
        partitions: t.partitions.map((p) => ({
          partition: p.partition,
          error: p.leader === -1 ? 'LEADER_NOT_AVAILABLE' : null,
          leader: p.leader,
          leaderEpoch: p.leaderEpoch,
          replicas: [...p.replicas],
          isr: [...p.isr],
        })),
      };
    }),
  };
  ctx.send(msg.from, 'MetadataResponse', res, msg.id);
}

export function handleInitProducerId(
  ctx: NodeContext,
  self: BrokerNode,
  msg: RpcMessage<InitProducerIdRequest>,
) {
  // A transactional id goes to its transaction coordinator (reference §7.3).
  if (msg.body.transactionalId !== null) {
    handleTxnInitProducerId(ctx, self, msg);
    serveProducerIds(ctx, self);
    return;
  }
  self.volatile.producerIdWaiters.push({ from: msg.from, requestId: msg.id });
  serveProducerIds(ctx, self);
}

function serveProducerIds(ctx: NodeContext, self: BrokerNode): void {
  const v = self.volatile;
  while (
    v.producerIdWaiters.length > 0 &&
    v.producerIdBlock &&
    v.producerIdBlock.next < v.producerIdBlock.end
  ) {
    const w = v.producerIdWaiters.shift()!;
    if (w.txn) {
      initTxnWithProducerId(ctx, self, w, v.producerIdBlock.next++);
      continue;
    }
    const res: InitProducerIdResponse = {
      error: null,
      producerId: v.producerIdBlock.next++,
      producerEpoch: 0,
    };
    ctx.send(w.from, 'InitProducerIdResponse', res, w.requestId);
  }
  if (v.producerIdWaiters.length > 0 && !v.producerIdRequested && v.brokerEpoch !== null) {
    v.producerIdRequested = true;
    const target = v.controllerHint ?? self.durable.voters[v.voterCursor % self.durable.voters.length]!;
    const req: AllocateProducerIdsRequest = { brokerId: self.durable.brokerId, brokerEpoch: v.brokerEpoch };
    ctx.send(target, 'AllocateProducerIds', req);
    ctx.setTimer('allocateProducerIdsRetry', 2000);
  }
}

export function onAllocateProducerIdsResponse(
  ctx: NodeContext,
  self: BrokerNode,
  msg: RpcMessageOf<'AllocateProducerIdsResponse'>,
): void {
  const v = self.volatile;
  const res = msg.body;
  v.producerIdRequested = false;
  if (res.error) {
    v.controllerHint = res.leaderId;
    if (!res.leaderId) v.voterCursor++;
    return; // asked again by the retry timer
  }
  v.producerIdBlock = {
    next: res.producerIdStart,
    end: res.producerIdStart + res.producerIdLen,
  };
  serveProducerIds(ctx, self);
}

export function onAllocateProducerIdsRetry(ctx: NodeContext, self: BrokerNode): void {
  self.volatile.producerIdRequested = false;
  serveProducerIds(ctx, self);
}
