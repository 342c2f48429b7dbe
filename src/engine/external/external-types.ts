/**
 * Commands and events of external clients: real Kafka clients (KafkaJS, kcat, an application)
 * whose requests reach the simulation through the wire front end (src/wire). Each becomes a node
 * `client:<name>` that sends the same RPCs the built-in clients send.
 */
import type { NodeId } from '../ids';

/** The RPC kinds an external client may send: the client-facing requests brokers answer. */
export const EXTERNAL_REQUEST_KINDS = [
  'Metadata',
  'Produce',
  'Fetch',
  'ListOffsets',
  'FindCoordinator',
  'JoinGroup',
  'SyncGroup',
  'Heartbeat',
  'LeaveGroup',
  'OffsetCommit',
  'OffsetFetch',
  'InitProducerId',
  'AddPartitionsToTxn',
  'AddOffsetsToTxn',
  'TxnOffsetCommit',
  'EndTxn',
] as const;

export type ExternalRequestKind = (typeof EXTERNAL_REQUEST_KINDS)[number];

export interface ExternalCommandMap {
  /** A real client connected (its first request names it). Creates node `client:<client>`. */
  'client.connect': { client: string; software?: string };
  /** The client sends `kind` with `body` to `to`; `requestId` comes back with the answer. */
  'client.request': {
    client: string;
    to: NodeId;
    kind: ExternalRequestKind;
    body: unknown;
    requestId: number;
  };
  /** The client went away: its node is removed. */
  'client.disconnect': { client: string };
}

export interface ExternalEventMap {
  'client.connected': { node: NodeId; client: string; software: string | null };
  'client.disconnected': { node: NodeId; client: string };
  /** The answer to a request arrived at the client node. */
  'client.responded': { node: NodeId; requestId: number; kind: string; body: unknown };
  /** The request's target was down (a reset connection): the real client sees its socket close. */
  'client.requestUndelivered': { node: NodeId; requestId: number; to: NodeId };
  'client.crashed': { node: NodeId };
  'client.restarted': { node: NodeId };
}
