/**
 * The producer module: the `producer` node kind, the `producer.create` and `producer.send` commands,
 * and the producers' part of the snapshot. Commands are checked against the omniscient committed
 * metadata (for a clear error now); the producer node itself learns the cluster only via Metadata.
 */
import { clusterView } from '../cluster/narration';
import { EngineError } from '../errors';
import type { Kernel, NodeRecord } from '../kernel/kernel';
import type { EngineModule } from '../module';
import type { BatchRecord } from '../protocol/produce';
import type { Simulation } from '../simulation';
import type { NodeId, ProducerSnapshot } from '../types';
import { acceptRecord, acceptRecords, producerBehaviour } from './producer';
import { resolveProducerConfig } from './producer-config';
import { producerNodeId, type ProducerDurable, type ProducerVolatile } from './producer-state';

function producerNodes(kernel: Kernel): NodeRecord<ProducerDurable, ProducerVolatile>[] {
  return Object.values(kernel.state.nodes).filter((n) => n.kind === 'producer') as NodeRecord<
    ProducerDurable,
    ProducerVolatile
  >[];
}

function liveProducer(kernel: Kernel, name: string): NodeId {
  const id = producerNodeId(name);
  const node = kernel.node(id);
  if (!node || node.kind !== 'producer') {
    throw new EngineError('UNKNOWN_NODE', `producer: no producer "${name}" in this cluster.`);
  }
  if (!node.alive) {
    throw new EngineError('INVALID_NODE_STATE', `${id} is down: restart it before sending.`);
  }
  return id;
}

export const producerModule: EngineModule = {
  name: 'producer',
  behaviours: { producer: producerBehaviour as never },
  commands: {
    'producer.create': (kernel, c) => {
      const id = producerNodeId(c.producer);
      if (kernel.node(id))
        throw new EngineError('DUPLICATE_NODE', `Producer "${c.producer}" already exists.`);
      const config = resolveProducerConfig(c.config ?? {});
      // Kafka's bootstrap.servers: every broker. The producer tries them starting from a random one.
      const bootstrap = Object.values(kernel.state.nodes)
        .filter((n) => n.kind === 'broker')
        .map((n) => n.id);
      if (bootstrap.length === 0)
        throw new EngineError('INVALID_NODE_STATE', 'There is no broker to connect to.');
      return () => kernel.addNode<ProducerDurable>(id, 'producer', { name: c.producer, config, bootstrap });
    },
    'producer.send': (kernel, c, commandId) => {
      const id = liveProducer(kernel, c.producer);
      const topic = clusterView(kernel.state.shared).image.topics[c.topic];
      if (!topic) throw new EngineError('UNKNOWN_TOPIC_OR_PARTITION', `Topic '${c.topic}' does not exist.`);
      if (c.partition !== undefined && c.partition >= topic.partitions.length) {
        throw new EngineError(
          'UNKNOWN_TOPIC_OR_PARTITION',
          `Topic '${c.topic}' has ${topic.partitions.length} partition(s): there is no partition ${c.partition}.`,
        );
      }
      return () =>
        kernel.invoke<ProducerDurable, ProducerVolatile>(id, (ctx, self) => {
          const record: BatchRecord = { key: c.key, value: c.value, timestamp: ctx.now() };
          if (c.headers) record.headers = c.headers;
          acceptRecord(ctx, self, c.topic, record, c.partition ?? -1, commandId);
        });
    },
  },
  snapshot(kernel, snap) {
    snap.producers = producerNodes(kernel).map((p): ProducerSnapshot => ({
      id: p.durable.name,
      node: p.id,
      alive: p.alive,
      acks: p.durable.config.acks,
      idempotent: p.durable.config.idempotent,
      producerId: p.volatile && p.volatile.producerId >= 0 ? p.volatile.producerId : null,
      queued: p.volatile?.queuedRecords ?? 0,
      inFlight: p.volatile?.inFlightBatches ?? 0,
      acked: p.volatile?.acked ?? 0,
      failed: p.volatile?.failed ?? 0,
    }));
  },
};

/**
 * Feed records to a producer through the same accumulator path as `producer.send`, without command
 * dispatch and without command ids (so no per-record events). Engine-internal: for the benchmark
 * and tools. Throws like producer.send when the producer is unknown or down. It is not a command,
 * so it is not in the command log: a session that uses it cannot be replayed from that log.
 */
export function enqueueRecords(
  sim: Simulation,
  producer: string,
  topic: string,
  records: readonly { key: string | null; value: string }[],
): void {
  const id = liveProducer(sim.kernel, producer);
  sim.kernel.invoke<ProducerDurable, ProducerVolatile>(id, (ctx, self) =>
    acceptRecords(ctx, self, topic, records),
  );
}
