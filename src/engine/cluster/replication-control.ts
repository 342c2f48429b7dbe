/**
 * What the active controller decides, as metadata records (ReplicationControlManager and
 * ClusterControlManager in Kafka): topic creation with replica placement, fencing and unfencing
 * brokers with the leader elections they cause, and preferred-leader elections. Pure functions of
 * the current image; the controller appends the records they return.
 */
import { topicSetting } from '../config';
import { EngineError } from '../errors';
import type { ConfigValue } from '../types';
import { electLeader, type ElectionType } from './election';
import { isAcceptable, type MetadataImage, type MetadataRecord, type PartitionState } from './metadata';

/**
 * Replica placement without racks, as Kafka's classic assignment spreads it: a random start broker
 * and a random shift; partition p's first replica (its preferred leader) is broker
 * (start + p) mod n, so leaders are spread evenly, and followers follow at a shifting stride.
 */
export function placeReplicas(
  brokers: readonly number[],
  partitions: number,
  replicationFactor: number,
  randomInt: (n: number) => number,
): number[][] {
  const n = brokers.length;
  const start = randomInt(n);
  let shift = randomInt(n);
  const out: number[][] = [];
  for (let p = 0; p < partitions; p++) {
    if (p > 0 && p % n === 0) shift++;
    const first = (p + start) % n;
    const replicas = [brokers[first]!];
    for (let j = 0; j < replicationFactor - 1; j++) {
      const idx = (first + 1 + ((shift + j) % (n - 1))) % n;
      replicas.push(brokers[idx]!);
    }
    out.push(replicas);
  }
  return out;
}

export function usableBrokers(image: MetadataImage): number[] {
  return Object.values(image.brokers)
    .filter((b) => !b.fenced)
    .map((b) => b.brokerId)
    .sort((a, b) => a - b);
}

/** Validate against the image; throws Kafka's errors (reference §10). */
export function checkCreateTopic(
  image: MetadataImage,
  topic: string,
  partitions: number,
  replicationFactor: number,
): void {
  if (image.topics[topic]) throw new EngineError('TOPIC_ALREADY_EXISTS', `Topic '${topic}' already exists.`);
  if (partitions === 0 || partitions < -1) {
    throw new EngineError(
      'INVALID_PARTITIONS',
      'Number of partitions was set to an invalid non-positive value.',
    );
  }
  if (replicationFactor === 0 || replicationFactor < -1) {
    throw new EngineError(
      'INVALID_REPLICATION_FACTOR',
      'Replication factor must be larger than 0, or -1 to use the default value.',
    );
  }
  const registered = Object.keys(image.brokers).length;
  const usable = usableBrokers(image).length;
  if (registered > 0 && usable === 0) {
    throw new EngineError('INVALID_REPLICATION_FACTOR', 'All brokers are currently fenced.');
  }
  if (replicationFactor > usable) {
    throw new EngineError(
      'INVALID_REPLICATION_FACTOR',
      `The target replication factor of ${replicationFactor} cannot be reached because only ${usable} broker(s) are registered.`,
    );
  }
}

export function createTopicRecords(
  image: MetadataImage,
  brokerConfig: Readonly<Record<string, unknown>>,
  topic: string,
  topicId: string,
  partitions: number,
  replicationFactor: number,
  config: Record<string, ConfigValue>,
  randomInt: (n: number) => number,
): MetadataRecord[] {
  const n = partitions === -1 ? Number(brokerConfig['num.partitions'] ?? 1) : partitions;
  const rf =
    replicationFactor === -1 ? Number(brokerConfig['default.replication.factor'] ?? 1) : replicationFactor;
  checkCreateTopic(image, topic, n, rf);
  const placement = placeReplicas(usableBrokers(image), n, rf, randomInt);
  return [
    { type: 'Topic', name: topic, topicId, partitions: n, replicationFactor: rf, config },
    ...placement.map((replicas, partition): MetadataRecord => ({
      type: 'Partition',
      topic,
      partition,
      replicas,
      isr: [...replicas],
      leader: replicas[0]!,
    })),
  ];
}

function* partitionsOf(image: MetadataImage): Generator<[string, PartitionState]> {
  for (const t of Object.values(image.topics)) for (const p of t.partitions) if (p) yield [t.name, p];
}

function uncleanAllowed(
  image: MetadataImage,
  brokerConfig: Readonly<Record<string, unknown>>,
  topic: string,
) {
  return topicSetting(brokerConfig, image.topics[topic]?.config ?? {}, 'unclean.leader.election.enable');
}

/**
 * Fence a broker: take it out of every ISR (the ISR keeps its last member: it is never empty)
 * and move leadership away, electing ONLINE (UNCLEAN where enabled) (reference §5.2).
 */
export function fenceBrokerRecords(
  image: MetadataImage,
  brokerConfig: Readonly<Record<string, unknown>>,
  brokerId: number,
  reason: 'session-timeout' | 'reregistered',
): MetadataRecord[] {
  const records: MetadataRecord[] = [{ type: 'FenceBroker', brokerId, reason }];
  const acceptable = (b: number) => b !== brokerId && isAcceptable(image, b);
  for (const [topic, p] of partitionsOf(image)) {
    if (!p.isr.includes(brokerId) && p.leader !== brokerId) continue;
    const isr = p.isr.length > 1 ? p.isr.filter((b) => b !== brokerId) : [...p.isr];
    const wasLeader = p.leader === brokerId;
    const type: ElectionType = uncleanAllowed(image, brokerConfig, topic) ? 'UNCLEAN' : 'ONLINE';
    const elected = wasLeader
      ? electLeader({ replicas: p.replicas, isr, leader: -1 }, type, acceptable)
      : null;
    const change: MetadataRecord = {
      type: 'PartitionChange',
      topic,
      partition: p.partition,
      reason: wasLeader ? (elected?.unclean ? 'unclean' : 'leader-fenced') : 'replica-fenced',
    };
    if (elected) change.leader = elected.leader;
    if (elected?.unclean) {
      change.isr = [elected.leader];
      change.leaderRecoveryState = 'RECOVERING';
    } else if (isr.length !== p.isr.length) change.isr = isr;
    if (change.leader === undefined && change.isr === undefined) continue;
    records.push(change);
  }
  return records;
}

/** Unfence a broker and give leaderless partitions a leader if it (or, uncleanly, anyone) can lead. */
export function unfenceBrokerRecords(
  image: MetadataImage,
  brokerConfig: Readonly<Record<string, unknown>>,
  brokerId: number,
): MetadataRecord[] {
  const records: MetadataRecord[] = [{ type: 'UnfenceBroker', brokerId }];
  const acceptable = (b: number) => b === brokerId || isAcceptable(image, b);
  for (const [topic, p] of partitionsOf(image)) {
    if (p.leader !== -1 || !p.replicas.includes(brokerId)) continue;
    const type: ElectionType = uncleanAllowed(image, brokerConfig, topic) ? 'UNCLEAN' : 'ONLINE';
    const elected = electLeader(p, type, acceptable);
    if (elected.leader === -1) continue;
    records.push({
      type: 'PartitionChange',
      topic,
      partition: p.partition,
      leader: elected.leader,
      reason: elected.unclean ? 'unclean' : 'broker-unfenced',
      ...(elected.unclean ? { isr: [elected.leader], leaderRecoveryState: 'RECOVERING' as const } : {}),
    });
  }
  return records;
}

/** Move leadership back to each partition's preferred replica where it is in the ISR and usable. */
export function preferredLeaderRecords(image: MetadataImage): MetadataRecord[] {
  const records: MetadataRecord[] = [];
  for (const [topic, p] of partitionsOf(image)) {
    const preferred = p.replicas[0];
    if (preferred === undefined || p.leader === preferred) continue;
    const elected = electLeader(p, 'PREFERRED', (b) => isAcceptable(image, b));
    if (elected.leader === preferred) {
      records.push({
        type: 'PartitionChange',
        topic,
        partition: p.partition,
        leader: preferred,
        reason: 'preferred',
      });
    }
  }
  return records;
}
