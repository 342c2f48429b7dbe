/**
 * Record batch v2 (magic 2), the only record format this front end speaks: Produce v3+ and Fetch
 * v4+ carry it. A records field may hold several batches back to back. Compression other than none
 * is recognised (attributes bits 0-2) and reported, never decoded.
 */
import { crc32c } from './crc32c';
import { Reader, WireError, Writer } from './bytes';

export interface WireHeader {
  key: string;
  value: Uint8Array | null;
}

export interface WireRecord {
  offsetDelta: number;
  timestampDelta: number;
  key: Uint8Array | null;
  value: Uint8Array | null;
  headers: WireHeader[];
}

export interface WireBatch {
  baseOffset: number;
  partitionLeaderEpoch: number;
  /** 0 none, 1 gzip, 2 snappy, 3 lz4, 4 zstd. */
  compression: number;
  /** attributes bit 3: LogAppendTime. */
  logAppendTime: boolean;
  isTransactional: boolean;
  isControl: boolean;
  lastOffsetDelta: number;
  baseTimestamp: number;
  maxTimestamp: number;
  producerId: number;
  producerEpoch: number;
  baseSequence: number;
  /** Empty when the batch is compressed (its records are not decoded). */
  records: WireRecord[];
}

/** Bytes before the batch length field, and from there to the CRC's coverage. */
const LOG_OVERHEAD = 12;
const MAGIC = 2;

function writeVarBytes(w: Writer, b: Uint8Array | null): void {
  if (b === null) w.varint(-1);
  else w.varint(b.length).raw(b);
}

function readVarBytes(r: Reader): Uint8Array | null {
  const n = r.varint();
  return n < 0 ? null : r.raw(n);
}

function writeRecord(w: Writer, rec: WireRecord): void {
  const body = new Writer();
  body.int8(0).varint(rec.timestampDelta).varint(rec.offsetDelta);
  writeVarBytes(body, rec.key);
  writeVarBytes(body, rec.value);
  body.varint(rec.headers.length);
  for (const h of rec.headers) {
    const k = new TextEncoder().encode(h.key);
    body.varint(k.length).raw(k);
    writeVarBytes(body, h.value);
  }
  w.varint(body.length).raw(body.view_(0));
}

function readRecord(r: Reader): WireRecord {
  const length = r.varint();
  const end = r.offset + length;
  r.int8(); // record attributes: unused
  const timestampDelta = r.varint();
  const offsetDelta = r.varint();
  const key = readVarBytes(r);
  const value = readVarBytes(r);
  const n = r.varint();
  const headers: WireHeader[] = [];
  for (let i = 0; i < n; i++) {
    const k = readVarBytes(r);
    if (k === null) throw new WireError('a record header with a null key');
    headers.push({ key: new TextDecoder().decode(k), value: readVarBytes(r) });
  }
  if (r.offset !== end) throw new WireError(`record length ${length} does not match its fields`);
  return { offsetDelta, timestampDelta, key, value, headers };
}

export function encodeBatch(w: Writer, b: WireBatch): void {
  const start = w.length;
  w.int64(b.baseOffset).int32(0).int32(b.partitionLeaderEpoch).int8(MAGIC).uint32(0);
  const crcFrom = w.length;
  const attributes =
    (b.compression & 7) | (b.logAppendTime ? 8 : 0) | (b.isTransactional ? 16 : 0) | (b.isControl ? 32 : 0);
  w.int16(attributes)
    .int32(b.lastOffsetDelta)
    .int64(b.baseTimestamp)
    .int64(b.maxTimestamp)
    .int64(b.producerId)
    .int16(b.producerEpoch)
    .int32(b.baseSequence)
    .int32(b.records.length);
  for (const rec of b.records) writeRecord(w, rec);
  w.patchInt32(start + 8, w.length - start - LOG_OVERHEAD);
  w.patchUint32(crcFrom - 4, crc32c(w.view_(crcFrom)));
}

export function encodeBatches(batches: readonly WireBatch[]): Uint8Array {
  const w = new Writer();
  for (const b of batches) encodeBatch(w, b);
  return w.bytes();
}

/**
 * Every whole batch in `bytes`. A partial batch at the end (a fetch response cut at max bytes) is
 * skipped, as clients do; a wrong magic or CRC is an error (Kafka answers CORRUPT_MESSAGE).
 */
export function decodeBatches(bytes: Uint8Array): WireBatch[] {
  const r = new Reader(bytes);
  const out: WireBatch[] = [];
  while (r.remaining() >= LOG_OVERHEAD) {
    const baseOffset = r.int64();
    const batchLength = r.int32();
    if (batchLength > r.remaining()) break;
    const end = r.offset + batchLength;
    const partitionLeaderEpoch = r.int32();
    const magic = r.int8();
    if (magic !== MAGIC) throw new WireError(`record batch magic ${magic}: only magic 2 is served`);
    const crc = r.uint32();
    const actual = crc32c(bytes.subarray(r.offset, end));
    if (crc !== actual) throw new WireError(`record batch CRC ${crc} does not match its bytes (${actual})`);
    const attributes = r.int16();
    const batch: WireBatch = {
      baseOffset,
      partitionLeaderEpoch,
      compression: attributes & 7,
      logAppendTime: (attributes & 8) !== 0,
      isTransactional: (attributes & 16) !== 0,
      isControl: (attributes & 32) !== 0,
      lastOffsetDelta: r.int32(),
      baseTimestamp: r.int64(),
      maxTimestamp: r.int64(),
      producerId: r.int64(),
      producerEpoch: r.int16(),
      baseSequence: r.int32(),
      records: [],
    };
    const count = r.int32();
    if (batch.compression === 0) {
      for (let i = 0; i < count; i++) batch.records.push(readRecord(r));
    }
    r.offset = end;
    out.push(batch);
  }
  return out;
}
