/**
 * Byte reading and writing for Kafka's wire protocol: big-endian fixed-width integers, the
 * int16-length strings and int32-length bytes of non-flexible versions, and the zig-zag varints of
 * record batch v2. Pure: only DataView, TextEncoder and TextDecoder (in browsers and in Node).
 */

const utf8 = new TextEncoder();
const utf8Decoder = new TextDecoder();

/** Thrown for bytes that do not follow the protocol (the connection is then closed, as Kafka does). */
export class WireError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WireError';
  }
}

export function encodeUtf8(s: string): Uint8Array {
  return utf8.encode(s);
}

export function decodeUtf8(b: Uint8Array): string {
  return utf8Decoder.decode(b);
}

export class Reader {
  private readonly view: DataView;
  offset = 0;

  constructor(readonly bytes: Uint8Array) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  remaining(): number {
    return this.bytes.length - this.offset;
  }

  private need(n: number): number {
    if (n < 0 || this.offset + n > this.bytes.length) {
      throw new WireError(`truncated: needs ${n} more bytes at ${this.offset} of ${this.bytes.length}`);
    }
    const at = this.offset;
    this.offset += n;
    return at;
  }

  int8(): number {
    return this.view.getInt8(this.need(1));
  }
  int16(): number {
    return this.view.getInt16(this.need(2));
  }
  int32(): number {
    return this.view.getInt32(this.need(4));
  }
  uint32(): number {
    return this.view.getUint32(this.need(4));
  }
  /** Offsets, producer ids and timestamps stay far below 2^53, so a number holds them exactly. */
  int64(): number {
    return Number(this.view.getBigInt64(this.need(8)));
  }
  bool(): boolean {
    return this.int8() !== 0;
  }

  raw(n: number): Uint8Array {
    const at = this.need(n);
    return this.bytes.subarray(at, at + n);
  }

  nullableString(): string | null {
    const n = this.int16();
    if (n < 0) return null;
    return decodeUtf8(this.raw(n));
  }
  string(): string {
    const s = this.nullableString();
    if (s === null) throw new WireError('a null string where one is required');
    return s;
  }
  nullableBytes(): Uint8Array | null {
    const n = this.int32();
    if (n < 0) return null;
    return this.raw(n);
  }
  bytesField(): Uint8Array {
    return this.nullableBytes() ?? new Uint8Array(0);
  }
  /** An int32-counted array; -1 is null. */
  nullableArray<T>(item: (r: Reader) => T): T[] | null {
    const n = this.int32();
    if (n < 0) return null;
    if (n > this.remaining()) throw new WireError(`array of ${n} items in ${this.remaining()} bytes`);
    const out: T[] = [];
    for (let i = 0; i < n; i++) out.push(item(this));
    return out;
  }
  array<T>(item: (r: Reader) => T): T[] {
    return this.nullableArray(item) ?? [];
  }

  /** Unsigned LEB128 (at most 5 bytes for 32-bit values). */
  uvarint(): number {
    let result = 0;
    let shift = 0;
    for (;;) {
      const b = this.view.getUint8(this.need(1));
      result += (b & 0x7f) * 2 ** shift;
      if ((b & 0x80) === 0) return result;
      shift += 7;
      if (shift > 63) throw new WireError('varint too long');
    }
  }
  /** Zig-zag signed varint (varint and varlong alike, as long as the value fits 2^53). */
  varint(): number {
    const u = this.uvarint();
    return u % 2 === 0 ? u / 2 : -(u + 1) / 2;
  }
}

export class Writer {
  private buf = new Uint8Array(256);
  private view = new DataView(this.buf.buffer);
  length = 0;

  private last = 0;

  /** Reserve n bytes; the view is read after growing (so never a stale one). */
  private at(n: number): DataView {
    this.last = this.ensure(n);
    return this.view;
  }

  private ensure(n: number): number {
    if (this.length + n > this.buf.length) {
      let size = this.buf.length * 2;
      while (size < this.length + n) size *= 2;
      const next = new Uint8Array(size);
      next.set(this.buf.subarray(0, this.length));
      this.buf = next;
      this.view = new DataView(next.buffer);
    }
    const at = this.length;
    this.length += n;
    return at;
  }

  int8(v: number): this {
    this.at(1).setInt8(this.last, v);
    return this;
  }
  int16(v: number): this {
    this.at(2).setInt16(this.last, v);
    return this;
  }
  int32(v: number): this {
    this.at(4).setInt32(this.last, v);
    return this;
  }
  uint32(v: number): this {
    this.at(4).setUint32(this.last, v >>> 0);
    return this;
  }
  int64(v: number): this {
    this.at(8).setBigInt64(this.last, BigInt(Math.trunc(v)));
    return this;
  }
  bool(v: boolean): this {
    return this.int8(v ? 1 : 0);
  }
  raw(b: Uint8Array): this {
    const at = this.ensure(b.length); // first: ensure may replace this.buf
    this.buf.set(b, at);
    return this;
  }
  nullableString(s: string | null): this {
    if (s === null) return this.int16(-1);
    const b = encodeUtf8(s);
    return this.int16(b.length).raw(b);
  }
  string(s: string): this {
    return this.nullableString(s);
  }
  nullableBytes(b: Uint8Array | null): this {
    if (b === null) return this.int32(-1);
    return this.int32(b.length).raw(b);
  }
  nullableArray<T>(items: readonly T[] | null, item: (w: Writer, v: T) => void): this {
    if (items === null) return this.int32(-1);
    this.int32(items.length);
    for (const v of items) item(this, v);
    return this;
  }
  array<T>(items: readonly T[], item: (w: Writer, v: T) => void): this {
    return this.nullableArray(items, item);
  }
  uvarint(v: number): this {
    let n = v;
    while (n >= 0x80) {
      this.at(1).setUint8(this.last, (n % 0x80) | 0x80);
      n = Math.floor(n / 0x80);
    }
    this.at(1).setUint8(this.last, n);
    return this;
  }
  varint(v: number): this {
    return this.uvarint(v >= 0 ? v * 2 : -v * 2 - 1);
  }
  /** Overwrite an int32 written earlier (sizes and CRCs known only at the end). */
  patchInt32(at: number, v: number): void {
    this.view.setInt32(at, v);
  }
  patchUint32(at: number, v: number): void {
    this.view.setUint32(at, v >>> 0);
  }
  bytes(): Uint8Array {
    return this.buf.slice(0, this.length);
  }
  /** A view of bytes written so far (no copy). */
  view_(from: number, to = this.length): Uint8Array {
    return this.buf.subarray(from, to);
  }
}
