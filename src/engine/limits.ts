/**
 * What a simulation in a browser tab can keep up with, checked for every command from every
 * source (form, link, file, terminal, code, lessons) because `dispatch` calls these checks.
 * Kafka itself runs with far bigger numbers; these are the simulator's own limits, refused in
 * Kafka's words where Kafka has a matching error (INVALID_PARTITIONS, POLICY_VIOLATION,
 * RECORD_TOO_LARGE), so a learner sees the same kind of refusal a real cluster would give.
 *
 * Sized from measurements (`bench/limits-measure.ts`, Node 20, this machine kind; see
 * docs/engine-api.md "Limits"): with 3 brokers and RF 3, creating 1000 partitions costs ~0.9 s of
 * engine time, a keyframe copy ~0.4 s and a snapshot ~50 ms / 0.6 MB; at 2000 those are 1.1 s,
 * 0.5 s and 80 ms / 1.2 MB, past what a frame or a step back can afford. 100 000 partitions
 * froze the tab for minutes before this module existed.
 *
 * Two kinds of check: `checkCommandLimits` needs only the command (so an imported scenario is
 * refused before anything is replayed), `checkStateLimits` needs the cluster (totals).
 */
import { activeController } from './cluster/module';
import { clusterView } from './cluster/narration';
import { EngineError } from './errors';
import type { Kernel } from './kernel/kernel';
import { BATCH_OVERHEAD_BYTES, RECORD_OVERHEAD_BYTES } from './protocol/produce';
import type { Command } from './types';

export const SIMULATION_LIMITS = {
  /** Partitions one topic may have (INVALID_PARTITIONS beyond). */
  partitionsPerTopic: 1000,
  /** Partitions of all topics together, internal topics included (POLICY_VIOLATION beyond). */
  partitionsPerCluster: 2000,
  /** Client nodes of every kind (producers, consumers, queue senders and workers, services). */
  clients: 64,
  /** Sends in one `producer.sendMany` (the producer panel's largest burst). */
  burstSends: 10_000,
  /**
   * The largest `max.request.size` a producer may be given: Kafka's default, 1 MiB. Records are
   * held as strings in the worker and copied into every keyframe, so bigger ones cost too much.
   */
  requestBytes: 1_048_576,
} as const;

/** Client-creating commands, counted against `clients`. */
const CREATES_CLIENT: ReadonlySet<Command['type']> = new Set([
  'producer.create',
  'consumer.create',
  'sender.create',
  'worker.create',
  'batchJob.create',
  'accountService.create',
]);

/** Checks that need nothing but the command itself. */
export function checkCommandLimits(command: Command): void {
  switch (command.type) {
    case 'topic.create':
      if (command.partitions > SIMULATION_LIMITS.partitionsPerTopic) {
        throw new EngineError(
          'INVALID_PARTITIONS',
          `Number of partitions ${command.partitions} is larger than this simulation allows for one topic (${SIMULATION_LIMITS.partitionsPerTopic}).`,
        );
      }
      return;
    case 'producer.sendMany':
      if (command.count > SIMULATION_LIMITS.burstSends) {
        throw new EngineError(
          'POLICY_VIOLATION',
          `A burst of ${command.count} sends is larger than this simulation allows (${SIMULATION_LIMITS.burstSends}); send several bursts.`,
        );
      }
      return;
    case 'producer.create': {
      const size = command.config?.['max.request.size'];
      if (typeof size === 'number' && size > SIMULATION_LIMITS.requestBytes) {
        throw new EngineError(
          'INVALID_CONFIG',
          `Invalid value ${size} for configuration max.request.size: this simulation allows at most ${SIMULATION_LIMITS.requestBytes}.`,
        );
      }
      return;
    }
    default:
      return;
  }
}

/** Checks against the cluster as it is now (totals, the producer's own max.request.size). */
export function checkStateLimits(kernel: Kernel, command: Command): void {
  if (command.type === 'topic.create') {
    const image =
      activeController(kernel)?.volatile?.leader?.working ?? clusterView(kernel.state.shared).image;
    let total = 0;
    for (const t of Object.values(image.topics)) total += t.partitions.length;
    if (total + command.partitions > SIMULATION_LIMITS.partitionsPerCluster) {
      throw new EngineError(
        'POLICY_VIOLATION',
        `The cluster has ${total} partitions; ${command.partitions} more would pass this simulation's limit of ${SIMULATION_LIMITS.partitionsPerCluster}.`,
      );
    }
  } else if (CREATES_CLIENT.has(command.type)) {
    let clients = 0;
    for (const n of Object.values(kernel.state.nodes))
      if (n.kind !== 'broker' && n.kind !== 'controller') clients++;
    if (clients >= SIMULATION_LIMITS.clients) {
      throw new EngineError(
        'POLICY_VIOLATION',
        `This simulation already runs ${clients} clients, the most it allows (${SIMULATION_LIMITS.clients}).`,
      );
    }
  } else if (command.type === 'producer.send' || command.type === 'producer.sendMany') {
    checkRecordSize(kernel, command);
  }
}

/**
 * The producer's own check before a record is queued (KafkaProducer.ensureValidRecordSize): the
 * record's serialized size, batch overhead included, against max.request.size. Kafka fails the
 * send with RecordTooLargeException; nothing reaches a broker.
 */
function checkRecordSize(
  kernel: Kernel,
  send: Extract<Command, { type: 'producer.send' | 'producer.sendMany' }>,
): void {
  const node = kernel.node(`producer:${send.producer}`);
  const config =
    node?.kind === 'producer' ? (node.durable as { config?: { maxRequestSize?: number } }).config : undefined;
  const max = config?.maxRequestSize ?? SIMULATION_LIMITS.requestBytes;
  // A burst numbers its values ("-1" … "-count"): the last one is the longest.
  const value =
    'tombstone' in send && send.tombstone
      ? 0
      : utf8Bytes(send.value) + (send.type === 'producer.sendMany' ? `-${send.count}`.length : 0);
  let size = BATCH_OVERHEAD_BYTES + RECORD_OVERHEAD_BYTES + utf8Bytes(send.key ?? '') + value;
  for (const [k, v] of Object.entries(send.headers ?? {})) size += utf8Bytes(k) + utf8Bytes(v);
  if (size > max) {
    throw new EngineError(
      'RECORD_TOO_LARGE',
      `The message is ${size} bytes when serialized which is larger than ${max}, which is the value of the max.request.size configuration.`,
    );
  }
}

/** UTF-8 length of a string, without encoding it (a value may be megabytes long). */
function utf8Bytes(text: string): number {
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) bytes += 1;
    else if (c < 0x800) bytes += 2;
    else if (c >= 0xd800 && c <= 0xdbff) {
      bytes += 4;
      i++;
    } else bytes += 3;
  }
  return bytes;
}
