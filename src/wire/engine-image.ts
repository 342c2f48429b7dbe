/**
 * The bytes a simulated RPC would be on a real Kafka connection, for the protocol inspector.
 * A built-in client's request body is written as the wire request (the inverse of the adapter's
 * decode), and its answer goes through the adapter's own `reply`, so the response bytes are exactly
 * what the gateway and the Code tool's sockets send. Each image uses the newest version this codec
 * serves. RPCs Kafka only sends in flexible versions (KRaft's Vote, BrokerHeartbeat, …) or that are
 * not Kafka APIs (the queue model) have no image, and the note says why.
 */
import type {
  AddOffsetsToTxnRequest,
  AddPartitionsToTxnRequest,
  EndTxnRequest,
  FindCoordinatorRequest,
  HeartbeatRequest,
  InitProducerIdRequest,
  JoinGroupRequest,
  LeaveGroupRequest,
  MetadataRequest,
  OffsetCommitRequest,
  OffsetFetchRequest,
  ProduceRequest,
  ReplicaFetchRequest,
  SyncGroupRequest,
  TxnOffsetCommitRequest,
} from '../engine/index';
import { byTopic, route, type Listeners } from './adapter';
import { apiByName } from './apis';
import { requestImage, responseImage, type WireImage } from './image';
import { encodeBatches } from './record-batch';
import { encodeAssignment, encodeSubscription, toWireBatch } from './records-map';
import type { Struct } from './schema';

export interface WireImages {
  request: WireImage | null;
  response: WireImage | null;
  /** Why there are no bytes, when there are none. */
  note: string | null;
}

/** A simulated RPC as the trace has it. */
export interface SimRpc {
  id: number;
  from: string;
  kind: string;
  body: unknown;
}

/** In the simulation brokers have no ports; the inspector names them the way the lessons do. */
const SIMULATED: Listeners = {
  clusterId: 'streamlab',
  address: (id) => ({ host: `broker-${id}`, port: 9092 }),
};

const INTER_NODE = new Set([
  'Vote',
  'BeginQuorumEpoch',
  'BrokerRegistration',
  'BrokerHeartbeat',
  'AlterPartition',
  'CreateTopics',
  'AllocateProducerIds',
  'WriteTxnMarkers',
]);

const NOT_KAFKA = new Set(['SendMessage', 'ReceiveMessage', 'DeleteMessage', 'Ping', 'Ask']);

interface TopicPartition {
  topic: string;
  partition: number;
}
/** The engine's ListOffsets body (the facade's `ListOffsetsRequest` name is the admin tool's). */
interface ListOffsetsBody {
  replicaId: number;
  isolationLevel: 'read_uncommitted' | 'read_committed';
  partitions: (TopicPartition & { timestamp: number })[];
}

/** `[{name, partitions: [0, 2]}]`: the topic lists of OffsetFetch and AddPartitionsToTxn. */
function partitionsByTopic(tps: readonly TopicPartition[]): Struct[] {
  const topics = new Map<string, number[]>();
  for (const tp of tps) topics.set(tp.topic, [...(topics.get(tp.topic) ?? []), tp.partition]);
  return [...topics].map(([name, partitions]) => ({ name, partitions }));
}
const isolation = (l: 'read_uncommitted' | 'read_committed') => (l === 'read_committed' ? 1 : 0);
const txnIds = (b: { transactionalId: string; producerId: number; producerEpoch: number }) => ({
  transactionalId: b.transactionalId,
  producerId: b.producerId,
  producerEpoch: b.producerEpoch,
});

/** The wire request for an engine request body, or null when the body is not a client API's. */
function toWireRequest(kind: string, body: unknown): Struct | null {
  switch (kind) {
    case 'Metadata':
      return { topics: (body as MetadataRequest).topics?.map((name) => ({ name })) ?? null };
    case 'Produce': {
      const b = body as ProduceRequest;
      return {
        transactionalId: b.transactionalId,
        acks: b.acks,
        timeoutMs: b.timeoutMs,
        topics: byTopic(b.partitions, (p) => ({
          index: p.partition,
          records: encodeBatches([toWireBatch(p.batch)]),
        })),
      };
    }
    case 'Fetch': {
      const b = body as ReplicaFetchRequest & { topic?: string };
      // KRaft's metadata-log Fetch (to a controller) carries one topic and no partition list.
      if (!Array.isArray(b.partitions)) return null;
      return {
        replicaId: b.replicaId,
        maxWaitMs: b.maxWaitMs,
        minBytes: b.minBytes,
        isolationLevel: isolation(b.isolationLevel),
        sessionId: 0,
        sessionEpoch: -1,
        topics: byTopic(b.partitions, (p) => ({
          partition: p.partition,
          currentLeaderEpoch: p.currentLeaderEpoch,
          fetchOffset: p.fetchOffset,
          logStartOffset: -1,
          partitionMaxBytes: p.partitionMaxBytes ?? 1_048_576,
        })),
        forgotten: [],
        rackId: '',
      };
    }
    case 'ListOffsets': {
      const b = body as ListOffsetsBody;
      return {
        replicaId: b.replicaId,
        isolationLevel: isolation(b.isolationLevel),
        topics: byTopic(b.partitions, (p) => ({ partition: p.partition, timestamp: p.timestamp })),
      };
    }
    case 'FindCoordinator': {
      const b = body as FindCoordinatorRequest;
      return { key: b.key, keyType: b.keyType === 'TRANSACTION' ? 1 : 0 };
    }
    case 'JoinGroup': {
      const b = body as JoinGroupRequest;
      return {
        groupId: b.groupId,
        sessionTimeoutMs: b.sessionTimeoutMs,
        rebalanceTimeoutMs: b.rebalanceTimeoutMs,
        memberId: b.memberId,
        groupInstanceId: b.groupInstanceId,
        protocolType: b.protocolType,
        protocols: b.protocols.map((p) => ({ name: p.name, metadata: encodeSubscription(p.metadata) })),
      };
    }
    case 'SyncGroup': {
      const b = body as SyncGroupRequest;
      return {
        groupId: b.groupId,
        generationId: b.generationId,
        memberId: b.memberId,
        groupInstanceId: b.groupInstanceId,
        assignments: b.assignments.map((a) => ({
          memberId: a.memberId,
          assignment: encodeAssignment(a.partitions),
        })),
      };
    }
    case 'Heartbeat': {
      const b = body as HeartbeatRequest;
      return {
        groupId: b.groupId,
        generationId: b.generationId,
        memberId: b.memberId,
        groupInstanceId: b.groupInstanceId,
      };
    }
    case 'LeaveGroup': {
      const b = body as LeaveGroupRequest;
      return { groupId: b.groupId, members: [{ memberId: b.memberId, groupInstanceId: null }] };
    }
    case 'OffsetCommit': {
      const b = body as OffsetCommitRequest;
      return {
        groupId: b.groupId,
        generationId: b.generationId,
        memberId: b.memberId,
        topics: byTopic(b.offsets, (p) => ({
          partition: p.partition,
          committedOffset: p.offset,
          committedMetadata: p.metadata,
        })),
      };
    }
    case 'OffsetFetch': {
      const b = body as OffsetFetchRequest;
      const topics = partitionsByTopic(b.partitions);
      return { groupId: b.groupId, topics: topics.length === 0 ? null : topics };
    }
    case 'InitProducerId': {
      const b = body as InitProducerIdRequest;
      return { transactionalId: b.transactionalId, transactionTimeoutMs: b.transactionTimeoutMs };
    }
    case 'AddPartitionsToTxn': {
      const b = body as AddPartitionsToTxnRequest;
      return { ...txnIds(b), topics: partitionsByTopic(b.partitions) };
    }
    case 'AddOffsetsToTxn': {
      const b = body as AddOffsetsToTxnRequest;
      return { ...txnIds(b), groupId: b.groupId };
    }
    case 'EndTxn': {
      const b = body as EndTxnRequest;
      return { ...txnIds(b), committed: b.committed };
    }
    case 'TxnOffsetCommit': {
      const b = body as TxnOffsetCommitRequest;
      return {
        transactionalId: b.transactionalId,
        groupId: b.groupId,
        producerId: b.producerId,
        producerEpoch: b.producerEpoch,
        topics: byTopic(b.offsets, (p) => ({
          partition: p.partition,
          committedOffset: p.offset,
          committedMetadata: null,
        })),
      };
    }
    default:
      return null;
  }
}

/** The client id a request header would carry: the client's name without its node prefix. */
function clientIdOf(node: string): string {
  const colon = node.indexOf(':');
  return colon < 0 ? node : node.slice(colon + 1);
}

/** The request's and (if it came) the response's bytes, or a note saying why there are none. */
export function wireImagesOf(request: SimRpc, response: SimRpc | null): WireImages {
  const none = (note: string): WireImages => ({ request: null, response: null, note });
  if (NOT_KAFKA.has(request.kind))
    return none(`${request.kind} is not a Kafka API: StreamLab's queue model has no wire format.`);
  if (INTER_NODE.has(request.kind))
    return none(
      `Kafka sends ${request.kind} between brokers and controllers only in flexible versions (with tagged fields), which StreamLab's codec does not encode; the fields above are what it carries.`,
    );
  const struct = toWireRequest(request.kind, request.body);
  if (!struct)
    return none(
      request.kind === 'Fetch'
        ? "This Fetch reads KRaft's metadata log from the controller: Kafka sends it only in flexible versions, which StreamLab's codec does not encode."
        : `StreamLab's codec has no wire format for ${request.kind}.`,
    );
  const api = apiByName(request.kind);
  const version = api.served.max;
  const clientId = clientIdOf(request.from);
  const req = requestImage(api, version, request.id, clientId, struct);
  if (!response) return { request: req, response: null, note: null };
  const routed = route(api, version, struct, clientId, SIMULATED);
  if (routed.type !== 'rpc') return { request: req, response: null, note: null };
  const res = responseImage(api, version, request.id, routed.reply(response.body));
  return { request: req, response: res, note: null };
}
