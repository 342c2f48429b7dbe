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
import { engineOf, type FacadeSimulation } from '../simulation';
import type { GroupMetadata, NodeId, ProducerSnapshot } from '../types';
import { consumerNodeId, type ConsumerDurable, type ConsumerVolatile } from './consumer-state';
import { acceptRecord, acceptRecords, producerBehaviour, runSender } from './producer';
import { brokerSetting } from '../config';
import { beginTransaction, endTransaction, inTransaction, sendOffsetsToTransaction } from './producer-txn';
import { resolveProducerConfig } from './producer-config';
import { producerNodeId, type ProducerDurable, type ProducerVolatile } from './producer-state';

function producerNodes(kernel: Kernel): NodeRecord<ProducerDurable, ProducerVolatile>[] {
  return Object.values(kernel.state.nodes).filter((n) => n.kind === 'producer') as NodeRecord<
    ProducerDurable,
    ProducerVolatile
  >[];
}

type ProducerRecord = NodeRecord<ProducerDurable, ProducerVolatile>;

/** A live producer with transactional.id, in a state that allows `what` (else INVALID_TXN_STATE). */
/**
 * The group metadata sent with the offsets: given outright, or read from the named consumer now
 * (consumer.groupMetadata() in the same application), or none (generation -1, no member id).
 */
function groupMetadataOf(
  kernel: Kernel,
  c: { groupId: string; groupMetadata?: GroupMetadata; consumer?: string },
): GroupMetadata {
  if (c.groupMetadata && c.consumer !== undefined) {
    throw new EngineError('INVALID_COMMAND', 'Give either groupMetadata or consumer, not both.');
  }
  if (c.groupMetadata)
    return { ...c.groupMetadata, groupInstanceId: c.groupMetadata.groupInstanceId ?? null };
  if (c.consumer === undefined) return { generationId: -1, memberId: '', groupInstanceId: null };
  const node = kernel.node(consumerNodeId(c.consumer)) as
    NodeRecord<ConsumerDurable, ConsumerVolatile | null> | undefined;
  if (!node) throw new EngineError('UNKNOWN_NODE', `No consumer "${c.consumer}" in this cluster.`);
  if (node.durable.groupId !== c.groupId) {
    throw new EngineError(
      'INVALID_COMMAND',
      `Consumer "${c.consumer}" is not in group "${c.groupId}" (its group is ${node.durable.groupId ?? 'none'}).`,
    );
  }
  const group = node.volatile?.group;
  return {
    generationId: group?.generation ?? -1,
    memberId: group?.memberId ?? '',
    groupInstanceId: node.durable.config.groupInstanceId,
  };
}

function transactionalProducer(kernel: Kernel, name: string, what: string, needsOpen: boolean): NodeId {
  const id = liveProducer(kernel, name);
  const node = kernel.node(id) as ProducerRecord;
  const txn = node.volatile?.txn;
  if (node.durable.config.transactionalId === null || !txn) {
    throw new EngineError(
      'INVALID_TXN_STATE',
      `Producer "${name}" has no transactional.id: it cannot ${what}.`,
    );
  }
  if (txn.state === 'FENCED') {
    throw new EngineError(
      'PRODUCER_FENCED',
      `Producer "${name}" was fenced by a newer instance with transactional.id "${node.durable.config.transactionalId}".`,
    );
  }
  const open = inTransaction(txn) || (txn.state === 'ABORTABLE_ERROR' && what === 'abort a transaction');
  if (needsOpen ? !open : txn.state !== 'READY' && !(txn.state === 'INITIALIZING' && !txn.beginPending)) {
    throw new EngineError('INVALID_TXN_STATE', `Cannot ${what} in transaction state ${txn.state}.`);
  }
  return id;
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
  behaviours: { producer: producerBehaviour },
  commands: {
    'producer.create': (kernel, c) => {
      const id = producerNodeId(c.producer);
      if (kernel.node(id))
        throw new EngineError('DUPLICATE_NODE', `Producer "${c.producer}" already exists.`);
      const config = resolveProducerConfig(c.config ?? {});
      const maxTxnMs = brokerSetting(kernel.state.config, 'transaction.max.timeout.ms');
      if (config.transactionalId !== null && config.transactionTimeoutMs > maxTxnMs) {
        throw new EngineError(
          'INVALID_TRANSACTION_TIMEOUT',
          `transaction.timeout.ms=${config.transactionTimeoutMs} is larger than the brokers' transaction.max.timeout.ms=${maxTxnMs}.`,
        );
      }
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
      const node = kernel.node(id) as ProducerRecord;
      if (node.volatile?.txn) transactionalProducer(kernel, c.producer, 'send', true);
      return () =>
        kernel.invoke<ProducerDurable, ProducerVolatile>(id, (ctx, self) => {
          const record: BatchRecord = {
            key: c.key,
            value: c.tombstone ? null : c.value,
            timestamp: c.timestamp ?? ctx.now(),
          };
          if (c.headers) record.headers = c.headers;
          acceptRecord(ctx, self, c.topic, record, c.partition ?? -1, commandId);
        });
    },
    'producer.beginTransaction': (kernel, c) => {
      const id = transactionalProducer(kernel, c.producer, 'begin a transaction', false);
      return () =>
        kernel.invoke<ProducerDurable, ProducerVolatile>(id, (ctx, self) => beginTransaction(ctx, self));
    },
    'producer.commitTransaction': (kernel, c) => {
      const id = transactionalProducer(kernel, c.producer, 'commit a transaction', true);
      return () =>
        kernel.invoke<ProducerDurable, ProducerVolatile>(id, (ctx, self) => {
          endTransaction(ctx, self, 'COMMIT');
          runSender(ctx, self);
        });
    },
    'producer.abortTransaction': (kernel, c) => {
      const id = transactionalProducer(kernel, c.producer, 'abort a transaction', true);
      return () =>
        kernel.invoke<ProducerDurable, ProducerVolatile>(id, (ctx, self) => {
          endTransaction(ctx, self, 'ABORT');
          runSender(ctx, self);
        });
    },
    'producer.sendOffsetsToTransaction': (kernel, c) => {
      const id = transactionalProducer(kernel, c.producer, 'send offsets to a transaction', true);
      const metadata = groupMetadataOf(kernel, c);
      return () =>
        kernel.invoke<ProducerDurable, ProducerVolatile>(id, (ctx, self) => {
          sendOffsetsToTransaction(
            ctx,
            self,
            c.groupId,
            c.offsets.map((o) => ({ ...o })),
            metadata,
          );
          runSender(ctx, self);
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
      transactionalId: p.durable.config.transactionalId,
      producerEpoch: p.volatile && p.volatile.producerId >= 0 ? p.volatile.producerEpoch : null,
      transactionState:
        p.durable.config.transactionalId === null ? null : (p.volatile?.txn?.state ?? 'UNINITIALIZED'),
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
  sim: FacadeSimulation,
  producer: string,
  topic: string,
  records: readonly { key: string | null; value: string }[],
): void {
  const id = liveProducer(engineOf(sim).kernel, producer);
  engineOf(sim).kernel.invoke<ProducerDurable, ProducerVolatile>(id, (ctx, self) =>
    acceptRecords(ctx, self, topic, records),
  );
}
