/**
 * Checks an assignment request and puts it in the shape Kafka's assignors see: members in the order
 * the leader's `HashMap<memberId, Subscription>` iterates them, and only the subscribed topics that
 * exist (with at least one partition), in the order of Kafka's `partitionsPerTopic` HashMap.
 */
import { EngineError } from '../../errors';
import { javaHashMapOrder } from '../java-hash';
import type { AssignorMember, PartitionsPerTopic, TopicPartition } from './types';

export interface PreparedMember {
  memberId: string;
  groupInstanceId: string | undefined;
  /** Distinct, in the member's order. */
  topics: string[];
  ownedPartitions: TopicPartition[];
  generation: number | undefined;
}

export interface AssignmentInput {
  /** Members in the caller's order: the output lists them in this order. */
  callerOrder: string[];
  /** Members in Java HashMap iteration order: the order Kafka's loops visit them. */
  members: PreparedMember[];
  byId: Map<string, PreparedMember>;
  /** Subscribed, existing topics in Java HashMap iteration order. */
  topics: string[];
  /** Partition count of each topic in `topics`. */
  partitions: Map<string, number>;
}

function invalid(message: string): never {
  throw new EngineError('INVALID_COMMAND', message);
}

function isNonNegativeInt(n: unknown): n is number {
  return typeof n === 'number' && Number.isInteger(n) && n >= 0;
}

function checkPartitionCounts(partitionsPerTopic: PartitionsPerTopic): void {
  if (typeof partitionsPerTopic !== 'object' || partitionsPerTopic === null) {
    invalid('partitionsPerTopic must be an object of topic → partition count.');
  }
  for (const [topic, n] of Object.entries(partitionsPerTopic)) {
    if (!isNonNegativeInt(n)) invalid(`Topic "${topic}" has an invalid partition count: ${String(n)}.`);
  }
}

function prepareMember(m: AssignorMember, seen: Set<string>): PreparedMember {
  if (typeof m !== 'object' || m === null) invalid('Each member must be an object.');
  if (typeof m.memberId !== 'string' || m.memberId === '') invalid('Each member needs a non-empty memberId.');
  if (seen.has(m.memberId)) invalid(`Member "${m.memberId}" appears twice.`);
  seen.add(m.memberId);
  if (m.groupInstanceId !== undefined && typeof m.groupInstanceId !== 'string') {
    invalid(`Member "${m.memberId}": groupInstanceId must be a string.`);
  }
  if (!Array.isArray(m.topics) || m.topics.some((t) => typeof t !== 'string')) {
    invalid(`Member "${m.memberId}": topics must be an array of topic names.`);
  }
  const owned = m.ownedPartitions ?? [];
  if (
    !Array.isArray(owned) ||
    owned.some((tp) => typeof tp?.topic !== 'string' || !isNonNegativeInt(tp.partition))
  ) {
    invalid(`Member "${m.memberId}": ownedPartitions must be {topic, partition} pairs.`);
  }
  if (m.generation !== undefined && !Number.isInteger(m.generation)) {
    invalid(`Member "${m.memberId}": generation must be an integer.`);
  }
  return {
    memberId: m.memberId,
    groupInstanceId: m.groupInstanceId,
    topics: [...new Set(m.topics)],
    ownedPartitions: owned.map((tp) => ({ topic: tp.topic, partition: tp.partition })),
    generation: m.generation,
  };
}

export function prepareInput(
  partitionsPerTopic: PartitionsPerTopic,
  members: readonly AssignorMember[],
): AssignmentInput {
  checkPartitionCounts(partitionsPerTopic);
  if (!Array.isArray(members)) invalid('members must be an array.');
  const seen = new Set<string>();
  const prepared = members.map((m) => prepareMember(m, seen));
  const byId = new Map(prepared.map((m) => [m.memberId, m]));
  const ordered = javaHashMapOrder(prepared.map((m) => m.memberId)).map((id) => byId.get(id)!);

  // AbstractPartitionAssignor: a HashSet of every subscribed topic, then a HashMap of those with metadata.
  const subscribed = javaHashMapOrder(ordered.flatMap((m) => m.topics));
  const existing = subscribed.filter(
    (t) => Object.hasOwn(partitionsPerTopic, t) && partitionsPerTopic[t]! > 0,
  );
  const topics = javaHashMapOrder(existing);
  const partitions = new Map(topics.map((t) => [t, partitionsPerTopic[t]!]));
  return { callerOrder: prepared.map((m) => m.memberId), members: ordered, byId, topics, partitions };
}

/** An empty list for every member, keyed in the caller's order. */
export function emptyAssignment(input: AssignmentInput): Record<string, TopicPartition[]> {
  const out: Record<string, TopicPartition[]> = {};
  for (const id of input.callerOrder) out[id] = [];
  return out;
}
