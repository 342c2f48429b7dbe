/**
 * Where a record without a key goes: Kafka's built-in sticky partitioner (KIP-794, reference §1.4),
 * simplified as the reference allows. The producer keeps one "sticky" partition per topic and sends
 * every keyless record there until about `batch.size` bytes went to it; then it picks the next one
 * at random among the partitions that have a leader (all partitions if none has), and the old
 * partition may be picked again (KIP-794 has no "must differ" loop, unlike KIP-480).
 *
 * Why sticky at all: filling one batch at a time gives fewer, fuller batches than round-robin.
 * Not modelled: adaptive weighting by queue length and `partitioner.availability.timeout.ms`.
 *
 * State is plain data (cloned with the simulation); randomness comes in as an argument so the
 * caller decides which seeded stream it draws from.
 */

/** Sticky choice for one topic. `partition` is -1 until the first keyless record. */
export interface StickyTopicState {
  partition: number;
  /** Bytes sent to `partition` since it was chosen. */
  bytes: number;
}

/** Per topic name. */
export type StickyPartitionerState = Record<string, StickyTopicState>;

/** Returns an integer in [0, n). */
export type RandomInt = (n: number) => number;

export function newStickyPartitionerState(): StickyPartitionerState {
  return {};
}

/**
 * The partition for the next keyless record of `topic`. `leaders[p]` is partition p's leader id, or a
 * negative number when it has none; its length is the partition count. Switches partition when the
 * current one has received `batchSizeBytes` or more (Kafka's stickyBatchSize = max(1, batch.size)),
 * or when there is none yet or it no longer exists. Call `recordStickyBytes` after appending.
 */
export function stickyPartition(
  state: StickyPartitionerState,
  topic: string,
  leaders: readonly number[],
  batchSizeBytes: number,
  randomInt: RandomInt,
): number {
  if (leaders.length === 0) throw new RangeError(`topic ${topic} has no partitions`);
  const s = (state[topic] ??= { partition: -1, bytes: 0 });
  const stickyBatchSize = Math.max(1, batchSizeBytes);
  if (s.partition < 0 || s.partition >= leaders.length || s.bytes >= stickyBatchSize) {
    s.partition = pickPartition(leaders, randomInt);
    s.bytes = 0;
  }
  return s.partition;
}

/** Counts `sizeBytes` against the topic's sticky partition (only for records it placed). */
export function recordStickyBytes(state: StickyPartitionerState, topic: string, sizeBytes: number): void {
  const s = state[topic];
  if (s !== undefined) s.bytes += sizeBytes;
}

/** `random % availablePartitions.size()` over partitions with a leader, or over all when none has one. */
export function pickPartition(leaders: readonly number[], randomInt: RandomInt): number {
  const available: number[] = [];
  leaders.forEach((leader, p) => {
    if (leader >= 0) available.push(p);
  });
  if (available.length === 0) return checkedRandom(randomInt, leaders.length);
  return available[checkedRandom(randomInt, available.length)]!;
}

function checkedRandom(randomInt: RandomInt, n: number): number {
  const r = randomInt(n);
  if (!Number.isInteger(r) || r < 0 || r >= n) throw new RangeError(`randomInt(${n}) returned ${r}`);
  return r;
}
