/**
 * A raw client node for broker tests: it sends whatever request a test hands it and keeps every
 * answer in its inbox, so tests can check the broker side of a protocol without a real client.
 */
import type { RpcBodies, RpcKind } from '../protocol/rpc-kinds';
import type { NodeBehaviour, RpcMessage } from '../kernel/kernel';
import type { EngineModule } from '../module';
import { SimulationImpl, engineOf, type FacadeSimulation, type Simulation } from '../simulation';
import { coreModule } from '../core-module';
import { clusterModule } from '../cluster/module';
import type { SimulationOptions } from '../types';
import { lastOffsetOf, newBatch, type ProduceRequest, type RecordBatch } from '../protocol/produce';

export interface RawClientDurable {
  inbox: RpcMessage[];
}

const rawClient: NodeBehaviour<RawClientDurable, Record<string, never>> = {
  start: () => ({}),
  onMessage: (_ctx, self, msg) => {
    self.durable.inbox.push(msg);
  },
  onTimer: () => {},
};

const rawClientModule: EngineModule = {
  name: 'raw-client',
  behaviours: { test: rawClient },
  setup(kernel) {
    kernel.addNode<RawClientDurable>('test:client', 'test', { inbox: [] });
  },
};

export function simulationWithRawClient(options: SimulationOptions): Simulation {
  return new SimulationImpl(options, [coreModule, clusterModule, rawClientModule]);
}

/** Send a request from the raw client; returns the message id. */
export function sendRaw<K extends RpcKind>(
  sim: FacadeSimulation,
  to: string,
  kind: K,
  body: RpcBodies[K],
): number {
  return engineOf(sim).kernel.send('test:client', to, kind, body);
}

export function replyTo(sim: FacadeSimulation, requestId: number): RpcMessage | undefined {
  const inbox = (engineOf(sim).kernel.node('test:client')!.durable as RawClientDurable).inbox;
  return inbox.find((m) => m.inReplyTo === requestId);
}

export function batchOf(
  values: string[],
  opts: { producerId?: number; producerEpoch?: number; baseSequence?: number; key?: string | null } = {},
): RecordBatch {
  const records = values.map((value) => ({ key: opts.key ?? null, value, timestamp: 0 }));
  return newBatch(records, {
    producerId: opts.producerId ?? -1,
    producerEpoch: opts.producerEpoch ?? 0,
    ...(opts.baseSequence !== undefined ? { baseSequence: opts.baseSequence } : {}),
  });
}

export function produce(
  topic: string,
  partition: number,
  batch: RecordBatch,
  acks: 0 | 1 | -1 = -1,
): ProduceRequest {
  return { acks, timeoutMs: 30_000, transactionalId: null, partitions: [{ topic, partition, batch }] };
}

export { lastOffsetOf };
