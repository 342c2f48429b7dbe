/**
 * Between wire bytes and the engine's plain records: record batch v2 ↔ RecordBatch, and the
 * consumer protocol's subscription and assignment blobs ↔ the coordinator's parsed shapes.
 * Keys, values and header values are UTF-8 text in the engine, so binary payloads are not kept
 * byte for byte (docs/wire.md says so).
 */
import {
  BATCH_OVERHEAD_BYTES,
  recordSize,
  type RecordBatch,
  type SubscriptionMetadata,
  type TopicPartition,
} from '../engine/index';
import { Reader, Writer, decodeUtf8, encodeUtf8 } from './bytes';
import type { WireBatch } from './record-batch';

function text(b: Uint8Array | null): string | null {
  return b === null ? null : decodeUtf8(b);
}

/** A produced batch as the engine's leader expects it (offsets and epoch not yet assigned). */
export function toEngineBatch(b: WireBatch): RecordBatch {
  const records = b.records.map((r) => {
    const rec: RecordBatch['records'][number] = {
      key: text(r.key),
      value: text(r.value),
      timestamp: b.baseTimestamp + r.timestampDelta,
    };
    if (r.headers.length > 0)
      rec.headers = Object.fromEntries(r.headers.map((h) => [h.key, text(h.value) ?? '']));
    return rec;
  });
  return {
    baseOffset: -1,
    partitionLeaderEpoch: -1,
    producerId: b.producerId,
    producerEpoch: b.producerEpoch,
    baseSequence: b.baseSequence,
    isTransactional: b.isTransactional,
    isControl: false,
    records,
    sizeBytes: records.reduce((n, r) => n + recordSize(r.key, r.value, r.headers), BATCH_OVERHEAD_BYTES),
  };
}

/** A control record: key (version, type: ABORT 0 / COMMIT 1), value (version, coordinator epoch). */
function controlRecord(type: 'COMMIT' | 'ABORT'): { key: Uint8Array; value: Uint8Array } {
  const key = new Writer()
    .int16(0)
    .int16(type === 'COMMIT' ? 1 : 0)
    .bytes();
  const value = new Writer().int16(0).int32(0).bytes();
  return { key, value };
}

/** A stored batch as a fetch response carries it. */
export function toWireBatch(b: RecordBatch): WireBatch {
  const first = b.records[0]?.timestamp ?? 0;
  let max = first;
  for (const r of b.records) if (r.timestamp > max) max = r.timestamp;
  const records = b.isControl
    ? [{ offsetDelta: 0, timestampDelta: 0, ...controlRecord(b.controlType ?? 'ABORT'), headers: [] }]
    : b.records.map((r, i) => ({
        offsetDelta: b.offsetDeltas ? b.offsetDeltas[i]! : i,
        timestampDelta: r.timestamp - first,
        key: r.key === null ? null : encodeUtf8(r.key),
        value: r.value === null ? null : encodeUtf8(r.value),
        headers: Object.entries(r.headers ?? {}).map(([key, v]) => ({ key, value: encodeUtf8(v) })),
      }));
  return {
    baseOffset: b.baseOffset,
    partitionLeaderEpoch: b.partitionLeaderEpoch,
    compression: 0,
    logAppendTime: false,
    isTransactional: b.isTransactional,
    isControl: b.isControl,
    lastOffsetDelta: b.lastOffsetDelta ?? Math.max(0, b.records.length - 1),
    baseTimestamp: first,
    maxTimestamp: max,
    producerId: b.producerId,
    producerEpoch: b.producerEpoch,
    baseSequence: b.baseSequence,
    records,
  };
}

// ----- consumer protocol (ConsumerProtocolSubscription / ConsumerProtocolAssignment) -----

function readTopicPartitions(r: Reader): TopicPartition[] {
  const out: TopicPartition[] = [];
  for (const t of r.array((x) => ({ topic: x.string(), partitions: x.array((y) => y.int32()) }))) {
    for (const partition of t.partitions) out.push({ topic: t.topic, partition });
  }
  return out;
}

function writeTopicPartitions(w: Writer, tps: readonly TopicPartition[]): void {
  const byTopic = new Map<string, number[]>();
  for (const tp of tps) {
    const list = byTopic.get(tp.topic) ?? [];
    list.push(tp.partition);
    byTopic.set(tp.topic, list);
  }
  w.array([...byTopic], (x, [topic, parts]) => x.string(topic).array(parts, (y, p) => y.int32(p)));
}

/** Fields after the version's own are read only when present (clients differ in what they send). */
export function decodeSubscription(bytes: Uint8Array): SubscriptionMetadata {
  const r = new Reader(bytes);
  const version = r.int16();
  const topics = r.array((x) => x.string());
  if (r.remaining() >= 4) r.nullableBytes(); // userData
  const ownedPartitions = version >= 1 && r.remaining() >= 4 ? readTopicPartitions(r) : [];
  const generation = version >= 2 && r.remaining() >= 4 ? r.int32() : -1;
  return { topics, ownedPartitions, generation };
}

export function encodeSubscription(m: SubscriptionMetadata): Uint8Array {
  const w = new Writer().int16(1);
  w.array(m.topics, (x, t) => x.string(t));
  w.nullableBytes(null);
  writeTopicPartitions(w, m.ownedPartitions);
  return w.bytes();
}

export function decodeAssignment(bytes: Uint8Array): TopicPartition[] {
  if (bytes.length === 0) return [];
  const r = new Reader(bytes);
  r.int16();
  return readTopicPartitions(r);
}

export function encodeAssignment(tps: readonly TopicPartition[]): Uint8Array {
  const w = new Writer().int16(0);
  writeTopicPartitions(w, tps);
  w.nullableBytes(new Uint8Array(0));
  return w.bytes();
}
