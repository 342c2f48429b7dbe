/**
 * CreatePartitions, as Kafka's controller runs it (ReplicationControlManager.createPartitions):
 * the count must be an increase (INVALID_PARTITIONS otherwise, in Kafka's words), the new
 * partitions get the topic's replication factor, placed on unfenced brokers by the same placer
 * topic creation uses, each led by its first replica with every replica in the ISR. The result is
 * one Partition record per new partition; brokers create the replicas when they apply them and
 * clients see them on their next metadata refresh.
 */
import { EngineError } from '../errors';
import { SIMULATION_LIMITS } from '../limits';
import type { MetadataImage, MetadataRecord } from '../cluster/metadata';
import { placeReplicas, usableBrokers } from '../cluster/replication-control';

/** Throws Kafka's error when `topic` cannot grow to `count` partitions now. */
export function checkCreatePartitions(image: MetadataImage, topic: string, count: number): void {
  const t = image.topics[topic];
  if (!t)
    throw new EngineError('UNKNOWN_TOPIC_OR_PARTITION', 'This server does not host this topic-partition.');
  const current = t.partitions.length;
  if (count === current)
    throw new EngineError('INVALID_PARTITIONS', `Topic already has ${current} partition(s).`);
  if (count < current) {
    throw new EngineError(
      'INVALID_PARTITIONS',
      `The topic ${topic} currently has ${current} partition(s); ${count} would not be an increase.`,
    );
  }
  // The simulation's own limits (limits.ts), as for topic creation.
  if (count > SIMULATION_LIMITS.partitionsPerTopic) {
    throw new EngineError(
      'INVALID_PARTITIONS',
      `Number of partitions ${count} is larger than this simulation allows for one topic (${SIMULATION_LIMITS.partitionsPerTopic}).`,
    );
  }
  let total = 0;
  for (const x of Object.values(image.topics)) total += x.partitions.length;
  if (total + count - current > SIMULATION_LIMITS.partitionsPerCluster) {
    throw new EngineError(
      'POLICY_VIOLATION',
      `The cluster has ${total} partitions; ${count - current} more would pass this simulation's limit of ${SIMULATION_LIMITS.partitionsPerCluster}.`,
    );
  }
  const rf = t.partitions[0]?.replicas.length ?? 0;
  const usable = usableBrokers(image).length;
  if (usable === 0) {
    throw new EngineError(
      'INVALID_REPLICATION_FACTOR',
      `Unable to replicate the partition ${rf} time(s): All brokers are currently fenced or in controlled shutdown.`,
    );
  }
  if (rf > usable) {
    throw new EngineError(
      'INVALID_REPLICATION_FACTOR',
      `The target replication factor of ${rf} cannot be reached because only ${usable} broker(s) are registered.`,
    );
  }
}

/**
 * The records for the new partitions. Placement continues the stripe of a fresh placement of
 * `count` partitions from partition `current` on (Kafka's PlacementSpec(startPartitionId, …)).
 */
export function createPartitionsRecords(
  image: MetadataImage,
  topic: string,
  count: number,
  randomInt: (n: number) => number,
): MetadataRecord[] {
  checkCreatePartitions(image, topic, count);
  const t = image.topics[topic]!;
  const from = t.partitions.length;
  const rf = t.partitions[0]!.replicas.length;
  const placement = placeReplicas(usableBrokers(image), count, rf, randomInt).slice(from);
  return placement.map((replicas, i) => ({
    type: 'Partition',
    topic,
    partition: from + i,
    replicas,
    isr: [...replicas],
    leader: replicas[0]!,
    growth: { from, to: count },
  }));
}
