/**
 * A message as bytes with every field's range labelled: what the protocol inspector shows beside
 * the fields. The frame is the real one (int32 size, the request or response header, the body
 * encoded by the same schema walk the codec uses), and a `records` field is opened further into
 * its record batch v2 layout (base offset, CRC, producer id, each record's key and value…).
 */
import type { ApiSpec } from './apis';
import { Reader, Writer } from './bytes';
import { encodeStruct, type ByteRange, type RangeSink, type Struct } from './schema';

export type { ByteRange } from './schema';

export interface WireImage {
  api: string;
  apiKey: number;
  version: number;
  direction: 'request' | 'response';
  bytes: Uint8Array;
  /** Outer ranges before inner ones; byte offsets from the start of the frame (its size field). */
  ranges: ByteRange[];
}

function framed(
  api: ApiSpec,
  version: number,
  direction: WireImage['direction'],
  writeHeader: (w: Writer, ranges: ByteRange[]) => void,
  fields: ApiSpec['request'],
  body: Struct,
): WireImage {
  const w = new Writer();
  const ranges: ByteRange[] = [];
  writeHeader(w, ranges);
  const sink: RangeSink = { ranges, prefix: '', depth: 0 };
  encodeStruct(w, fields, version, body, sink);
  const inner = w.bytes();
  const out = new Writer();
  out.int32(inner.length).raw(inner);
  const bytes = out.bytes();
  const shifted = ranges.map((r) => ({ ...r, start: r.start + 4, end: r.end + 4 }));
  const all: ByteRange[] = [{ path: 'size', start: 0, end: 4, depth: 0, type: 'int32' }];
  for (const r of shifted) {
    all.push(r);
    if (r.path.endsWith('records') && r.type === 'nbytes' && r.end - r.start > 4) {
      all.push(...recordBatchRanges(bytes, r.start + 4, r.end, `${r.path}.`, r.depth + 1));
    }
  }
  return { api: api.name, apiKey: api.key, version, direction, bytes, ranges: all };
}

/** A request frame: header v1 (apiKey, apiVersion, correlationId, clientId), then the body. */
export function requestImage(
  api: ApiSpec,
  version: number,
  correlationId: number,
  clientId: string | null,
  body: Struct,
): WireImage {
  return framed(
    api,
    version,
    'request',
    (w, ranges) => {
      const field = (path: string, type: string, write: () => void) => {
        const start = w.length;
        write();
        ranges.push({ path, start, end: w.length, depth: 0, type });
      };
      field('header.apiKey', 'int16', () => w.int16(api.key));
      field('header.apiVersion', 'int16', () => w.int16(version));
      field('header.correlationId', 'int32', () => w.int32(correlationId));
      field('header.clientId', 'nstring', () => w.nullableString(clientId));
    },
    api.request,
    body,
  );
}

/** A response frame: header v0 (correlationId), then the body. */
export function responseImage(api: ApiSpec, version: number, correlationId: number, body: Struct): WireImage {
  return framed(
    api,
    version,
    'response',
    (w, ranges) => {
      w.int32(correlationId);
      ranges.push({ path: 'header.correlationId', start: 0, end: 4, depth: 0, type: 'int32' });
    },
    api.response,
    body,
  );
}

/** The fixed part of a record batch v2, in order (Kafka's DefaultRecordBatch layout). */
const BATCH_HEADER: readonly [string, number, string][] = [
  ['baseOffset', 8, 'int64'],
  ['batchLength', 4, 'int32'],
  ['partitionLeaderEpoch', 4, 'int32'],
  ['magic', 1, 'int8'],
  ['crc', 4, 'uint32 (CRC-32C)'],
  ['attributes', 2, 'int16'],
  ['lastOffsetDelta', 4, 'int32'],
  ['baseTimestamp', 8, 'int64'],
  ['maxTimestamp', 8, 'int64'],
  ['producerId', 8, 'int64'],
  ['producerEpoch', 2, 'int16'],
  ['baseSequence', 4, 'int32'],
  ['recordCount', 4, 'int32'],
];

/**
 * Ranges of the record batches in `bytes[from, to)`. Read with the codec's own Reader; a batch
 * cut short (a fetch response at its byte limit) is labelled as such and not opened.
 */
export function recordBatchRanges(
  bytes: Uint8Array,
  from: number,
  to: number,
  prefix: string,
  depth: number,
): ByteRange[] {
  const out: ByteRange[] = [];
  const r = new Reader(bytes.subarray(from, to));
  let index = 0;
  while (r.remaining() >= 12) {
    const batchStart = r.offset;
    const view = new DataView(bytes.buffer, bytes.byteOffset + from + batchStart + 8, 4);
    const length = view.getInt32(0);
    const batchEnd = batchStart + 12 + length;
    const p = `${prefix}batch[${index}]`;
    if (length < 49 || batchEnd > to - from) {
      out.push({
        path: `${p} (cut at the byte limit)`,
        start: from + batchStart,
        end: to,
        depth,
        type: 'bytes',
      });
      break;
    }
    out.push({ path: p, start: from + batchStart, end: from + batchEnd, depth, type: 'record batch v2' });
    let at = batchStart;
    for (const [name, size, type] of BATCH_HEADER) {
      out.push({ path: `${p}.${name}`, start: from + at, end: from + at + size, depth: depth + 1, type });
      at += size;
    }
    r.raw(at - batchStart);
    const count = new DataView(bytes.buffer, bytes.byteOffset + from + at - 4, 4).getInt32(0);
    const compressed =
      (new DataView(bytes.buffer, bytes.byteOffset + from + batchStart + 21, 2).getInt16(0) & 7) !== 0;
    if (compressed) {
      out.push({
        path: `${p}.records (compressed)`,
        start: from + at,
        end: from + batchEnd,
        depth: depth + 1,
        type: 'bytes',
      });
    } else {
      for (let i = 0; i < count && r.offset < batchEnd; i++)
        out.push(...recordRanges(r, from, `${p}.record[${i}]`, depth + 1));
    }
    // Whatever the walk did, the next batch starts where the length says.
    if (r.offset < batchEnd) r.raw(batchEnd - r.offset);
    index++;
  }
  return out;
}

function recordRanges(r: Reader, from: number, p: string, depth: number): ByteRange[] {
  const out: ByteRange[] = [];
  const field = (name: string, type: string, read: () => void) => {
    const start = r.offset;
    read();
    out.push({ path: `${p}.${name}`, start: from + start, end: from + r.offset, depth: depth + 1, type });
  };
  const start = r.offset;
  let length = 0;
  const whole: ByteRange = { path: p, start: from + start, end: from + start, depth, type: 'record' };
  out.push(whole);
  field('length', 'varint', () => (length = r.varint()));
  const end = r.offset + length;
  field('attributes', 'int8', () => r.int8());
  field('timestampDelta', 'varlong', () => r.varint());
  field('offsetDelta', 'varint', () => r.varint());
  const varBytes = (name: string) =>
    field(name, 'varint length + bytes', () => {
      const n = r.varint();
      if (n > 0) r.raw(n);
    });
  varBytes('key');
  varBytes('value');
  let headers = 0;
  field('headerCount', 'varint', () => (headers = r.varint()));
  for (let h = 0; h < headers && r.offset < end; h++) {
    varBytes(`header[${h}].key`);
    varBytes(`header[${h}].value`);
  }
  if (r.offset < end) r.raw(end - r.offset);
  whole.end = from + r.offset;
  return out;
}
