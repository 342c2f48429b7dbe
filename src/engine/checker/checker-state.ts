/**
 * The part of the checker's state its helper modules (produce-checks, reads) read and write, as a
 * structural interface: the helpers depend on this leaf module instead of on the GuaranteeChecker
 * class, so imports point one way only (checker → helpers → checker-state) and there is no cycle.
 */
import type { ConsumerConfig } from '../client/consumer-config';
import type { ProducerConfig } from '../client/producer-config';
import type { Entry, TpLogs } from './replica-logs';
import type { StreamsApps } from './streams-apps';
import type { Finding } from './types';

/** What one consumer group has read of one partition. */
export interface GroupTp {
  maxRead: number;
  read: Set<number>;
  /** A position change that makes skipping allowed (seek, reset, timestamp lookup). */
  skip: { consumer: string; reason: string; seq: number; atMs: number } | null;
}

export interface ReadState {
  /** group → tp → what the group has read. */
  groups: Map<string, Map<string, GroupTp>>;
  /** tp → consumer → offset → times read (the offset grid's consumer rows). */
  counts: Map<string, Map<string, Map<number, number>>>;
  /** Open "unseen" findings by group|tp|offset, retracted if a member reads the record after all. */
  unseen: Map<string, string>;
}

/** One acknowledged send of a key, for the per-key order check. */
export interface KeyAck {
  commandId: number;
  offset: number;
  entry: Entry | undefined;
  seq: number;
  atMs: number;
}

/** Exactly the checker members produce-checks.ts, app-checks.ts and reads.ts use; GuaranteeChecker implements it. */
export interface CheckerState {
  readonly producers: ReadonlyMap<string, ProducerConfig>;
  readonly consumers: ReadonlyMap<string, ConsumerConfig & { groupId: string | null }>;
  /** producer|tp|key → acknowledged sends, in command order. */
  readonly keyOrder: Map<string, KeyAck[]>;
  readonly retries: ReadonlyMap<string, { seq: number; atMs: number }>;
  readonly reads: ReadState;
  /** Streams applications: their processing.guarantee, instances and crashes. */
  readonly apps: StreamsApps;
  tp(topic: string, partition: number): TpLogs;
  add(f: Finding): void;
  retract(id: string): void;
}
