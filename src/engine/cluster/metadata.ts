/**
 * The cluster metadata: the records of the KRaft log (`__cluster_metadata-0`) and the image they
 * fold into. Controllers and brokers both build their view of the cluster by applying records in
 * offset order, so everything they agree on comes from the replicated log.
 */
import type { ConfigValue } from '../types';

export type LeaderRecoveryState = 'RECOVERED' | 'RECOVERING';

export type MetadataRecord =
  /** Raft control record a new leader appends when it takes office. */
  | { type: 'LeaderChange'; leaderId: string; epoch: number }
  /** A broker (re)registers; it starts fenced. Its broker epoch is this record's offset. */
  | { type: 'RegisterBroker'; brokerId: number; incarnation: number }
  | { type: 'FenceBroker'; brokerId: number; reason: 'session-timeout' | 'reregistered' }
  | { type: 'UnfenceBroker'; brokerId: number }
  | {
      type: 'Topic';
      name: string;
      topicId: string;
      partitions: number;
      replicationFactor: number;
      config: Record<string, ConfigValue>;
    }
  | {
      type: 'Partition';
      topic: string;
      partition: number;
      replicas: number[];
      isr: number[];
      leader: number;
      /** Set on the partitions CreatePartitions adds to an existing topic (admin/create-partitions.ts). */
      growth?: { from: number; to: number };
    }
  /** Omitted fields do not change; a leader change bumps the leader epoch. */
  | {
      type: 'PartitionChange';
      topic: string;
      partition: number;
      leader?: number;
      isr?: number[];
      leaderRecoveryState?: LeaderRecoveryState;
      reason: PartitionChangeReason;
    }
  | { type: 'RemoveTopic'; name: string }
  /** IncrementalAlterConfigs on a topic (Kafka's ConfigRecord; a null value removes the override). */
  | { type: 'TopicConfig'; topic: string; set: Record<string, ConfigValue>; deleted: string[] }
  /** A block of producer ids handed to a broker (reference §5.2: blocks of 1000). */
  | { type: 'ProducerIds'; brokerId: number; nextProducerId: number };

export type PartitionChangeReason =
  | 'leader-fenced'
  | 'replica-fenced'
  | 'broker-unfenced'
  | 'unclean'
  | 'preferred'
  | 'isr-shrink'
  | 'isr-expand'
  /** An ElectLeaders request (Admin.electLeaders, kafka-leader-election). */
  | 'elect-leaders';

export interface MetadataEntry {
  offset: number;
  /** Raft epoch (term) of the leader that appended it. */
  epoch: number;
  record: MetadataRecord;
}

export interface BrokerRegistration {
  brokerId: number;
  /** Offset of the RegisterBroker record. */
  brokerEpoch: number;
  incarnation: number;
  fenced: boolean;
}

export interface PartitionState {
  partition: number;
  replicas: number[];
  isr: number[];
  /** -1 when the partition has no leader (offline). */
  leader: number;
  leaderEpoch: number;
  partitionEpoch: number;
  leaderRecoveryState: LeaderRecoveryState;
}

export interface TopicState {
  name: string;
  topicId: string;
  config: Record<string, ConfigValue>;
  partitions: PartitionState[];
}

export interface MetadataImage {
  /** Offset of the next record to apply. */
  nextOffset: number;
  /** First producer id not yet handed out. */
  nextProducerId: number;
  brokers: Record<number, BrokerRegistration>;
  topics: Record<string, TopicState>;
}

export function emptyImage(): MetadataImage {
  return { nextOffset: 0, nextProducerId: 0, brokers: {}, topics: {} };
}

/** Apply one record, in place. Records must come in offset order. */
export function applyRecord(image: MetadataImage, entry: MetadataEntry): void {
  const r = entry.record;
  switch (r.type) {
    case 'LeaderChange':
      break;
    case 'RegisterBroker':
      image.brokers[r.brokerId] = {
        brokerId: r.brokerId,
        brokerEpoch: entry.offset,
        incarnation: r.incarnation,
        fenced: true,
      };
      break;
    case 'FenceBroker':
    case 'UnfenceBroker': {
      const b = image.brokers[r.brokerId];
      if (b) b.fenced = r.type === 'FenceBroker';
      break;
    }
    case 'Topic':
      image.topics[r.name] = { name: r.name, topicId: r.topicId, config: { ...r.config }, partitions: [] };
      break;
    case 'Partition': {
      const t = image.topics[r.topic];
      if (t) {
        t.partitions[r.partition] = {
          partition: r.partition,
          replicas: [...r.replicas],
          isr: [...r.isr],
          leader: r.leader,
          leaderEpoch: 0,
          partitionEpoch: 0,
          leaderRecoveryState: 'RECOVERED',
        };
      }
      break;
    }
    case 'PartitionChange': {
      const p = image.topics[r.topic]?.partitions[r.partition];
      if (!p) break;
      if (r.leader !== undefined && r.leader !== p.leader) {
        p.leader = r.leader;
        p.leaderEpoch++;
      }
      if (r.isr) p.isr = [...r.isr];
      if (r.leaderRecoveryState) p.leaderRecoveryState = r.leaderRecoveryState;
      p.partitionEpoch++;
      break;
    }
    case 'RemoveTopic':
      delete image.topics[r.name];
      break;
    case 'TopicConfig': {
      const t = image.topics[r.topic];
      if (!t) break;
      for (const k of r.deleted) delete t.config[k];
      Object.assign(t.config, r.set);
      break;
    }
    case 'ProducerIds':
      image.nextProducerId = r.nextProducerId;
      break;
  }
  image.nextOffset = entry.offset + 1;
}

export function buildImage(entries: readonly MetadataEntry[], upTo: number): MetadataImage {
  const image = emptyImage();
  for (const e of entries) {
    if (e.offset >= upTo) break;
    applyRecord(image, e);
  }
  return image;
}

/** A broker a partition may be led by: registered and not fenced. */
export function isAcceptable(image: MetadataImage, brokerId: number): boolean {
  const b = image.brokers[brokerId];
  return b !== undefined && !b.fenced;
}
