/**
 * Errors the engine reports. Kafka's own error names are used wherever Kafka has one
 * (see shared/reference/kafka-semantics.md §11); the engine adds a few of its own for
 * commands that are malformed before they ever reach a simulated node.
 */
export type KafkaErrorCode =
  | 'OFFSET_OUT_OF_RANGE'
  | 'UNKNOWN_TOPIC_OR_PARTITION'
  | 'LEADER_NOT_AVAILABLE'
  | 'NOT_LEADER_OR_FOLLOWER'
  | 'REQUEST_TIMED_OUT'
  | 'COORDINATOR_NOT_AVAILABLE'
  | 'NOT_COORDINATOR'
  | 'INVALID_TOPIC_EXCEPTION'
  | 'NOT_ENOUGH_REPLICAS'
  | 'NOT_ENOUGH_REPLICAS_AFTER_APPEND'
  | 'INVALID_REQUIRED_ACKS'
  | 'ILLEGAL_GENERATION'
  | 'INCONSISTENT_GROUP_PROTOCOL'
  | 'UNKNOWN_MEMBER_ID'
  | 'INVALID_SESSION_TIMEOUT'
  | 'REBALANCE_IN_PROGRESS'
  | 'TOPIC_ALREADY_EXISTS'
  | 'INVALID_PARTITIONS'
  | 'INVALID_REPLICATION_FACTOR'
  | 'INVALID_REPLICA_ASSIGNMENT'
  | 'INVALID_CONFIG'
  | 'OUT_OF_ORDER_SEQUENCE_NUMBER'
  | 'DUPLICATE_SEQUENCE_NUMBER'
  | 'INVALID_PRODUCER_EPOCH'
  | 'INVALID_TXN_STATE'
  | 'INVALID_PRODUCER_ID_MAPPING'
  | 'INVALID_TRANSACTION_TIMEOUT'
  | 'CONCURRENT_TRANSACTIONS'
  | 'UNKNOWN_PRODUCER_ID'
  | 'FENCED_LEADER_EPOCH'
  | 'UNKNOWN_LEADER_EPOCH'
  | 'FETCH_SESSION_ID_NOT_FOUND'
  | 'INVALID_FETCH_SESSION_EPOCH'
  | 'OFFSET_NOT_AVAILABLE'
  | 'MEMBER_ID_REQUIRED'
  | 'GROUP_MAX_SIZE_REACHED'
  | 'FENCED_INSTANCE_ID'
  | 'INVALID_RECORD'
  | 'PRODUCER_FENCED'
  | 'FENCED_MEMBER_EPOCH'
  | 'BROKER_NOT_AVAILABLE'
  | 'NO_OFFSET_FOR_PARTITION'
  | 'NOT_CONTROLLER'
  | 'STALE_BROKER_EPOCH'
  | 'INVALID_UPDATE_VERSION'
  | 'INELIGIBLE_REPLICA'
  | 'PRODUCER_CLOSED'
  /** The client's TransactionAbortedException: a record's transaction was aborted before it was sent. */
  | 'TRANSACTION_ABORTED'
  /** OffsetFetch: a transactional offset commit for the partition is pending (KIP-447). */
  | 'UNSTABLE_OFFSET_COMMIT'
  | 'NETWORK_EXCEPTION'
  /** A cluster-wide policy refused the request (the simulation's limits: limits.ts). */
  | 'POLICY_VIOLATION'
  /** The producer's RecordTooLargeException: the record is larger than max.request.size. */
  | 'RECORD_TOO_LARGE'
  /** The broker's answer to a batch larger than max.message.bytes (RecordTooLargeException). */
  | 'MESSAGE_TOO_LARGE'
  /** DeleteGroups (src/engine/admin): the group has members, or does not exist. */
  | 'NON_EMPTY_GROUP'
  | 'GROUP_ID_NOT_FOUND'
  /** ElectLeaders (src/engine/admin): nothing to do, or no replica can take over. */
  | 'ELECTION_NOT_NEEDED'
  | 'PREFERRED_LEADER_NOT_AVAILABLE'
  | 'ELIGIBLE_LEADERS_NOT_AVAILABLE';

/** Errors that belong to the simulator rather than to Kafka. */
export type EngineOnlyErrorCode =
  /** The command's `type` is not one the engine knows. */
  | 'UNKNOWN_COMMAND'
  /** A field is missing, of the wrong type or out of range. */
  | 'INVALID_COMMAND'
  /** The command names a node (broker, producer, consumer, ...) that does not exist. */
  | 'UNKNOWN_NODE'
  /** The command names a client that already exists. */
  | 'DUPLICATE_NODE'
  /** The node exists but is in the wrong state for the command (restart a running broker, ...). */
  | 'INVALID_NODE_STATE'
  /** Options given to createSimulation are out of range. */
  | 'INVALID_OPTIONS';

/** Errors of the message queue (src/engine/queue), named after Amazon SQS's. */
export type QueueErrorCode = 'QUEUE_DOES_NOT_EXIST' | 'QUEUE_ALREADY_EXISTS' | 'RECEIPT_HANDLE_IS_INVALID';

export type ErrorCode = KafkaErrorCode | EngineOnlyErrorCode | QueueErrorCode;

export class EngineError extends Error {
  readonly code: ErrorCode;
  constructor(code: ErrorCode, message: string) {
    super(message);
    this.name = 'EngineError';
    this.code = code;
  }
}

export function isEngineError(e: unknown): e is EngineError {
  return e instanceof EngineError;
}

/** Ends an exhaustive switch: the compiler proves this is unreachable. */
export function assertNever(value: never, what = 'value'): never {
  throw new Error(`unexpected ${what}: ${JSON.stringify(value)}`);
}
