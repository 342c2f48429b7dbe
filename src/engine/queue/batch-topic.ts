/**
 * A batch job that reads a Kafka topic instead of a queue. Each run it asks for the topic's
 * partition leaders (Metadata), then fetches every partition (consumer Fetch, replicaId -1) from
 * where the previous run stopped up to the high watermark. It keeps those positions itself, on disk,
 * like a batch job's checkpoint file: nothing is acked and nothing is deleted, the log keeps every
 * record. A run that cannot reach a partition takes what it got and tries again next time.
 */
import type { NodeContext, RpcMessage } from '../kernel/kernel';
import type { MetadataResponse, ReplicaFetchRequest, ReplicaFetchResponse } from '../protocol/produce';
import type { ServiceNode } from './service-state';

/** A run gives up waiting for answers after this long (a lost message must not stall it forever). */
export const TOPIC_RUN_TIMEOUT_MS = 5000;

export function startTopicRun(ctx: NodeContext, self: ServiceNode): void {
  const d = self.durable;
  const v = self.volatile;
  v.fetches = {};
  v.reached = {};
  const broker = d.bootstrap[v.bootIndex++ % Math.max(1, d.bootstrap.length)];
  if (!broker) return;
  v.metadataId = ctx.send(broker, 'Metadata', { topics: [d.topic] });
}

/** Returns true when collecting is over (nothing to fetch). */
export function onTopicMetadata(ctx: NodeContext, self: ServiceNode, msg: RpcMessage): boolean {
  const d = self.durable;
  const v = self.volatile;
  if (msg.inReplyTo !== v.metadataId || v.state !== 'collecting') return false;
  v.metadataId = null;
  const body = msg.body as MetadataResponse;
  const topic = body.topics.find((t) => t.name === d.topic);
  const nodes = new Map(body.brokers.map((b) => [b.id, b.node]));
  for (const p of topic?.partitions ?? []) {
    if (p.leader < 0) continue;
    fetchFrom(
      ctx,
      self,
      nodes.get(p.leader) ?? `broker-${p.leader}`,
      p.partition,
      d.positions[p.partition] ?? 0,
    );
  }
  return Object.keys(v.fetches).length === 0;
}

function fetchFrom(
  ctx: NodeContext,
  self: ServiceNode,
  leader: string,
  partition: number,
  offset: number,
): void {
  const request: ReplicaFetchRequest = {
    replicaId: -1,
    maxWaitMs: 0,
    minBytes: 0,
    isolationLevel: 'read_committed',
    partitions: [
      {
        topic: self.durable.topic,
        partition,
        fetchOffset: offset,
        currentLeaderEpoch: -1,
        lastFetchedEpoch: -1,
      },
    ],
  };
  const id = ctx.send(leader, 'Fetch', request);
  self.volatile.fetches[id] = partition;
  self.volatile.reached[partition] = offset;
}

/** Returns true when the last outstanding fetch of the run is answered. */
export function onTopicFetch(ctx: NodeContext, self: ServiceNode, msg: RpcMessage): boolean {
  const d = self.durable;
  const v = self.volatile;
  const partition = msg.inReplyTo !== undefined ? v.fetches[msg.inReplyTo] : undefined;
  if (partition === undefined || msg.inReplyTo === undefined || v.state !== 'collecting') return false;
  delete v.fetches[msg.inReplyTo];
  const part = (msg.body as ReplicaFetchResponse).partitions[0];
  const from = v.reached[partition] ?? 0;
  if (part?.error === 'OFFSET_OUT_OF_RANGE' && part.logStartOffset > from) {
    // Retention removed what the checkpoint pointed at: start from the oldest record left.
    fetchFrom(ctx, self, msg.from, partition, part.logStartOffset);
    return false;
  }
  if (part && !part.error) {
    let next = from;
    for (const batch of part.batches) {
      if (batch.isControl) continue;
      batch.records.forEach((r, i) => {
        const offset = batch.baseOffset + i;
        if (offset < next || offset >= part.highWatermark) return;
        v.holding.push({
          messageId: `${d.topic}-${partition}@${offset}`,
          body: r.value ?? '',
          receiptHandle: '',
          receiveCount: 1,
        });
        next = offset + 1;
      });
    }
    v.reached[partition] = next;
    if (next > from && next < part.highWatermark) {
      fetchFrom(ctx, self, msg.from, partition, next); // more to read in this run
      return false;
    }
  }
  return Object.keys(v.fetches).length === 0;
}

/** The run handled its batch: remember where each partition got to. */
export function saveCheckpoint(self: ServiceNode): void {
  self.durable.positions = { ...self.durable.positions, ...self.volatile.reached };
}

/** The broker was unreachable: that partition waits for the next run. Returns true when collecting is over. */
export function onTopicUndeliverable(self: ServiceNode, msg: RpcMessage): boolean {
  const v = self.volatile;
  if (v.state !== 'collecting') return false;
  if (msg.id === v.metadataId) {
    v.metadataId = null;
    return true;
  }
  if (v.fetches[msg.id] === undefined) return false;
  delete v.fetches[msg.id];
  return Object.keys(v.fetches).length === 0;
}
