/**
 * A small description language for the non-flexible message versions, written from the field
 * lists of Kafka's message JSON (clients/src/main/resources/common/message): each field has a type
 * and the versions it exists in. One generic encoder and decoder walk a schema, so every API is
 * encoded and decoded by the same few lines, in both directions.
 */
import { Reader, WireError, type Writer } from './bytes';

export type Prim = 'int8' | 'int16' | 'int32' | 'int64' | 'bool' | 'string' | 'nstring' | 'bytes' | 'nbytes';

export interface ArrayType {
  array: Prim | Field[];
  /** Versions in which the array may be null (-1 count). */
  nullableFrom?: number;
}

export type FieldType = Prim | ArrayType;

export interface Field {
  name: string;
  type: FieldType;
  /** First and last version the field exists in (inclusive). */
  min: number;
  max: number;
  /** Value when the version lacks the field (else a zero of its type). */
  def?: unknown;
}

/** `f('Name', 'int32', 1)` exists from v1 on; `f('X', 'int64', 1, 1)` only in v1. */
export function f(
  name: string,
  type: FieldType,
  min = 0,
  max = Number.MAX_SAFE_INTEGER,
  def?: unknown,
): Field {
  return def === undefined ? { name, type, min, max } : { name, type, min, max, def };
}

export function arr(items: Prim | Field[], nullableFrom?: number): ArrayType {
  return nullableFrom === undefined ? { array: items } : { array: items, nullableFrom };
}

export type Struct = Record<string, unknown>;

export function zeroOf(t: FieldType): unknown {
  if (typeof t !== 'string') return [];
  switch (t) {
    case 'bool':
      return false;
    case 'string':
      return '';
    case 'nstring':
    case 'nbytes':
      return null;
    case 'bytes':
      return new Uint8Array(0);
    default:
      return 0;
  }
}

function present(field: Field, version: number): boolean {
  return version >= field.min && version <= field.max;
}

function readPrim(r: Reader, t: Prim): unknown {
  switch (t) {
    case 'int8':
      return r.int8();
    case 'int16':
      return r.int16();
    case 'int32':
      return r.int32();
    case 'int64':
      return r.int64();
    case 'bool':
      return r.bool();
    case 'string':
      return r.string();
    case 'nstring':
      return r.nullableString();
    case 'bytes':
      return r.bytesField();
    case 'nbytes':
      return r.nullableBytes();
  }
}

function writePrim(w: Writer, t: Prim, v: unknown): void {
  switch (t) {
    case 'int8':
      w.int8(v as number);
      return;
    case 'int16':
      w.int16(v as number);
      return;
    case 'int32':
      w.int32(v as number);
      return;
    case 'int64':
      w.int64(v as number);
      return;
    case 'bool':
      w.bool(v as boolean);
      return;
    case 'string':
      w.string(v as string);
      return;
    case 'nstring':
      w.nullableString(v as string | null);
      return;
    case 'bytes':
      w.nullableBytes(v as Uint8Array);
      return;
    case 'nbytes':
      w.nullableBytes(v as Uint8Array | null);
      return;
  }
}

export function decodeStruct(r: Reader, fields: readonly Field[], version: number): Struct {
  const out: Struct = {};
  for (const field of fields) {
    if (!present(field, version)) {
      out[field.name] = field.def ?? zeroOf(field.type);
      continue;
    }
    const t = field.type;
    if (typeof t === 'string') {
      out[field.name] = readPrim(r, t);
      continue;
    }
    const items = t.array;
    const item =
      typeof items === 'string'
        ? (x: Reader) => readPrim(x, items)
        : (x: Reader) => decodeStruct(x, items, version);
    const value = r.nullableArray(item);
    if (value === null && (t.nullableFrom === undefined || version < t.nullableFrom)) {
      throw new WireError(`${field.name} is null in a version where it may not be`);
    }
    out[field.name] = value;
  }
  return out;
}

/**
 * One field's bytes in an encoded message: `path` names it the way the protocol inspector shows it
 * (`topics[0].partitions[1].records`), `depth` is how deeply it is nested (0: a top-level field).
 * An array's own range covers its int32 count and every item; its items have ranges of their own.
 */
export interface ByteRange {
  path: string;
  start: number;
  end: number;
  depth: number;
  type: string;
}

/** Where the encoder records each field's byte range (only when the inspector asks for them). */
export interface RangeSink {
  ranges: ByteRange[];
  prefix: string;
  depth: number;
}

export function encodeStruct(
  w: Writer,
  fields: readonly Field[],
  version: number,
  value: Struct,
  sink?: RangeSink,
): void {
  for (const field of fields) {
    if (!present(field, version)) continue;
    // Only a missing field takes the default: null is a value (a null array, a null string).
    const given = value[field.name];
    const v = given !== undefined ? given : field.def !== undefined ? field.def : zeroOf(field.type);
    const t = field.type;
    const start = w.length;
    const path = sink ? `${sink.prefix}${field.name}` : '';
    const record = (type: string) => {
      if (sink) sink.ranges.push({ path, start, end: w.length, depth: sink.depth, type });
    };
    if (typeof t === 'string') {
      writePrim(w, t, v);
      record(t);
      continue;
    }
    const items = t.array;
    const list = v as unknown[] | null;
    if (list === null && (t.nullableFrom === undefined || version < t.nullableFrom)) {
      throw new WireError(`${field.name} may not be null in v${version}`);
    }
    // The array's range is recorded before its items', so a reader meets the outer range first.
    const at = sink
      ? sink.ranges.push({ path, start, end: start, depth: sink.depth, type: 'array' }) - 1
      : -1;
    let index = 0;
    w.nullableArray(list, (x, item) => {
      const inner = sink && { ranges: sink.ranges, prefix: `${path}[${index}].`, depth: sink.depth + 1 };
      if (typeof items === 'string') {
        const from = x.length;
        writePrim(x, items, item);
        inner?.ranges.push({
          path: `${path}[${index}]`,
          start: from,
          end: x.length,
          depth: inner.depth,
          type: items,
        });
      } else encodeStruct(x, items, version, item as Struct, inner);
      index++;
    });
    if (sink) sink.ranges[at]!.end = w.length;
  }
}

/** A value as a version carries it: absent fields set to their defaults (for round-trip tests). */
export function normalize(fields: readonly Field[], version: number, value: Struct): Struct {
  const out: Struct = {};
  for (const field of fields) {
    if (!present(field, version)) {
      out[field.name] = field.def ?? zeroOf(field.type);
      continue;
    }
    const v = value[field.name];
    const t = field.type;
    if (typeof t !== 'string' && typeof t.array !== 'string' && Array.isArray(v)) {
      const items = t.array;
      out[field.name] = v.map((x) => normalize(items, version, x as Struct));
    } else out[field.name] = v;
  }
  return out;
}
