/**
 * Node's `Buffer`, as much of it as KafkaJS 2.2.4 uses (its encoder, decoder, record batches,
 * partitioners) and a learner's `message.value.toString()` needs, for the Code tool's worker,
 * where there is no Node. A Uint8Array subclass: `slice` shares memory, as Node's does.
 */
const encoder = new TextEncoder();
const decoder = new TextDecoder();

type Encoding = 'utf8' | 'utf-8' | 'hex' | 'base64' | 'ascii' | 'latin1' | 'binary';

function bytesOf(text: string, encoding: Encoding = 'utf8'): Uint8Array {
  switch (encoding) {
    case 'hex': {
      const out = new Uint8Array(Math.floor(text.length / 2));
      for (let i = 0; i < out.length; i++) out[i] = Number.parseInt(text.slice(2 * i, 2 * i + 2), 16);
      return out;
    }
    case 'base64':
      return Uint8Array.from(atob(text), (c) => c.charCodeAt(0));
    case 'ascii':
    case 'latin1':
    case 'binary':
      return Uint8Array.from(text, (c) => c.charCodeAt(0) & 0xff);
    default:
      return encoder.encode(text);
  }
}

export class NodeBuffer extends Uint8Array {
  static override from(value: unknown, encodingOrOffset?: unknown, length?: number): NodeBuffer {
    if (typeof value === 'string') return NodeBuffer.wrap(bytesOf(value, encodingOrOffset as Encoding));
    if (value instanceof ArrayBuffer)
      return new NodeBuffer(value, (encodingOrOffset as number | undefined) ?? 0, length);
    if (ArrayBuffer.isView(value))
      return NodeBuffer.wrap(new Uint8Array(value.buffer, value.byteOffset, value.byteLength).slice());
    if (Array.isArray(value)) return NodeBuffer.wrap(Uint8Array.from(value as number[]));
    if (value && typeof value === 'object' && 'data' in value && Array.isArray(value.data))
      return NodeBuffer.wrap(Uint8Array.from(value.data as number[])); // toJSON's shape
    throw new TypeError('Buffer.from: unsupported value');
  }

  static alloc(size: number, fill = 0): NodeBuffer {
    const b = new NodeBuffer(size);
    if (fill !== 0) b.fill(fill);
    return b;
  }

  static allocUnsafe(size: number): NodeBuffer {
    return new NodeBuffer(size);
  }

  static isBuffer(value: unknown): value is NodeBuffer {
    return value instanceof NodeBuffer;
  }

  static byteLength(value: string | ArrayBufferView | ArrayBuffer, encoding?: Encoding): number {
    if (typeof value === 'string') return bytesOf(value, encoding).length;
    return value.byteLength;
  }

  static concat(list: readonly Uint8Array[], total?: number): NodeBuffer {
    const size = total ?? list.reduce((n, b) => n + b.length, 0);
    const out = new NodeBuffer(size);
    let at = 0;
    for (const b of list) {
      if (at >= size) break;
      out.set(b.subarray(0, size - at), at);
      at += Math.min(b.length, size - at);
    }
    return out;
  }

  static compare(a: Uint8Array, b: Uint8Array): number {
    for (let i = 0; i < Math.min(a.length, b.length); i++) if (a[i] !== b[i]) return a[i]! < b[i]! ? -1 : 1;
    return Math.sign(a.length - b.length);
  }

  private static wrap(bytes: Uint8Array): NodeBuffer {
    return new NodeBuffer(bytes.buffer as ArrayBuffer, bytes.byteOffset, bytes.byteLength);
  }

  private view(): DataView {
    return new DataView(this.buffer, this.byteOffset, this.byteLength);
  }

  /** Node's slice is a view, not a copy. */
  override slice(start?: number, end?: number): NodeBuffer {
    return this.subarray(start, end) as NodeBuffer;
  }

  override toString(encoding: Encoding = 'utf8', start = 0, end = this.length): string {
    const bytes = this.subarray(start, end);
    switch (encoding) {
      case 'hex':
        return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
      case 'base64':
        return btoa(Array.from(bytes, (b) => String.fromCharCode(b)).join(''));
      case 'ascii':
      case 'latin1':
      case 'binary':
        return Array.from(bytes, (b) => String.fromCharCode(b)).join('');
      default:
        return decoder.decode(bytes);
    }
  }

  toJSON(): { type: 'Buffer'; data: number[] } {
    return { type: 'Buffer', data: Array.from(this) };
  }

  equals(other: Uint8Array): boolean {
    return NodeBuffer.compare(this, other) === 0;
  }

  compare(other: Uint8Array): number {
    return NodeBuffer.compare(this, other);
  }

  write(text: string, offset = 0, length?: number, encoding: Encoding = 'utf8'): number {
    const bytes = bytesOf(text, encoding);
    const n = Math.min(bytes.length, length ?? bytes.length, this.length - offset);
    this.set(bytes.subarray(0, n), offset);
    return n;
  }

  copy(target: Uint8Array, targetStart = 0, sourceStart = 0, sourceEnd = this.length): number {
    const part = this.subarray(sourceStart, Math.min(sourceEnd, sourceStart + target.length - targetStart));
    target.set(part, targetStart);
    return part.length;
  }

  readInt8(at = 0): number {
    return this.view().getInt8(at);
  }
  readUInt8(at = 0): number {
    return this.view().getUint8(at);
  }
  readInt16BE(at = 0): number {
    return this.view().getInt16(at);
  }
  readUInt16BE(at = 0): number {
    return this.view().getUint16(at);
  }
  readInt32BE(at = 0): number {
    return this.view().getInt32(at);
  }
  readUInt32BE(at = 0): number {
    return this.view().getUint32(at);
  }
  readBigInt64BE(at = 0): bigint {
    return this.view().getBigInt64(at);
  }
  readDoubleBE(at = 0): number {
    return this.view().getFloat64(at);
  }
  readFloatBE(at = 0): number {
    return this.view().getFloat32(at);
  }
  writeInt8(value: number, at = 0): number {
    this.view().setInt8(at, value);
    return at + 1;
  }
  writeUInt8(value: number, at = 0): number {
    this.view().setUint8(at, value);
    return at + 1;
  }
  writeInt16BE(value: number, at = 0): number {
    this.view().setInt16(at, value);
    return at + 2;
  }
  writeUInt16BE(value: number, at = 0): number {
    this.view().setUint16(at, value);
    return at + 2;
  }
  writeInt32BE(value: number, at = 0): number {
    this.view().setInt32(at, value);
    return at + 4;
  }
  writeUInt32BE(value: number, at = 0): number {
    this.view().setUint32(at, value);
    return at + 4;
  }
  writeBigInt64BE(value: bigint, at = 0): number {
    this.view().setBigInt64(at, value);
    return at + 8;
  }
  writeDoubleBE(value: number, at = 0): number {
    this.view().setFloat64(at, value);
    return at + 8;
  }
  writeFloatBE(value: number, at = 0): number {
    this.view().setFloat32(at, value);
    return at + 4;
  }
}
