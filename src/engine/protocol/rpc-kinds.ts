/**
 * Every RPC the simulated network carries, each with one sentence saying what it is for (the
 * narration a learner reads next to the message). The table is the one list of request kinds:
 * `RpcKind` (a request or its `…Response`) is derived from it, the kernel's `send` accepts only
 * an `RpcKind`, and the UI's legend is a `Record<RpcRequestKind, …>`, so a new request that is not
 * added here fails to compile, and once added here fails to compile until the legend has it too.
 */
export const RPC_NARRATION = {
  // Produce and consume (Kafka's client APIs).
  Produce: 'A producer writes record batches to the leader of each partition.',
  Fetch:
    'A follower copies a partition from its leader, a consumer reads records, or a broker reads the metadata log from the active controller.',
  Metadata: 'A client asks a broker which brokers lead which partitions.',
  ListOffsets: 'A consumer asks a leader for the earliest or latest offset (or the one at a timestamp).',
  InitProducerId: 'A producer asks for a producer id and epoch (idempotence and transactions).',
  // Consumer groups.
  FindCoordinator: 'A client asks which broker coordinates its group or transactional id.',
  JoinGroup: 'A consumer joins its group; the coordinator starts or joins a rebalance.',
  SyncGroup: 'Members get their partitions; the group leader sends the assignment it computed.',
  Heartbeat: 'A member tells the coordinator it is alive (and learns of a rebalance).',
  LeaveGroup: 'A member leaves its group, which rebalances without waiting for its session to expire.',
  OffsetCommit: 'A consumer stores its position in __consumer_offsets.',
  OffsetFetch: 'A consumer asks where its group left off.',
  // Transactions.
  AddPartitionsToTxn: 'A transactional producer tells its coordinator which partitions it writes to.',
  AddOffsetsToTxn: "A transactional producer adds its group's offsets to the transaction.",
  TxnOffsetCommit: 'A transactional producer commits consumer offsets inside its transaction.',
  EndTxn: 'A transactional producer asks its coordinator to commit or abort.',
  WriteTxnMarkers:
    'The transaction coordinator writes COMMIT or ABORT markers on every partition of the transaction.',
  // KRaft: the controller quorum and the brokers' membership.
  Vote: 'A controller asks the others to elect it leader of the metadata quorum.',
  BeginQuorumEpoch: 'A newly elected controller tells the other voters it leads this epoch.',
  BrokerRegistration: 'A starting broker registers with the active controller.',
  BrokerHeartbeat: 'A broker tells the active controller it is alive (and is fenced if it stops).',
  AlterPartition: "A partition leader asks the controller to change the partition's in-sync replicas.",
  CreateTopics: 'A broker asks the controller to create an internal topic on first use.',
  AllocateProducerIds: 'A broker asks the controller for a block of producer ids to hand out.',
  // The message queue (src/engine/queue).
  SendMessage: 'A sender puts a message on a queue.',
  ReceiveMessage: 'A worker asks the queue for messages (a long poll); each becomes invisible for a while.',
  DeleteMessage: 'A worker deletes a message it handled: the acknowledgement.',
  // Flink mode (src/engine/flink): the JobManager, the TaskManagers and the data between tasks.
  RegisterTaskExecutor: 'A TaskManager offers its slots to the JobManager.',
  HeartbeatFromJobManager: 'The JobManager checks that a TaskManager is alive.',
  SubmitTask:
    "The JobManager deploys subtasks into a TaskManager's slots (with the state of the checkpoint they restore).",
  CancelTask: 'The JobManager cancels the tasks of a failed attempt before restarting the job.',
  TriggerCheckpoint:
    'The checkpoint coordinator asks the source subtasks to put a checkpoint barrier into their streams.',
  AcknowledgeCheckpoint: 'A subtask has snapshotted its state for a checkpoint (its sink pre-committed).',
  NotifyCheckpointComplete:
    'Every subtask acknowledged: the checkpoint is complete and sinks commit their transactions.',
  Buffer: 'Records, watermarks and checkpoint barriers from one subtask to the next, in order.',
  // Kernel tests.
  Ping: 'A test message between test nodes.',
  Ask: 'A test request between test nodes.',
} as const;

/** A request kind (`Produce`, `Fetch`, `Vote`, …). */
export type RpcRequestKind = keyof typeof RPC_NARRATION;
/** Any message on the wire: a request or its response. */
export type RpcKind = RpcRequestKind | `${RpcRequestKind}Response`;

export const RPC_REQUEST_KINDS = Object.keys(RPC_NARRATION) as RpcRequestKind[];

export function isRpcKind(kind: string): kind is RpcKind {
  const base = kind.endsWith('Response') ? kind.slice(0, -'Response'.length) : kind;
  return Object.hasOwn(RPC_NARRATION, base);
}

/** The response kind that answers a message of `kind` (throws for something not on the wire). */
export function responseTo(kind: string): RpcKind {
  const response = `${kind}Response`;
  if (kind.endsWith('Response') || !isRpcKind(response)) throw new Error(`no response kind for ${kind}`);
  return response;
}
