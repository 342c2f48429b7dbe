/**
 * The brokers of the consumer tests' fake cluster (helpers in consumer-fake-cluster.ts): they answer
 * Metadata, FindCoordinator, ListOffsets and long-poll Fetch (below the high watermark, parked for
 * up to maxWaitMs) from logs the test writes, and one broker runs the small coordinator of
 * consumer-fake-group.ts. Faults make any request kind answer with an error or not at all.
 *
 * Test-only: unlike real nodes it reads its instructions from the kernel's shared bookkeeping.
 */
import {
  isMetadataFetch,
  type AnyRpcMessage,
  type RpcMessageOf,
  type RpcPayload,
} from '../protocol/rpc-kinds';
import { brokerNodeId } from '../core-module';
import type { ErrorCode } from '../errors';
import type { NodeBehaviour, NodeContext, RpcMessage } from '../kernel/kernel';
import type { TimerOf } from '../protocol/timer-kinds';
import type { EngineModule } from '../module';
import type { FindCoordinatorResponse, ListOffsetsRequest, ListOffsetsResponse } from '../protocol/consume';
import type {
  FetchPartitionResponse,
  MetadataRequest,
  RecordBatch,
  ReplicaFetchRequest,
} from '../protocol/produce';
import type { NodeId } from '../types';
import { fakeMetadataResponse } from '../testing/fake-broker';
import {
  completeJoin,
  FAKE_GROUP_KINDS,
  handleGroupRequest,
  newFakeGroup,
  type FakeGroup,
  type FakeGroupKind,
} from './consumer-fake-group';

export interface FakeConsumeFault {
  kind: string;
  /** Answer with this error... */
  error?: ErrorCode;
  /** ...or not at all. */
  silent?: boolean;
  broker?: number;
  /** How many requests it hits (default 1). */
  times?: number;
}

export interface FakeLog {
  batches: RecordBatch[];
  logStartOffset: number;
  logEndOffset: number;
  highWatermark: number;
}

export interface FakeState {
  brokers: Record<number, NodeId>;
  topics: Record<string, { leaders: number[]; leaderEpochs: number[] }>;
  logs: Record<string, FakeLog>;
  coordinator: number;
  groups: Record<string, FakeGroup>;
  faults: FakeConsumeFault[];
  rebalanceTimeoutMs: number;
}

export interface Parked {
  from: NodeId;
  id: number;
  body: ReplicaFetchRequest;
  timer: number;
}

export interface FakeBrokerDurable {
  brokerId: number;
}

export interface FakeBrokerVolatile {
  parked: Parked[];
}

const GROUP_KINDS = new Set<string>(FAKE_GROUP_KINDS);
const isGroupRequest = (msg: AnyRpcMessage): msg is RpcMessageOf<FakeGroupKind> => GROUP_KINDS.has(msg.kind);

export function fake(shared: Record<string, unknown>): FakeState {
  shared.fakeConsume ??= {
    brokers: {},
    topics: {},
    logs: {},
    coordinator: 1,
    groups: {},
    faults: [],
    rebalanceTimeoutMs: 1000,
  } satisfies FakeState;
  return shared.fakeConsume as FakeState;
}

function takeFault(s: FakeState, kind: string, broker: number): FakeConsumeFault | undefined {
  const i = s.faults.findIndex((f) => f.kind === kind && (f.broker === undefined || f.broker === broker));
  if (i < 0) return undefined;
  const f = s.faults[i]!;
  f.times = (f.times ?? 1) - 1;
  if (f.times <= 0) s.faults.splice(i, 1);
  return f;
}

/** The error answer of each request kind, in that kind's response shape. */
function errorAnswer(msg: AnyRpcMessage, error: ErrorCode): RpcPayload {
  const each = <E extends object>(parts: readonly { topic: string; partition: number }[], extra: E) =>
    parts.map((p) => ({ topic: p.topic, partition: p.partition, error, ...extra }));
  switch (msg.kind) {
    case 'FindCoordinator':
      return { kind: 'FindCoordinatorResponse', body: { error, nodeId: -1, node: null } };
    case 'JoinGroup':
      return {
        kind: 'JoinGroupResponse',
        body: {
          error,
          generationId: -1,
          protocolName: null,
          leader: '',
          memberId: msg.body.memberId,
          members: [],
        },
      };
    case 'SyncGroup':
      return { kind: 'SyncGroupResponse', body: { error, partitions: [] } };
    case 'OffsetFetch':
      return { kind: 'OffsetFetchResponse', body: { error, partitions: [] } };
    case 'OffsetCommit':
      return { kind: 'OffsetCommitResponse', body: { partitions: each(msg.body.offsets, {}) } };
    case 'ListOffsets':
      return {
        kind: 'ListOffsetsResponse',
        body: { partitions: each(msg.body.partitions, { offset: -1, timestamp: -1 }) },
      };
    case 'Fetch': {
      const parts = isMetadataFetch(msg.body) ? [] : msg.body.partitions;
      const empty = { batches: [], highWatermark: -1, lastStableOffset: -1, logStartOffset: -1 };
      return { kind: 'FetchResponse', body: { partitions: each(parts, empty) } };
    }
    case 'Heartbeat':
      return { kind: 'HeartbeatResponse', body: { error } };
    case 'LeaveGroup':
      return { kind: 'LeaveGroupResponse', body: { error } };
    default:
      throw new Error(`the fake cluster cannot fail ${msg.kind} with an error`);
  }
}

function readPartition(
  s: FakeState,
  broker: number,
  p: ReplicaFetchRequest['partitions'][number],
): FetchPartitionResponse {
  const base = { topic: p.topic, partition: p.partition, batches: [] as RecordBatch[] };
  const none = { highWatermark: -1, lastStableOffset: -1, logStartOffset: -1 };
  const fail = (error: ErrorCode): FetchPartitionResponse => ({ ...base, ...none, error });
  const t = s.topics[p.topic];
  const log = s.logs[`${p.topic}-${p.partition}`];
  if (!t || !log || t.leaders[p.partition] !== broker) return fail('NOT_LEADER_OR_FOLLOWER');
  const epoch = t.leaderEpochs[p.partition] ?? 0;
  if (p.currentLeaderEpoch >= 0 && p.currentLeaderEpoch < epoch) return fail('FENCED_LEADER_EPOCH');
  if (p.currentLeaderEpoch > epoch) return fail('UNKNOWN_LEADER_EPOCH');
  if (p.fetchOffset < log.logStartOffset || p.fetchOffset > log.logEndOffset)
    return fail('OFFSET_OUT_OF_RANGE');
  const batches = log.batches.filter(
    (b) =>
      b.baseOffset + b.records.length > p.fetchOffset && b.baseOffset + b.records.length <= log.highWatermark,
  );
  return {
    ...base,
    error: null,
    batches,
    highWatermark: log.highWatermark,
    lastStableOffset: log.highWatermark,
    logStartOffset: log.logStartOffset,
  };
}

export function answerFetch(
  ctx: NodeContext,
  s: FakeState,
  broker: number,
  to: NodeId,
  id: number,
  req: ReplicaFetchRequest,
): void {
  const partitions = req.partitions.map((p) => readPartition(s, broker, p));
  ctx.send(to, 'FetchResponse', { partitions }, id);
}

function onFetch(
  ctx: NodeContext,
  self: FakeBroker,
  s: FakeState,
  msg: RpcMessage<ReplicaFetchRequest>,
): void {
  const req = msg.body;
  const parts = req.partitions.map((p) => readPartition(s, self.durable.brokerId, p));
  const bytes = parts.reduce((n, p) => n + p.batches.reduce((m, b) => m + b.sizeBytes, 0), 0);
  if (bytes >= req.minBytes || req.maxWaitMs <= 0 || parts.some((p) => p.error !== null)) {
    ctx.send(msg.from, 'FetchResponse', { partitions: parts }, msg.id);
    return;
  }
  const timer = ctx.setTimer('fakeFetchWait', req.maxWaitMs, { id: msg.id });
  self.volatile.parked.push({ from: msg.from, id: msg.id, body: req, timer });
}

function onListOffsets(
  ctx: NodeContext,
  s: FakeState,
  broker: number,
  msg: RpcMessage<ListOffsetsRequest>,
): void {
  const res: ListOffsetsResponse = {
    partitions: msg.body.partitions.map((p) => {
      const t = s.topics[p.topic];
      const log = s.logs[`${p.topic}-${p.partition}`];
      if (!t || !log || t.leaders[p.partition] !== broker)
        return { ...p, error: 'NOT_LEADER_OR_FOLLOWER', offset: -1, timestamp: -1 };
      if (p.timestamp === -2) return { ...p, error: null, offset: log.logStartOffset, timestamp: -1 };
      if (p.timestamp === -1) return { ...p, error: null, offset: log.highWatermark, timestamp: -1 };
      for (const b of log.batches) {
        for (let i = 0; i < b.records.length; i++) {
          const offset = b.baseOffset + i;
          if (offset < log.logStartOffset || offset >= log.highWatermark) continue;
          if (b.records[i]!.timestamp >= p.timestamp)
            return { ...p, error: null, offset, timestamp: b.records[i]!.timestamp };
        }
      }
      return { ...p, error: null, offset: -1, timestamp: -1 };
    }),
  };
  ctx.send(msg.from, 'ListOffsetsResponse', res, msg.id);
}

type FakeBroker = Parameters<NodeBehaviour<FakeBrokerDurable, FakeBrokerVolatile>['onMessage']>[1];

const fakeBroker: NodeBehaviour<FakeBrokerDurable, FakeBrokerVolatile, TimerOf<'test'>> = {
  start: () => ({ parked: [] }),
  onTimer(ctx, self, timer) {
    const s = fake(ctx.shared());
    if (timer.name === 'fakeFetchWait') {
      const id = timer.data.id;
      const i = self.volatile.parked.findIndex((p) => p.id === id);
      if (i < 0) return;
      const [p] = self.volatile.parked.splice(i, 1);
      answerFetch(ctx, s, self.durable.brokerId, p!.from, p!.id, p!.body);
    } else if (timer.name === 'fakeJoinDeadline') {
      const g = s.groups[timer.data.groupId];
      if (g && g.timer === timer.id) {
        g.timer = null;
        completeJoin(ctx, g);
      }
    }
  },
  onMessage(ctx, self, msg) {
    const s = fake(ctx.shared());
    const broker = self.durable.brokerId;
    const fault = takeFault(s, msg.kind, broker);
    if (fault?.silent) return;
    if (fault?.error) {
      const answer = errorAnswer(msg, fault.error);
      ctx.send(msg.from, answer.kind, answer.body, msg.id);
      return;
    }
    if (msg.kind === 'Metadata') {
      const names = (msg.body as MetadataRequest).topics ?? Object.keys(s.topics);
      const brokers = Object.entries(s.brokers).map(([id, node]) => ({ id: Number(id), node }));
      const body = fakeMetadataResponse(s.topics, brokers, names);
      ctx.send(msg.from, 'MetadataResponse', body, msg.id);
    } else if (msg.kind === 'FindCoordinator') {
      const body: FindCoordinatorResponse = {
        error: null,
        nodeId: s.coordinator,
        node: s.brokers[s.coordinator] ?? null,
      };
      ctx.send(msg.from, 'FindCoordinatorResponse', body, msg.id);
    } else if (msg.kind === 'Fetch') {
      onFetch(ctx, self, s, msg as RpcMessage<ReplicaFetchRequest>);
    } else if (msg.kind === 'ListOffsets') {
      onListOffsets(ctx, s, broker, msg as RpcMessage<ListOffsetsRequest>);
    } else if (isGroupRequest(msg)) {
      if (broker !== s.coordinator) {
        const answer = errorAnswer(msg, 'NOT_COORDINATOR');
        ctx.send(msg.from, answer.kind, answer.body, msg.id);
        return;
      }
      const groupId = msg.body.groupId;
      const g = (s.groups[groupId] ??= newFakeGroup(groupId));
      handleGroupRequest(ctx, g, msg, s.rebalanceTimeoutMs);
    }
  },
};

export const fakeConsumeModule: EngineModule = {
  name: 'fake-consume-cluster',
  behaviours: { broker: fakeBroker },
  setup(kernel, options) {
    const s = fake(kernel.state.shared);
    for (let i = 1; i <= options.brokers; i++) {
      s.brokers[i] = brokerNodeId(i);
      kernel.addNode<FakeBrokerDurable>(brokerNodeId(i), 'broker', { brokerId: i });
    }
  },
};
