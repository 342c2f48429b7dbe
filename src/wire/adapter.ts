/**
 * Wire request ↔ engine RPC. A decoded request becomes the same RPC body the built-in clients
 * send (so brokers answer it exactly as they answer them), and the engine's answer becomes the
 * wire response. Requests the engine has no RPC for are marked `admin` (the host applies them as
 * engine commands or reads them from the snapshot) or answered here (ApiVersions, bad records).
 */
import type {
  ErrorCode,
  ExternalRequestKind,
  FetchPartitionResponse,
  JoinGroupResponse,
  ListOffsetsResponse,
  MetadataResponse,
  OffsetCommitResponse,
  OffsetFetchResponse,
  ProduceResponse,
  RecordBatch,
  TxnOffsetCommitRequest,
} from '../engine/index';
import type { ApiSpec } from './apis';
import { errorCodeOf } from './error-codes';
import { apiVersionsBody } from './frame';
import { decodeBatches, encodeBatches } from './record-batch';
import {
  decodeAssignment,
  decodeSubscription,
  encodeAssignment,
  encodeSubscription,
  toEngineBatch,
  toWireBatch,
} from './records-map';
import type { Struct } from './schema';

/** Where each broker listens, for Metadata and FindCoordinator answers. */
export interface Listeners {
  address(brokerId: number): { host: string; port: number };
  clusterId: string;
}

export type Routed =
  /** Send `kind` with `body` through the simulated network; `reply` maps the answer back. */
  | {
      type: 'rpc';
      kind: ExternalRequestKind;
      body: unknown;
      expectsResponse: boolean;
      reply: (internal: unknown) => Struct;
    }
  /** Answered by the front end itself. */
  | { type: 'local'; response: Struct }
  /** Admin requests with no RPC in the engine yet: the host applies them (see docs/wire.md). */
  | {
      type: 'admin';
      api: 'CreateTopics' | 'DeleteTopics' | 'DescribeGroups' | 'ListGroups';
      request: Struct;
    };

type S = Struct;
const list = (v: unknown) => v as S[];

/** Group per-partition results by topic, keeping first-seen order (as Kafka's responses do). */
export function byTopic<T extends { topic: string }>(items: readonly T[], part: (x: T) => S): S[] {
  const topics = new Map<string, S[]>();
  for (const x of items) {
    const l = topics.get(x.topic) ?? [];
    l.push(part(x));
    topics.set(x.topic, l);
  }
  return [...topics].map(([name, partitions]) => ({ name, partitions }));
}

function flatPartitions(
  topics: S[],
  extra: (p: S) => S = () => ({}),
): ({ topic: string; partition: number } & S)[] {
  return topics.flatMap((t) =>
    list(t.partitions).map((p) => ({
      topic: t.name as string,
      partition: p.partition as number,
      ...extra(p),
    })),
  );
}

function produce(req: S, _version: number): Routed {
  const partitions: { topic: string; partition: number; batch: RecordBatch }[] = [];
  const rejected: { topic: string; partition: number; error: string }[] = [];
  for (const t of list(req.topics)) {
    for (const p of list(t.partitions)) {
      const at = { topic: t.name as string, partition: p.index as number };
      try {
        const batches = decodeBatches((p.records as Uint8Array | null) ?? new Uint8Array(0));
        if (batches.length !== 1) rejected.push({ ...at, error: 'INVALID_RECORD' });
        else if (batches[0]!.compression !== 0)
          rejected.push({ ...at, error: 'UNSUPPORTED_COMPRESSION_TYPE' });
        else partitions.push({ ...at, batch: toEngineBatch(batches[0]!) });
      } catch {
        rejected.push({ ...at, error: 'CORRUPT_MESSAGE' });
      }
    }
  }
  const acks = req.acks as number;
  const toWire = (
    rows: { topic: string; partition: number; error: string | null; baseOffset: number }[],
  ): S => ({
    topics: byTopic(rows, (r) => ({
      index: r.partition,
      errorCode: errorCodeOf(r.error as ErrorCode),
      baseOffset: r.baseOffset,
    })),
    throttleTimeMs: 0,
  });
  const rejectedRows = rejected.map((r) => ({ ...r, baseOffset: -1 }));
  if (partitions.length === 0) return { type: 'local', response: toWire(rejectedRows) };
  return {
    type: 'rpc',
    kind: 'Produce',
    body: { acks, timeoutMs: req.timeoutMs, transactionalId: req.transactionalId, partitions },
    expectsResponse: acks !== 0,
    reply: (internal) => toWire([...(internal as ProduceResponse).partitions, ...rejectedRows]),
  };
}

function fetchPartition(p: FetchPartitionResponse): S {
  return {
    partition: p.partition,
    errorCode: errorCodeOf(p.error),
    highWatermark: p.highWatermark,
    lastStableOffset: p.lastStableOffset,
    logStartOffset: p.logStartOffset,
    abortedTransactions: p.abortedTransactions ?? null,
    preferredReadReplica: -1,
    records: encodeBatches(p.batches.map(toWireBatch)),
  };
}

function fetch(req: S): Routed {
  return {
    type: 'rpc',
    kind: 'Fetch',
    body: {
      replicaId: -1,
      maxWaitMs: req.maxWaitMs,
      minBytes: req.minBytes,
      isolationLevel: req.isolationLevel === 1 ? 'read_committed' : 'read_uncommitted',
      partitions: flatPartitions(list(req.topics), (p) => ({
        fetchOffset: p.fetchOffset,
        currentLeaderEpoch: p.currentLeaderEpoch,
        lastFetchedEpoch: -1,
        partitionMaxBytes: p.partitionMaxBytes,
      })),
    },
    expectsResponse: true,
    reply: (internal) => ({
      throttleTimeMs: 0,
      errorCode: 0,
      sessionId: 0,
      topics: byTopic((internal as { partitions: FetchPartitionResponse[] }).partitions, fetchPartition),
    }),
  };
}

function metadata(req: S, version: number, listeners: Listeners): Routed {
  const names = req.topics === null ? null : list(req.topics).map((t) => t.name as string);
  return {
    type: 'rpc',
    kind: 'Metadata',
    body: { topics: version === 0 && names?.length === 0 ? null : names },
    expectsResponse: true,
    reply: (internal) => {
      const res = internal as MetadataResponse;
      const ids = res.brokers.map((b) => b.id).sort((a, b) => a - b);
      return {
        throttleTimeMs: 0,
        brokers: res.brokers.map((b) => ({ nodeId: b.id, ...listeners.address(b.id), rack: null })),
        clusterId: listeners.clusterId,
        // KRaft brokers name a live broker as "controller": admin requests sent there are forwarded.
        controllerId: ids[0] ?? -1,
        topics: res.topics.map((t) => ({
          errorCode: errorCodeOf(t.error),
          name: t.name,
          isInternal: t.name.startsWith('__'),
          partitions: t.partitions.map((p) => ({
            errorCode: errorCodeOf(p.error),
            partitionIndex: p.partition,
            leaderId: p.leader,
            leaderEpoch: p.leaderEpoch,
            replicaNodes: p.replicas,
            isrNodes: p.isr,
            offlineReplicas: [],
          })),
        })),
      };
    },
  };
}

const rpc = (kind: ExternalRequestKind, body: unknown, reply: (internal: unknown) => S): Routed => ({
  type: 'rpc',
  kind,
  body,
  expectsResponse: true,
  reply,
});

const errorOnly = (internal: unknown): S => ({
  throttleTimeMs: 0,
  errorCode: errorCodeOf((internal as { error: ErrorCode | null }).error),
});

function group(api: string, req: S, version: number): Routed {
  switch (api) {
    case 'JoinGroup':
      return rpc(
        'JoinGroup',
        {
          groupId: req.groupId,
          memberId: req.memberId,
          groupInstanceId: req.groupInstanceId,
          clientId: req.clientId ?? '',
          sessionTimeoutMs: req.sessionTimeoutMs,
          rebalanceTimeoutMs:
            (req.rebalanceTimeoutMs as number) < 0 ? req.sessionTimeoutMs : req.rebalanceTimeoutMs,
          protocolType: req.protocolType,
          protocols: list(req.protocols).map((p) => ({
            name: p.name,
            metadata: decodeSubscription(p.metadata as Uint8Array),
          })),
        },
        (internal) => {
          const res = internal as JoinGroupResponse;
          return {
            throttleTimeMs: 0,
            errorCode: errorCodeOf(res.error),
            generationId: res.generationId,
            protocolName: res.protocolName ?? '',
            leader: res.leader,
            memberId: res.memberId,
            members: res.members.map((m) => ({
              memberId: m.memberId,
              groupInstanceId: m.groupInstanceId,
              metadata: encodeSubscription(m.metadata),
            })),
          };
        },
      );
    case 'SyncGroup':
      return rpc(
        'SyncGroup',
        {
          groupId: req.groupId,
          generationId: req.generationId,
          memberId: req.memberId,
          groupInstanceId: req.groupInstanceId,
          assignments: list(req.assignments).map((a) => ({
            memberId: a.memberId,
            partitions: decodeAssignment(a.assignment as Uint8Array),
          })),
        },
        (internal) => {
          const res = internal as {
            error: ErrorCode | null;
            partitions: { topic: string; partition: number }[];
          };
          return {
            throttleTimeMs: 0,
            errorCode: errorCodeOf(res.error),
            assignment: res.error ? new Uint8Array(0) : encodeAssignment(res.partitions),
          };
        },
      );
    case 'Heartbeat':
      return rpc(
        'Heartbeat',
        {
          groupId: req.groupId,
          generationId: req.generationId,
          memberId: req.memberId,
          groupInstanceId: req.groupInstanceId,
        },
        errorOnly,
      );
    default: {
      // LeaveGroup: v3 batches members (KIP-345); clients leave one member at a time.
      const members = version >= 3 ? list(req.members) : [{ memberId: req.memberId, groupInstanceId: null }];
      const first = members[0] ?? { memberId: '', groupInstanceId: null };
      return rpc(
        'LeaveGroup',
        { groupId: req.groupId, memberId: first.memberId, reason: 'the client left' },
        (internal) => {
          const errorCode = errorCodeOf((internal as { error: ErrorCode | null }).error);
          return { throttleTimeMs: 0, errorCode, members: members.map((m) => ({ ...m, errorCode })) };
        },
      );
    }
  }
}

/** Route one decoded request. `clientId` comes from the request header. */
export function route(
  api: ApiSpec,
  version: number,
  req: S,
  clientId: string | null,
  listeners: Listeners,
): Routed {
  switch (api.name) {
    case 'ApiVersions':
      return { type: 'local', response: apiVersionsBody() };
    case 'Metadata':
      return metadata(req, version, listeners);
    case 'Produce':
      return produce(req, version);
    case 'Fetch':
      return fetch(req);
    case 'ListOffsets':
      return rpc(
        'ListOffsets',
        {
          replicaId: -1,
          isolationLevel: req.isolationLevel === 1 ? 'read_committed' : 'read_uncommitted',
          partitions: flatPartitions(list(req.topics), (p) => ({ timestamp: p.timestamp })),
        },
        (internal) => ({
          throttleTimeMs: 0,
          topics: byTopic((internal as ListOffsetsResponse).partitions, (p) => ({
            partition: p.partition,
            errorCode: errorCodeOf(p.error),
            timestamp: p.timestamp,
            offset: p.offset,
          })),
        }),
      );
    case 'FindCoordinator':
      return rpc(
        'FindCoordinator',
        { key: req.key, keyType: req.keyType === 1 ? 'TRANSACTION' : 'GROUP' },
        (internal) => {
          const res = internal as { error: ErrorCode | null; nodeId: number };
          const at = res.nodeId >= 0 ? listeners.address(res.nodeId) : { host: '', port: -1 };
          return {
            throttleTimeMs: 0,
            errorCode: errorCodeOf(res.error),
            errorMessage: null,
            nodeId: res.nodeId,
            ...at,
          };
        },
      );
    case 'JoinGroup':
      return group('JoinGroup', { ...req, clientId }, version);
    case 'SyncGroup':
    case 'Heartbeat':
    case 'LeaveGroup':
      return group(api.name, req, version);
    case 'OffsetCommit':
      return rpc(
        'OffsetCommit',
        {
          groupId: req.groupId,
          generationId: req.generationId,
          memberId: req.memberId,
          groupInstanceId: null,
          offsets: flatPartitions(list(req.topics), (p) => ({
            offset: p.committedOffset,
            metadata: p.committedMetadata ?? '',
          })),
        },
        (internal) => ({
          throttleTimeMs: 0,
          topics: byTopic((internal as OffsetCommitResponse).partitions, (p) => ({
            partition: p.partition,
            errorCode: errorCodeOf(p.error),
          })),
        }),
      );
    case 'OffsetFetch':
      return rpc(
        'OffsetFetch',
        {
          groupId: req.groupId,
          partitions:
            req.topics === null
              ? []
              : flatPartitions(
                  list(req.topics).map((t) => ({
                    name: t.name,
                    partitions: (t.partitions as number[]).map((partition) => ({ partition })),
                  })),
                ),
        },
        (internal) => {
          const res = internal as OffsetFetchResponse;
          return {
            throttleTimeMs: 0,
            topics: byTopic(res.partitions, (p) => ({
              partition: p.partition,
              committedOffset: p.offset,
              metadata: '',
              errorCode: errorCodeOf(p.error),
            })),
            errorCode: errorCodeOf(res.error),
          };
        },
      );
    case 'InitProducerId':
      return rpc(
        'InitProducerId',
        { transactionalId: req.transactionalId, transactionTimeoutMs: req.transactionTimeoutMs },
        (internal) => {
          const res = internal as { error: ErrorCode | null; producerId: number; producerEpoch: number };
          return {
            throttleTimeMs: 0,
            errorCode: errorCodeOf(res.error),
            producerId: res.producerId,
            producerEpoch: res.producerEpoch,
          };
        },
      );
    case 'AddPartitionsToTxn': {
      const partitions = flatPartitions(
        list(req.topics).map((t) => ({
          name: t.name,
          partitions: (t.partitions as number[]).map((partition) => ({ partition })),
        })),
      );
      return rpc(
        'AddPartitionsToTxn',
        {
          transactionalId: req.transactionalId,
          producerId: req.producerId,
          producerEpoch: req.producerEpoch,
          partitions,
        },
        (internal) => {
          const errorCode = errorCodeOf((internal as { error: ErrorCode | null }).error);
          return {
            throttleTimeMs: 0,
            results: byTopic(partitions, (p) => ({ partition: p.partition, errorCode })),
          };
        },
      );
    }
    case 'AddOffsetsToTxn':
      return rpc(
        'AddOffsetsToTxn',
        {
          transactionalId: req.transactionalId,
          producerId: req.producerId,
          producerEpoch: req.producerEpoch,
          groupId: req.groupId,
        },
        errorOnly,
      );
    case 'EndTxn':
      return rpc(
        'EndTxn',
        {
          transactionalId: req.transactionalId,
          producerId: req.producerId,
          producerEpoch: req.producerEpoch,
          committed: req.committed,
        },
        errorOnly,
      );
    case 'TxnOffsetCommit': {
      const offsets = flatPartitions(list(req.topics), (p) => ({ offset: p.committedOffset })).map((p) => ({
        topic: p.topic,
        partition: p.partition,
        offset: p.offset as number,
      }));
      // v0-2 carry no group metadata (KIP-447 added it in v3): Kafka reads its schema defaults,
      // generation -1 and member "", which the coordinator accepts from any producer.
      const body: TxnOffsetCommitRequest = {
        transactionalId: req.transactionalId as string,
        groupId: req.groupId as string,
        producerId: req.producerId as number,
        producerEpoch: req.producerEpoch as number,
        generationId: -1,
        memberId: '',
        groupInstanceId: null,
        offsets,
      };
      return rpc('TxnOffsetCommit', body, (internal) => {
        const errorCode = errorCodeOf((internal as { error: ErrorCode | null }).error);
        return {
          throttleTimeMs: 0,
          topics: byTopic(offsets, (p) => ({ partition: p.partition, errorCode })),
        };
      });
    }
    case 'CreateTopics':
    case 'DeleteTopics':
    case 'DescribeGroups':
    case 'ListGroups':
      return { type: 'admin', api: api.name, request: req };
    default:
      throw new Error(`no route for ${api.name}`);
  }
}
