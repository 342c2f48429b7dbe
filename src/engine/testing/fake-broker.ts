/**
 * A scripted stand-in for the broker side of the produce path, for producer tests: it answers
 * Metadata, InitProducerId and Produce from a table the test controls (topics, leaders, faults), so
 * retries, errors and acks handling can be tested without replication. It keeps a log per partition
 * and checks idempotent sequences as reference §6 describes (duplicates of the last 5 batches are
 * acknowledged with their original offsets; gaps get OUT_OF_ORDER_SEQUENCE_NUMBER).
 *
 * Test-only: unlike real nodes it reads its instructions from the kernel's shared bookkeeping.
 */
import { clusterView } from '../cluster/narration';
import { producerModule } from '../client/producer-module';
import { coreModule } from '../core-module';
import type { ErrorCode } from '../errors';
import type { Kernel, NodeBehaviour, NodeContext, RpcMessage } from '../kernel/kernel';
import type { EngineModule } from '../module';
import type {
  BatchRecord,
  InitProducerIdResponse,
  MetadataRequest,
  MetadataResponse,
  ProducePartitionResponse,
  ProduceRequest,
  RecordBatch,
} from '../protocol/produce';
import { SimulationImpl, type Simulation, engineOf, type FacadeSimulation } from '../simulation';
import type { CommandMap, ConfigValue, SimulationOptions } from '../types';

export interface FakeFault {
  /** Which Produce it hits (any when omitted). */
  topic?: string;
  partition?: number;
  broker?: number;
  /** Answer with this error... */
  error?: ErrorCode;
  /** ...after appending the batch anyway (NOT_ENOUGH_REPLICAS_AFTER_APPEND). */
  append?: boolean;
  /** Append (if `append`) but never answer. */
  silent?: boolean;
  /** How many Produce partitions it hits (default 1). */
  times?: number;
}

interface FakeTopic {
  leaders: number[];
  leaderEpochs: number[];
}

interface FakeShared {
  topics: Record<string, FakeTopic>;
  faults: FakeFault[];
  nextProducerId: number;
  /** Brokers that ignore Metadata and InitProducerId (as if the request never arrived). */
  mute: number[];
}

interface RetainedBatch {
  producerId: number;
  firstSeq: number;
  lastSeq: number;
  baseOffset: number;
}

export interface FakeBrokerDurable {
  brokerId: number;
  logs: Record<string, BatchRecord[]>;
  /** Per partition and producer id: the last 5 batches (ProducerStateEntry.NUM_BATCHES_TO_RETAIN). */
  producers: Record<string, RetainedBatch[]>;
}

/** A Metadata answer from a fake broker's scripted topics (leaders and leader epochs only). */
export function fakeMetadataResponse(
  topics: Record<string, { leaders: number[]; leaderEpochs: number[] }>,
  brokers: { id: number; node: string }[],
  names: string[],
): MetadataResponse {
  return {
    brokers,
    topics: names.map((name) => {
      const t = topics[name];
      if (!t) return { name, error: 'UNKNOWN_TOPIC_OR_PARTITION', partitions: [] };
      return {
        name,
        error: null,
        partitions: t.leaders.map((leader, partition) => ({
          partition,
          error: leader < 0 ? 'LEADER_NOT_AVAILABLE' : null,
          leader,
          leaderEpoch: t.leaderEpochs[partition] ?? 0,
          replicas: [],
          isr: [],
        })),
      };
    }),
  };
}

function fakeState(s: Record<string, unknown>): FakeShared {
  s.fake ??= { topics: {}, faults: [], nextProducerId: 1000, mute: [] } satisfies FakeShared;
  return s.fake as FakeShared;
}

const shared = (from: NodeContext | Kernel): FakeShared =>
  fakeState('state' in from ? from.state.shared : from.shared());

function takeFault(s: FakeShared, broker: number, topic: string, partition: number): FakeFault | undefined {
  const i = s.faults.findIndex(
    (f) =>
      (f.topic === undefined || f.topic === topic) &&
      (f.partition === undefined || f.partition === partition) &&
      (f.broker === undefined || f.broker === broker),
  );
  if (i < 0) return undefined;
  const f = s.faults[i]!;
  f.times = (f.times ?? 1) - 1;
  if (f.times <= 0) s.faults.splice(i, 1);
  return f;
}

function append(self: FakeBrokerDurable, tp: string, batch: RecordBatch): number {
  const log = (self.logs[tp] ??= []);
  const baseOffset = log.length;
  log.push(...batch.records);
  if (batch.producerId >= 0) {
    const retained = (self.producers[`${tp}/${batch.producerId}`] ??= []);
    retained.push({
      producerId: batch.producerId,
      firstSeq: batch.baseSequence,
      lastSeq: batch.baseSequence + batch.records.length - 1,
      baseOffset,
    });
    if (retained.length > 5) retained.shift();
  }
  return baseOffset;
}

function producePartition(
  ctx: NodeContext,
  self: FakeBrokerDurable,
  topic: string,
  partition: number,
  batch: RecordBatch,
): ProducePartitionResponse | null {
  const s = shared(ctx);
  const tp = `${topic}-${partition}`;
  const answer = (error: ErrorCode | null, baseOffset = -1) => ({ topic, partition, error, baseOffset });
  if (s.topics[topic]?.leaders[partition] !== self.brokerId) return answer('NOT_LEADER_OR_FOLLOWER');
  if (batch.producerId >= 0) {
    const retained = self.producers[`${tp}/${batch.producerId}`] ?? [];
    const dup = retained.find((b) => b.firstSeq === batch.baseSequence);
    if (dup) return answer(null, dup.baseOffset);
    const last = retained.at(-1);
    if (last && batch.baseSequence !== last.lastSeq + 1) return answer('OUT_OF_ORDER_SEQUENCE_NUMBER');
  }
  const fault = takeFault(s, self.brokerId, topic, partition);
  if (fault) {
    const baseOffset = fault.append ? append(self, tp, batch) : -1;
    if (fault.silent) return null;
    return answer(fault.error ?? null, fault.error ? -1 : baseOffset);
  }
  return answer(null, append(self, tp, batch));
}

const fakeBroker: NodeBehaviour<FakeBrokerDurable, Record<string, never>> = {
  start: () => ({}),
  onTimer: () => {},
  onMessage(ctx, self, msg: RpcMessage) {
    const s = shared(ctx);
    const brokerId = self.durable.brokerId;
    if (msg.kind === 'Metadata') {
      if (s.mute.includes(brokerId)) return;
      const req = msg.body as MetadataRequest;
      const names = req.topics ?? Object.keys(s.topics);
      const brokers = Object.values(ctx.shared().fakeBrokers as Record<number, string>).map((node, i) => ({
        id: i + 1,
        node,
      }));
      const body = fakeMetadataResponse(s.topics, brokers, names);
      ctx.send(msg.from, 'MetadataResponse', body, msg.id);
    } else if (msg.kind === 'InitProducerId') {
      if (s.mute.includes(brokerId)) return;
      const body: InitProducerIdResponse = { error: null, producerId: s.nextProducerId++, producerEpoch: 0 };
      ctx.send(msg.from, 'InitProducerIdResponse', body, msg.id);
    } else if (msg.kind === 'Produce') {
      const req = msg.body as ProduceRequest;
      const answers = req.partitions.map((p) =>
        producePartition(ctx, self.durable, p.topic, p.partition, p.batch),
      );
      const partitions = answers.filter((a) => a !== null);
      if (req.acks === 0 || partitions.length < answers.length) return;
      ctx.send(msg.from, 'ProduceResponse', { partitions }, msg.id);
    }
  },
};

const fakeClusterModule: EngineModule = {
  name: 'fake-cluster',
  behaviours: { broker: fakeBroker },
  setup(kernel, options) {
    const nodes: Record<number, string> = {};
    for (let i = 1; i <= options.brokers; i++) {
      nodes[i] = `broker-${i}`;
      kernel.addNode<FakeBrokerDurable>(`broker-${i}`, 'broker', { brokerId: i, logs: {}, producers: {} });
    }
    kernel.state.shared.fakeBrokers = nodes;
  },
};

export function fakeCluster(options: Partial<SimulationOptions> = {}): Simulation {
  return new SimulationImpl({ seed: 1, brokers: 3, ...options }, [
    coreModule,
    fakeClusterModule,
    producerModule,
  ]);
}

/** Create a topic in the fake table and in the committed view producer.send validates against. */
export function fakeTopic(sim: FacadeSimulation, topic: string, leaders: number[]): void {
  shared(engineOf(sim).kernel).topics[topic] = { leaders: [...leaders], leaderEpochs: leaders.map(() => 0) };
  clusterView(engineOf(sim).kernel.state.shared).image.topics[topic] = {
    name: topic,
    topicId: `id-${topic}`,
    config: {},
    partitions: leaders.map((leader, partition) => ({
      partition,
      replicas: [leader],
      isr: [leader],
      leader,
      leaderEpoch: 0,
      partitionEpoch: 0,
      leaderRecoveryState: 'RECOVERED',
    })),
  };
}

/** Move a partition's leadership (bumping its leader epoch), as a controller would. */
export function fakeLeader(sim: FacadeSimulation, topic: string, partition: number, leader: number): void {
  const t = shared(engineOf(sim).kernel).topics[topic]!;
  t.leaders[partition] = leader;
  t.leaderEpochs[partition] = (t.leaderEpochs[partition] ?? 0) + 1;
}

export function fakeFault(sim: FacadeSimulation, fault: FakeFault): void {
  shared(engineOf(sim).kernel).faults.push(fault);
}

export function fakeMute(sim: FacadeSimulation, broker: number): void {
  shared(engineOf(sim).kernel).mute.push(broker);
}

export function fakeLog(
  sim: FacadeSimulation,
  broker: number,
  topic: string,
  partition: number,
): BatchRecord[] {
  return (
    (engineOf(sim).kernel.node(`broker-${broker}`)!.durable as FakeBrokerDurable).logs[
      `${topic}-${partition}`
    ] ?? []
  );
}

/**
 * The usual producer test world: brokers 1-3, topic `orders` led by `leaders`, producer `p1` with
 * `config`, and `send` to dispatch a producer.send to it.
 */
export function producerWorld(config: Record<string, ConfigValue> = {}, leaders = [1, 2, 3]) {
  const sim = fakeCluster();
  fakeTopic(sim, 'orders', leaders);
  sim.dispatch({ type: 'producer.create', producer: 'p1', config });
  const send = (key: string | null, value: string, extra: Partial<CommandMap['producer.send']> = {}) =>
    sim.dispatch({ type: 'producer.send', producer: 'p1', topic: 'orders', key, value, ...extra });
  return { sim, send };
}
