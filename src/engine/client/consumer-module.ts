/**
 * The consumer module: the `consumer` node kind, the consumer.* commands and the consumers' part of
 * the snapshot. Commands are checked against the omniscient committed metadata and the consumer's
 * own state (for a clear error now); the consumer node itself learns the cluster only through RPCs.
 */
import { clusterView } from '../cluster/narration';
import { assertNever, EngineError } from '../errors';
import type { Kernel, NodeContext, NodeRecord } from '../kernel/kernel';
import type { EngineModule } from '../module';
import type { ConsumerPartitionSnapshot, ConsumerSnapshot, TopicPartition } from '../types';
import { consumerBehaviour } from './consumer';
import { assign, close, commit, seekTo, subscribe } from './consumer-api';
import { resolveConsumerConfig } from './consumer-config';
import {
  consumerNodeId,
  tpKey,
  type ConsumerDurable,
  type ConsumerNode,
  type ConsumerVolatile,
} from './consumer-state';

type ConsumerRecord = NodeRecord<ConsumerDurable, ConsumerVolatile>;

/** KafkaConsumer's InvalidGroupIdException. */
const NO_GROUP_ID =
  'To use the group management or offset commit APIs, you must provide a valid group.id in the consumer configuration (consumer.create groupId).';

export function consumerNodes(kernel: Kernel): ConsumerRecord[] {
  return Object.values(kernel.state.nodes).filter((n) => n.kind === 'consumer') as ConsumerRecord[];
}

function existingConsumer(kernel: Kernel, name: string): ConsumerRecord {
  const node = kernel.node(consumerNodeId(name));
  if (!node || node.kind !== 'consumer') {
    throw new EngineError('UNKNOWN_NODE', `consumer: no consumer "${name}" in this cluster.`);
  }
  return node as ConsumerRecord;
}

/** A running, open consumer: what every application call needs. */
function liveConsumer(kernel: Kernel, name: string): ConsumerNode {
  const node = existingConsumer(kernel, name);
  if (!node.alive || !node.volatile) {
    throw new EngineError('INVALID_NODE_STATE', `${node.id} is down: restart it first.`);
  }
  if (node.durable.closed) throw new EngineError('INVALID_NODE_STATE', `Consumer "${name}" is closed.`);
  if (node.volatile.closing) throw new EngineError('INVALID_NODE_STATE', `Consumer "${name}" is closing.`);
  return node as ConsumerNode;
}

function needGroupId(node: ConsumerNode): void {
  if (node.durable.groupId === null) throw new EngineError('INVALID_COMMAND', NO_GROUP_ID);
}

function checkTopic(kernel: Kernel, topic: string): number {
  const t = clusterView(kernel.state.shared).image.topics[topic];
  if (!t) throw new EngineError('UNKNOWN_TOPIC_OR_PARTITION', `Topic '${topic}' does not exist.`);
  return t.partitions.length;
}

function checkPartition(kernel: Kernel, tp: TopicPartition): void {
  const n = checkTopic(kernel, tp.topic);
  if (tp.partition >= n) {
    throw new EngineError(
      'UNKNOWN_TOPIC_OR_PARTITION',
      `Topic '${tp.topic}' has ${n} partition(s): there is no partition ${tp.partition}.`,
    );
  }
}

function invoke(
  kernel: Kernel,
  node: ConsumerNode,
  fn: (ctx: NodeContext, self: ConsumerNode) => void,
): () => void {
  return () => kernel.invoke<ConsumerDurable, ConsumerVolatile>(node.id, fn);
}

export const consumerModule: EngineModule = {
  name: 'consumer',
  behaviours: { consumer: consumerBehaviour },
  commands: {
    'consumer.create': (kernel, c) => {
      const id = consumerNodeId(c.consumer);
      const existing = kernel.node(id);
      if (existing) {
        const closed = existing.kind === 'consumer' && (existing.durable as ConsumerDurable).closed;
        throw new EngineError(
          'DUPLICATE_NODE',
          `Consumer "${c.consumer}" already exists${closed ? ' (closed): choose another name' : ''}.`,
        );
      }
      const groupId = c.groupId ?? null;
      const config = resolveConsumerConfig(c.config ?? {}, groupId);
      // Kafka's bootstrap.servers: every broker. The consumer tries them starting from a random one.
      const bootstrap = Object.values(kernel.state.nodes)
        .filter((n) => n.kind === 'broker')
        .map((n) => n.id);
      if (bootstrap.length === 0)
        throw new EngineError('INVALID_NODE_STATE', 'There is no broker to connect to.');
      const durable: ConsumerDurable = {
        name: c.consumer,
        groupId,
        config,
        bootstrap,
        subscription: null,
        manual: null,
        closed: false,
      };
      return () => kernel.addNode<ConsumerDurable>(id, 'consumer', durable);
    },
    'consumer.subscribe': (kernel, c) => {
      const node = liveConsumer(kernel, c.consumer);
      needGroupId(node);
      if (node.durable.manual !== null) {
        throw new EngineError(
          'INVALID_NODE_STATE',
          'Subscription to topics, partitions and pattern are mutually exclusive: this consumer has a manual assignment.',
        );
      }
      for (const t of c.topics) checkTopic(kernel, t);
      return invoke(kernel, node, (ctx, self) => subscribe(ctx, self as ConsumerNode, c.topics));
    },
    'consumer.assign': (kernel, c) => {
      const node = liveConsumer(kernel, c.consumer);
      if (node.durable.subscription !== null) {
        throw new EngineError(
          'INVALID_NODE_STATE',
          'Subscription to topics, partitions and pattern are mutually exclusive: this consumer is subscribed.',
        );
      }
      for (const tp of c.partitions) checkPartition(kernel, tp);
      return invoke(kernel, node, (ctx, self) => assign(ctx, self as ConsumerNode, c.partitions));
    },
    'consumer.seek': (kernel, c) => {
      const node = liveConsumer(kernel, c.consumer);
      if (typeof c.to === 'object' && c.to.timestampMs < 0) {
        throw new EngineError(
          'INVALID_COMMAND',
          `The target time for partition ${tpKey(c.topic, c.partition)} is ${c.to.timestampMs}. The target time cannot be negative.`,
        );
      }
      if (!node.volatile.assigned[tpKey(c.topic, c.partition)]) {
        throw new EngineError(
          'INVALID_NODE_STATE',
          `No current assignment for partition ${tpKey(c.topic, c.partition)}`,
        );
      }
      const tp = { topic: c.topic, partition: c.partition };
      return invoke(kernel, node, (ctx, self) => seekTo(ctx, self as ConsumerNode, tp, c.to));
    },
    'consumer.commit': (kernel, c) => {
      const node = liveConsumer(kernel, c.consumer);
      needGroupId(node);
      for (const o of c.offsets ?? []) checkPartition(kernel, o);
      return invoke(kernel, node, (ctx, self) => commit(ctx, self as ConsumerNode, c.offsets));
    },
    'consumer.close': (kernel, c) => {
      const node = liveConsumer(kernel, c.consumer);
      return invoke(kernel, node, (ctx, self) => close(ctx, self as ConsumerNode));
    },
    'consumer.crash': (kernel, c) => {
      const node = existingConsumer(kernel, c.consumer);
      if (!node.alive) throw new EngineError('INVALID_NODE_STATE', `${node.id} is already down.`);
      if (node.durable.closed)
        throw new EngineError('INVALID_NODE_STATE', `Consumer "${c.consumer}" is closed.`);
      return () => kernel.crash(node.id);
    },
  },
  snapshot(kernel, snap) {
    snap.consumers = consumerNodes(kernel).map(consumerSnapshot);
  },
};

function consumerSnapshot(n: ConsumerRecord): ConsumerSnapshot {
  const d = n.durable;
  const v = n.alive ? n.volatile : null;
  const g = v?.group ?? null;
  return {
    id: d.name,
    node: n.id,
    alive: n.alive,
    groupId: d.groupId,
    memberId: g && g.memberId !== '' ? g.memberId : null,
    generation: g?.generation ?? -1,
    state: stateOf(d, v),
    error: g?.failed ?? null,
    processingUntilMs: v && v.busyUntilMs > 0 ? v.busyUntilMs : null,
    assignment: v
      ? Object.values(v.assigned).map((p): ConsumerPartitionSnapshot => ({
          topic: p.topic,
          partition: p.partition,
          position: p.position,
          committed: p.committed,
          // The last high watermark the broker reported, less what has been consumed since.
          lag:
            p.highWatermark !== null && p.position !== null
              ? Math.max(0, p.highWatermark - p.position)
              : null,
        }))
      : [],
    received: v?.received ?? 0,
  };
}

function stateOf(d: ConsumerDurable, v: ConsumerVolatile | null): ConsumerSnapshot['state'] {
  if (d.closed) return 'closed';
  if (!v) return 'unsubscribed';
  if (d.manual !== null) return 'assigned';
  const g = v.group;
  if (g?.failed) return 'failed';
  if (d.subscription === null || !g) return 'unsubscribed';
  if (!g.coordinator && g.phase !== 'stable') return 'finding-coordinator';
  switch (g.phase) {
    case 'idle':
    case 'preparing':
    case 'joining':
      return 'joining';
    case 'assigning':
    case 'syncing':
      return 'syncing';
    case 'stable':
      return 'stable';
    default:
      return assertNever(g.phase, 'group phase');
  }
}
