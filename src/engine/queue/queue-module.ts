/**
 * The queue module: the queue broker (`queue-1`) and its client services, their commands and their
 * part of the snapshot. Commands are checked against the broker's state (for a clear error now);
 * the clients themselves learn everything through messages.
 */
import { clusterView } from '../cluster/narration';
import { EngineError } from '../errors';
import type { Kernel, NodeRecord } from '../kernel/kernel';
import type { EngineModule } from '../module';
import type { NodeId } from '../types';
import {
  createQueue,
  DEFAULT_VISIBILITY_TIMEOUT_MS,
  QUEUE_BROKER_ID,
  queueBrokerBehaviour,
  type QueueBrokerDurable,
  type QueueBrokerVolatile,
} from './queue-broker';
import type { QueueSnapshot, ServiceRole, ServiceSnapshot } from './queue-types';
import { sendOne, serviceBehaviour } from './service-node';
import { newServiceDurable, serviceNodeId, type ServiceDurable, type ServiceVolatile } from './service-state';

const QUEUE_NAME = /^[A-Za-z0-9_-]{1,80}$/;
const DEFAULT_WORKER_PROCESSING_MS = 300;
const DEFAULT_BATCH_PROCESSING_MS = 200;
const DEFAULT_ACCOUNT_PROCESSING_MS = 100;

function broker(kernel: Kernel): NodeRecord<QueueBrokerDurable, QueueBrokerVolatile> | undefined {
  return kernel.node(QUEUE_BROKER_ID) as NodeRecord<QueueBrokerDurable, QueueBrokerVolatile> | undefined;
}

function existingQueue(kernel: Kernel, queue: string): void {
  if (!broker(kernel)?.durable.queues[queue]) {
    throw new EngineError('QUEUE_DOES_NOT_EXIST', `There is no queue "${queue}": create it first.`);
  }
}

function existingTopic(kernel: Kernel, topic: string): void {
  if (!clusterView(kernel.state.shared).image.topics[topic]) {
    throw new EngineError('UNKNOWN_TOPIC_OR_PARTITION', `Topic '${topic}' does not exist.`);
  }
}

/** Kafka's bootstrap.servers: every broker. */
function brokerIds(kernel: Kernel): NodeId[] {
  return Object.values(kernel.state.nodes)
    .filter((n) => n.kind === 'broker')
    .map((n) => n.id);
}

function newClient(kernel: Kernel, role: ServiceRole, name: string): NodeId {
  const id = serviceNodeId(role, name);
  if (kernel.node(id)) throw new EngineError('DUPLICATE_NODE', `${id} already exists.`);
  return id;
}

function addService(
  kernel: Kernel,
  id: NodeId,
  durable: Omit<Parameters<typeof newServiceDurable>[0], 'broker'>,
): void {
  kernel.addNode<ServiceDurable>(
    id,
    'service',
    newServiceDurable({ ...durable, broker: QUEUE_BROKER_ID, createdAtMs: kernel.now() }),
  );
}

function serviceNodes(kernel: Kernel): NodeRecord<ServiceDurable, ServiceVolatile>[] {
  return Object.values(kernel.state.nodes).filter((n) => n.kind === 'service') as NodeRecord<
    ServiceDurable,
    ServiceVolatile
  >[];
}

export const queueModule: EngineModule = {
  name: 'queue',
  behaviours: { queue: queueBrokerBehaviour, service: serviceBehaviour },
  commands: {
    'queue.create': (kernel, c) => {
      if (!QUEUE_NAME.test(c.queue)) {
        throw new EngineError(
          'INVALID_COMMAND',
          `queue.create: "${c.queue}" is not a valid queue name (1–80 letters, digits, - or _).`,
        );
      }
      const b = broker(kernel);
      if (b && !b.alive) throw new EngineError('INVALID_NODE_STATE', `${QUEUE_BROKER_ID} is down.`);
      if (b?.durable.queues[c.queue]) {
        throw new EngineError('QUEUE_ALREADY_EXISTS', `Queue "${c.queue}" already exists.`);
      }
      const timeoutMs = c.visibilityTimeoutMs ?? DEFAULT_VISIBILITY_TIMEOUT_MS;
      return () => {
        if (!b)
          kernel.addNode<QueueBrokerDurable>(QUEUE_BROKER_ID, 'queue', { queues: {}, nextMessageId: 1 });
        kernel.invoke<QueueBrokerDurable, QueueBrokerVolatile>(QUEUE_BROKER_ID, (ctx, self) =>
          createQueue(ctx, self, c.queue, timeoutMs),
        );
      };
    },
    'sender.create': (kernel, c) => {
      const id = newClient(kernel, 'sender', c.sender);
      if (c.everyMs !== undefined && c.queue === undefined) {
        throw new EngineError('INVALID_COMMAND', 'sender.create: everyMs needs a queue to send to.');
      }
      if (c.queue !== undefined) existingQueue(kernel, c.queue);
      return () =>
        addService(kernel, id, {
          role: 'sender',
          name: c.sender,
          queue: c.queue ?? '',
          everyMs: c.everyMs ?? 0,
          autoLimit: c.count ?? -1,
          bodyPrefix: c.bodyPrefix ?? `${c.queue ?? 'message'}-`,
        });
    },
    'queue.send': (kernel, c, commandId) => {
      const id = serviceNodeId('sender', c.sender);
      const node = kernel.node(id);
      if (!node) throw new EngineError('UNKNOWN_NODE', `sender: no sender "${c.sender}" (create it first).`);
      if (!node.alive)
        throw new EngineError('INVALID_NODE_STATE', `${id} is down: restart it before sending.`);
      existingQueue(kernel, c.queue);
      return () =>
        kernel.invoke<ServiceDurable, ServiceVolatile>(id, (ctx, self) =>
          sendOne(ctx, self, { queue: c.queue, body: c.body, commandId }),
        );
    },
    'worker.create': (kernel, c) => {
      const id = newClient(kernel, 'worker', c.worker);
      existingQueue(kernel, c.queue);
      return () =>
        addService(kernel, id, {
          role: 'worker',
          name: c.worker,
          queue: c.queue,
          processingMs: c.processingMs ?? DEFAULT_WORKER_PROCESSING_MS,
          maxMessages: c.maxMessages ?? 1,
          waitTimeMs: c.waitTimeMs ?? 2000,
        });
    },
    'batchJob.create': (kernel, c) => {
      const id = newClient(kernel, 'batch', c.job);
      if ((c.queue === undefined) === (c.topic === undefined)) {
        throw new EngineError('INVALID_COMMAND', 'batchJob.create: give exactly one of queue and topic.');
      }
      if (c.queue !== undefined) existingQueue(kernel, c.queue);
      if (c.topic !== undefined) existingTopic(kernel, c.topic);
      return () =>
        addService(kernel, id, {
          role: 'batch',
          name: c.job,
          queue: c.queue ?? '',
          topic: c.topic ?? '',
          bootstrap: brokerIds(kernel),
          everyMs: c.everyMs,
          processingMs: c.processingMs ?? DEFAULT_BATCH_PROCESSING_MS,
          perMessageMs: c.perMessageMs ?? 20,
        });
    },
    'accountService.create': (kernel, c) => {
      const id = newClient(kernel, 'account', c.service);
      existingQueue(kernel, c.queue);
      existingTopic(kernel, c.topic);
      const bootstrap = brokerIds(kernel);
      return () =>
        addService(kernel, id, {
          role: 'account',
          name: c.service,
          queue: c.queue,
          topic: c.topic,
          bootstrap,
          balances: { ...c.balances },
          processingMs: c.processingMs ?? DEFAULT_ACCOUNT_PROCESSING_MS,
        });
    },
  },
  snapshot(kernel, snap) {
    snap.queues = queueSnapshots(kernel);
    snap.services = serviceNodes(kernel).map((n) => serviceSnapshot(n));
  },
};

function queueSnapshots(kernel: Kernel): QueueSnapshot[] {
  const b = broker(kernel);
  if (!b) return [];
  return Object.values(b.durable.queues).map((q) => {
    const inFlight = q.messages.filter((m) => m.inFlight).length;
    return {
      name: q.name,
      node: b.id,
      alive: b.alive,
      visibilityTimeoutMs: q.visibilityTimeoutMs,
      messages: q.messages.map((m) => ({
        messageId: m.id,
        body: m.body,
        state: m.inFlight ? 'in-flight' : 'ready',
        sender: m.sender,
        sentAtMs: m.sentAtMs,
        receiveCount: m.receiveCount,
        consumer: m.inFlight?.consumer ?? null,
        visibleAtMs: m.inFlight?.visibleAtMs ?? null,
      })),
      ready: q.messages.length - inFlight,
      inFlight,
      sent: q.sent,
      deleted: q.deleted,
      redelivered: q.redelivered,
      waiting: b.volatile?.waiting.filter((w) => w.queue === q.name).length ?? 0,
    };
  });
}

function serviceSnapshot(n: NodeRecord<ServiceDurable, ServiceVolatile>): ServiceSnapshot {
  const d = n.durable;
  const v = n.volatile;
  return {
    id: d.name,
    node: n.id,
    role: d.role,
    alive: n.alive,
    queue: d.queue,
    state: v ? v.state : 'down',
    count: d.count,
    holding: v ? v.holding.map((m) => m.messageId) : [],
    runs: d.role === 'batch' ? d.runs : null,
    nextRunAtMs: d.role === 'batch' ? (v?.nextRunAtMs ?? null) : null,
    balances: d.role === 'account' ? { ...d.balances } : null,
    topic: d.role === 'account' || (d.role === 'batch' && d.topic !== '') ? d.topic : null,
  };
}
