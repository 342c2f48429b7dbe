/**
 * A scripted stand-in for the broker side of the consume path, for consumer tests: a cluster of the
 * fake brokers of consumer-fake-broker.ts (Metadata, FindCoordinator, ListOffsets, long-poll Fetch
 * and the small coordinator of consumer-fake-group.ts) with the real consumer module, and the
 * helpers a test uses to write logs, move leaders, inject faults and look at the group.
 *
 * Test-only: unlike real nodes, the fake brokers read their instructions from the kernel's shared
 * bookkeeping.
 */
import { clusterView } from '../cluster/narration';
import { brokerNodeId, coreModule } from '../core-module';
import { recordSize } from '../protocol/produce';
import { SimulationImpl, type Simulation, engineOf, type FacadeSimulation } from '../simulation';
import type { SimulationOptions } from '../types';
import {
  answerFetch,
  fake,
  fakeConsumeModule,
  type FakeBrokerDurable,
  type FakeBrokerVolatile,
  type FakeConsumeFault,
  type Parked,
} from './consumer-fake-broker';
import { prepareRebalance, type FakeGroup } from './consumer-fake-group';
import { consumerModule } from './consumer-module';

export type { FakeConsumeFault } from './consumer-fake-broker';

/** A fake cluster with the real consumer module. */
export function fakeConsumeCluster(options: Partial<SimulationOptions> = {}): Simulation {
  return new SimulationImpl({ seed: 1, brokers: 3, ...options }, [
    coreModule,
    fakeConsumeModule,
    consumerModule,
  ]);
}

const state = (sim: FacadeSimulation) => fake(engineOf(sim).kernel.state.shared);

/** A topic in the fake table and in the committed view the consumer commands validate against. */
export function fakeConsumeTopic(sim: FacadeSimulation, topic: string, leaders: number[]): void {
  const s = state(sim);
  s.topics[topic] = { leaders: [...leaders], leaderEpochs: leaders.map(() => 0) };
  leaders.forEach((_, p) => {
    s.logs[`${topic}-${p}`] = { batches: [], logStartOffset: 0, logEndOffset: 0, highWatermark: 0 };
  });
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

/**
 * Append one batch to a partition's log; the high watermark follows unless `highWatermark` says
 * where it stays. Long-polls parked at the leader are answered if they now have data.
 */
export function fakeAppend(
  sim: FacadeSimulation,
  topic: string,
  partition: number,
  values: string[],
  opts: { timestamp?: number; key?: string | null; highWatermark?: number } = {},
): void {
  const s = state(sim);
  const log = s.logs[`${topic}-${partition}`]!;
  const timestamp = opts.timestamp ?? sim.now();
  const records = values.map((value) => ({ key: opts.key ?? null, value, timestamp }));
  log.batches.push({
    baseOffset: log.logEndOffset,
    partitionLeaderEpoch: s.topics[topic]!.leaderEpochs[partition] ?? 0,
    producerId: -1,
    producerEpoch: -1,
    baseSequence: -1,
    isTransactional: false,
    isControl: false,
    records,
    sizeBytes: records.reduce((n, r) => n + recordSize(r.key, r.value), 61),
  });
  log.logEndOffset += values.length;
  fakeHighWatermark(sim, topic, partition, opts.highWatermark ?? log.logEndOffset);
}

export function fakeHighWatermark(sim: FacadeSimulation, topic: string, partition: number, hw: number): void {
  const s = state(sim);
  s.logs[`${topic}-${partition}`]!.highWatermark = hw;
  const leader = s.topics[topic]!.leaders[partition]!;
  wakeParked(sim, leader);
}

/** Delete records below `offset` (retention): older positions become out of range. */
export function fakeLogStart(sim: FacadeSimulation, topic: string, partition: number, offset: number): void {
  const log = state(sim).logs[`${topic}-${partition}`]!;
  log.logStartOffset = offset;
  log.batches = log.batches.filter((b) => b.baseOffset + b.records.length > offset);
}

function wakeParked(sim: FacadeSimulation, broker: number): void {
  const node = brokerNodeId(broker);
  if (!engineOf(sim).kernel.node(node)?.alive) return;
  engineOf(sim).kernel.invoke<FakeBrokerDurable, FakeBrokerVolatile>(node, (ctx, self) => {
    const s = fake(ctx.shared());
    const still: Parked[] = [];
    for (const p of self.volatile.parked) {
      const ready = p.body.partitions.some((q) => {
        const log = s.logs[`${q.topic}-${q.partition}`];
        return !log || log.highWatermark > q.fetchOffset;
      });
      if (!ready) {
        still.push(p);
        continue;
      }
      ctx.cancelTimer(p.timer);
      answerFetch(ctx, s, broker, p.from, p.id, p.body);
    }
    self.volatile.parked = still;
  });
}

/** Move a partition's leadership, bumping its leader epoch, as a controller would. */
export function fakeMoveLeader(
  sim: FacadeSimulation,
  topic: string,
  partition: number,
  leader: number,
): void {
  const t = state(sim).topics[topic]!;
  t.leaders[partition] = leader;
  t.leaderEpochs[partition] = (t.leaderEpochs[partition] ?? 0) + 1;
}

export function fakeConsumeFault(sim: FacadeSimulation, fault: FakeConsumeFault): void {
  state(sim).faults.push(fault);
}

export function fakeGroupOf(sim: FacadeSimulation, groupId: string): FakeGroup | undefined {
  return state(sim).groups[groupId];
}

export function fakeSetCoordinator(sim: FacadeSimulation, broker: number): void {
  state(sim).coordinator = broker;
}

/** Start a join phase on the fake coordinator, as a new member or a metadata change would. */
export function fakeRebalance(sim: FacadeSimulation, groupId: string): void {
  const s = state(sim);
  const g = s.groups[groupId]!;
  engineOf(sim).kernel.invoke(brokerNodeId(s.coordinator), (ctx) =>
    prepareRebalance(ctx, g, s.rebalanceTimeoutMs),
  );
}

/**
 * The usual consumer test world: brokers 1-3, topic `orders` with partitions led by `leaders`
 * (default 1, 2, 3), nothing consumed yet.
 */
export function consumeWorld(leaders = [1, 2, 3], options: Partial<SimulationOptions> = {}): Simulation {
  const sim = fakeConsumeCluster(options);
  fakeConsumeTopic(sim, 'orders', leaders);
  return sim;
}
