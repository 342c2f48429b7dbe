/**
 * Commands and events of Kafka's Admin operations that change the cluster (issue 19: the
 * terminal's kafka-topics --alter, kafka-configs --alter, kafka-leader-election and
 * kafka-consumer-groups --delete). Each is what Kafka's Admin client asks: CreatePartitions,
 * IncrementalAlterConfigs and ElectLeaders go to the active controller and become metadata
 * records; DeleteGroups goes to the group's coordinator.
 */
/** types.ts's ConfigValue, declared again here so that types.ts and this file do not import each other. */
type ConfigValue = string | number | boolean;

export type ElectionKind = 'PREFERRED' | 'UNCLEAN';

export interface AdminCommandMap {
  /** CreatePartitions: grow `topic` to `count` partitions (INVALID_PARTITIONS unless an increase). */
  'topic.createPartitions': { topic: string; count: number };
  /**
   * IncrementalAlterConfigs for a topic: SET each of `set`, DELETE each of `delete` (back to the
   * broker's value). Validated as Kafka's controller validates (INVALID_CONFIG).
   */
  'topic.alterConfigs': { topic: string; set?: Record<string, ConfigValue>; delete?: string[] };
  /** ElectLeaders: `partitions` absent means every partition (Kafka's null set). */
  'partition.electLeaders': {
    electionType: ElectionKind;
    partitions?: { topic: string; partition: number }[];
  };
  /** DeleteGroups: only an Empty (or Dead) group can be deleted (else NON_EMPTY_GROUP). */
  'group.delete': { groupId: string };
  /**
   * DeleteRecords: delete every record of `topic`-`partition` before `offset` (-1: the high
   * watermark) by moving the log start offset. Kafka has no request that updates a record or
   * deletes one in the middle of a log: this, retention and compaction are the only deletions.
   */
  'records.delete': { topic: string; partition: number; offset: number };
}

/** One partition's answer to ElectLeaders (error null: a new leader was elected). */
export interface ElectionResult {
  topic: string;
  partition: number;
  error:
    | 'ELECTION_NOT_NEEDED'
    | 'PREFERRED_LEADER_NOT_AVAILABLE'
    | 'ELIGIBLE_LEADERS_NOT_AVAILABLE'
    | 'UNKNOWN_TOPIC_OR_PARTITION'
    | null;
  /** Kafka's message for the error (Errors.java, or the controller's own text). */
  message: string | null;
  /** The leader the election chose (error null), and whether it came from outside the ISR. */
  leader?: number;
  unclean?: boolean;
}

export interface AdminEventMap {
  /** CreatePartitions committed: partitions `from`..`to - 1` now exist with these replicas. */
  'topic.partitionsCreated': {
    topic: string;
    from: number;
    to: number;
    added: { partition: number; replicas: number[]; leader: number }[];
  };
  /** IncrementalAlterConfigs committed: the topic's overrides after the change. */
  'topic.configChanged': {
    topic: string;
    set: Record<string, ConfigValue>;
    deleted: string[];
    config: Record<string, ConfigValue>;
  };
  /** The active controller's answer to ElectLeaders, partition by partition. */
  'partition.electionResult': { electionType: ElectionKind; results: ElectionResult[] };
  /** DeleteGroups: the coordinator removed the group and wrote tombstones for its offsets. */
  'group.deleted': { groupId: string; broker: number; offsetsRemoved: number };
  /**
   * The partition leader's answer to DeleteRecords: `error` null and the log start moved (or it
   * was already there), or POLICY_VIOLATION / OFFSET_OUT_OF_RANGE with Kafka's message.
   */
  'records.deleted': {
    broker: number;
    topic: string;
    partition: number;
    offset: number;
    error: 'POLICY_VIOLATION' | 'OFFSET_OUT_OF_RANGE' | null;
    message: string | null;
    logStartOffsetBefore: number;
    logStartOffset: number;
    highWatermark: number;
  };
}
