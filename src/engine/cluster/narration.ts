/**
 * Narration of committed metadata. The controller that commits a record reports it; this module
 * keeps the cluster-wide committed offset so each record is narrated exactly once even when a new
 * leader re-commits entries its predecessor already committed (they are identical: Raft's safety).
 *
 * It also keeps the omniscient committed image used for snapshots and command validation. This
 * lives in the kernel's `shared` bookkeeping, which no node logic reads.
 */
import type { NodeContext } from '../kernel/kernel';
import type { ControllerNode } from './controller-state';
import { applyRecord, emptyImage, type MetadataEntry, type MetadataImage } from './metadata';

export interface ClusterView {
  committedOffset: number;
  image: MetadataImage;
}

export function clusterView(shared: Record<string, unknown>): ClusterView {
  let view = shared.cluster as ClusterView | undefined;
  if (!view) {
    view = { committedOffset: 0, image: emptyImage() };
    shared.cluster = view;
  }
  return view;
}

export function narrateCommitted(ctx: NodeContext, self: ControllerNode, from: number, to: number): void {
  const view = clusterView(ctx.shared());
  for (let offset = Math.max(from, view.committedOffset); offset < to; offset++) {
    const entry = self.durable.log[offset]!;
    applyRecord(view.image, entry);
    view.committedOffset = offset + 1;
    narrate(ctx, view.image, entry);
  }
}

function narrate(ctx: NodeContext, image: MetadataImage, entry: MetadataEntry): void {
  const r = entry.record;
  switch (r.type) {
    case 'RegisterBroker':
      return ctx.emit('broker.registered', { broker: r.brokerId, brokerEpoch: entry.offset });
    case 'FenceBroker':
      return ctx.emit('broker.fenced', { broker: r.brokerId, reason: r.reason });
    case 'UnfenceBroker':
      return ctx.emit('broker.unfenced', { broker: r.brokerId });
    case 'Topic':
      return ctx.emit('topic.created', {
        topic: r.name,
        topicId: r.topicId,
        partitions: r.partitions,
        replicationFactor: r.replicationFactor,
      });
    case 'PartitionChange': {
      const p = image.topics[r.topic]?.partitions[r.partition];
      if (!p) return;
      return ctx.emit('partition.changed', {
        topic: r.topic,
        partition: r.partition,
        leader: p.leader,
        leaderEpoch: p.leaderEpoch,
        isr: [...p.isr],
        reason: r.reason,
      });
    }
    case 'RemoveTopic':
      return ctx.emit('topic.deleted', { topic: r.name });
    case 'TopicConfig': {
      const t = image.topics[r.topic];
      if (!t) return;
      return ctx.emit('topic.configChanged', {
        topic: r.topic,
        set: { ...r.set },
        deleted: [...r.deleted],
        config: { ...t.config },
      });
    }
    case 'Partition': {
      // CreatePartitions: one event once the last added partition is committed.
      const t = image.topics[r.topic];
      if (!r.growth || r.partition !== r.growth.to - 1 || !t) return;
      const added = t.partitions
        .slice(r.growth.from, r.growth.to)
        .flatMap((p) => (p ? [{ partition: p.partition, replicas: [...p.replicas], leader: p.leader }] : []));
      return ctx.emit('topic.partitionsCreated', { topic: r.topic, ...r.growth, added });
    }
    case 'LeaderChange':
    case 'ProducerIds':
      return;
  }
}
