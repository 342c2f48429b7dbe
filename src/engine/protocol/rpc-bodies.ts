/**
 * The typed wire: for every request kind, the body of the request, the body of its response, and
 * the node kinds that serve it. This is the one map the rest is derived from (rpc-kinds.ts):
 * `NodeContext.send` takes a kind and that kind's body, a node's handler table must have an entry
 * for every request its kind serves, and the narration and the UI's legend must name every kind.
 *
 * A body type says what is really sent. Where a request may be answered with a short error
 * instead of its usual answer (a group request reaching a broker that is not the coordinator, a
 * controller that is not the active one), the response type is that union.
 */
import type { ErrorCode } from '../errors';
import type {
  FindCoordinatorRequest,
  FindCoordinatorResponse,
  HeartbeatRequest,
  HeartbeatResponse,
  JoinGroupRequest,
  JoinGroupResponse,
  LeaveGroupRequest,
  LeaveGroupResponse,
  ListOffsetsRequest,
  ListOffsetsResponse,
  OffsetCommitRequest,
  OffsetCommitResponse,
  OffsetFetchRequest,
  OffsetFetchResponse,
  SyncGroupRequest,
  SyncGroupResponse,
} from './consume';
import type {
  AllocateProducerIdsRequest,
  AllocateProducerIdsResponse,
  AlterPartitionRequest,
  AlterPartitionResponse,
  BeginQuorumEpochRequest,
  BrokerHeartbeatRequest,
  BrokerRegistrationRequest,
  ControllerReply,
  CreateInternalTopicRequest,
  MetadataFetchRequest,
  MetadataFetchResponse,
  NotControllerReply,
  VoteRequest,
  VoteResponse,
} from './kraft';
import type {
  InitProducerIdRequest,
  InitProducerIdResponse,
  MetadataRequest,
  MetadataResponse,
  ProduceRequest,
  ProduceResponse,
  ReplicaFetchRequest,
  ReplicaFetchResponse,
} from './produce';
import type {
  AddOffsetsToTxnRequest,
  AddOffsetsToTxnResponse,
  AddPartitionsToTxnRequest,
  AddPartitionsToTxnResponse,
  EndTxnRequest,
  EndTxnResponse,
  TxnOffsetCommitRequest,
  TxnOffsetCommitResponse,
  WriteTxnMarkersRequest,
  WriteTxnMarkersResponse,
} from './txn';
import type {
  DeleteMessageRequest,
  DeleteMessageResponse,
  ReceiveMessageRequest,
  ReceiveMessageResponse,
  SendMessageRequest,
  SendMessageResponse,
} from '../queue/queue-protocol';
import type {
  AcknowledgeCheckpointRequest,
  BufferRequest,
  CancelTaskRequest,
  CheckpointRequest,
  FlinkAcknowledge,
  HeartbeatFromJobManagerRequest,
  HeartbeatFromJobManagerResponse,
  RegisterTaskExecutorRequest,
  RegisterTaskExecutorResponse,
  SubmitTaskRequest,
  SubmitTaskResponse,
} from '../flink/flink-protocol';

/** A group request that reached a broker that does not coordinate the group (or is loading it). */
export interface GroupErrorReply {
  error: ErrorCode;
}

/** One request kind: its body, its response's body, and who serves it. */
interface Rpc<Req, Res> {
  request: Req;
  response: Res;
}

/**
 * Every request kind with its request and response bodies. Adding a kind here makes the compiler
 * ask for its narration (RPC_NARRATION), its servers (RPC_SERVERS), a handler in each of those
 * node kinds' tables, and its legend entry in the UI.
 */
export interface RpcBodyMap {
  Produce: Rpc<ProduceRequest, ProduceResponse>;
  /** A partition Fetch or a metadata-log Fetch, told apart by the body (`isMetadataFetch`). */
  Fetch: Rpc<ReplicaFetchRequest | MetadataFetchRequest, ReplicaFetchResponse | MetadataFetchResponse>;
  Metadata: Rpc<MetadataRequest, MetadataResponse>;
  ListOffsets: Rpc<ListOffsetsRequest, ListOffsetsResponse>;
  InitProducerId: Rpc<InitProducerIdRequest, InitProducerIdResponse>;
  FindCoordinator: Rpc<FindCoordinatorRequest, FindCoordinatorResponse>;
  JoinGroup: Rpc<JoinGroupRequest, JoinGroupResponse | GroupErrorReply>;
  SyncGroup: Rpc<SyncGroupRequest, SyncGroupResponse>;
  Heartbeat: Rpc<HeartbeatRequest, HeartbeatResponse>;
  LeaveGroup: Rpc<LeaveGroupRequest, LeaveGroupResponse>;
  OffsetCommit: Rpc<OffsetCommitRequest, OffsetCommitResponse>;
  OffsetFetch: Rpc<OffsetFetchRequest, OffsetFetchResponse>;
  AddPartitionsToTxn: Rpc<AddPartitionsToTxnRequest, AddPartitionsToTxnResponse>;
  AddOffsetsToTxn: Rpc<AddOffsetsToTxnRequest, AddOffsetsToTxnResponse>;
  TxnOffsetCommit: Rpc<TxnOffsetCommitRequest, TxnOffsetCommitResponse>;
  EndTxn: Rpc<EndTxnRequest, EndTxnResponse>;
  WriteTxnMarkers: Rpc<WriteTxnMarkersRequest, WriteTxnMarkersResponse>;
  Vote: Rpc<VoteRequest, VoteResponse>;
  BeginQuorumEpoch: Rpc<BeginQuorumEpochRequest, { epoch: number }>;
  BrokerRegistration: Rpc<BrokerRegistrationRequest, ControllerReply>;
  BrokerHeartbeat: Rpc<BrokerHeartbeatRequest, ControllerReply>;
  AlterPartition: Rpc<AlterPartitionRequest, AlterPartitionResponse | NotControllerReply>;
  CreateTopics: Rpc<CreateInternalTopicRequest, ControllerReply>;
  AllocateProducerIds: Rpc<AllocateProducerIdsRequest, AllocateProducerIdsResponse | NotControllerReply>;
  SendMessage: Rpc<SendMessageRequest, SendMessageResponse>;
  ReceiveMessage: Rpc<ReceiveMessageRequest, ReceiveMessageResponse>;
  DeleteMessage: Rpc<DeleteMessageRequest, DeleteMessageResponse>;
  // Flink mode (src/engine/flink): the JobManager, the TaskManagers and the data between subtasks.
  RegisterTaskExecutor: Rpc<RegisterTaskExecutorRequest, RegisterTaskExecutorResponse>;
  HeartbeatFromJobManager: Rpc<HeartbeatFromJobManagerRequest, HeartbeatFromJobManagerResponse>;
  SubmitTask: Rpc<SubmitTaskRequest, SubmitTaskResponse>;
  CancelTask: Rpc<CancelTaskRequest, FlinkAcknowledge>;
  TriggerCheckpoint: Rpc<CheckpointRequest, FlinkAcknowledge>;
  AcknowledgeCheckpoint: Rpc<AcknowledgeCheckpointRequest, FlinkAcknowledge>;
  NotifyCheckpointComplete: Rpc<CheckpointRequest, FlinkAcknowledge>;
  Buffer: Rpc<BufferRequest, FlinkAcknowledge>;
  Ping: Rpc<{ n: number }, { n: number }>;
}
