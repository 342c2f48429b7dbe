/**
 * The engine protocol's messages (protocol.ts) as WebSocket text, for a page attached to the local
 * gateway (gateway/viewers.ts). postMessage clones structured data; JSON does not carry bytes,
 * `undefined` in arrays or non-finite numbers, so those are tagged and restored. Parsing never
 * evaluates anything: JSON.parse plus a reviver that only rebuilds these three tagged shapes, and
 * the result is still checked by isWorkerMessage / isWorkerRequest before anyone acts on it.
 */

const BYTES = '$bytes';
const NUMBER = '$number';
const UNDEFINED = '$undefined';

function toBase64(bytes: Uint8Array): string {
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) {
    binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return btoa(binary);
}

function fromBase64(text: string): Uint8Array {
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

function replacer(this: unknown, _key: string, value: unknown): unknown {
  if (value instanceof Uint8Array) return { [BYTES]: toBase64(value) };
  if (typeof value === 'number' && !Number.isFinite(value)) return { [NUMBER]: String(value) };
  // Only array holes need a tag: an undefined object property is simply left out, as postMessage would keep it
  // but every reader treats a missing and an undefined field alike.
  if (value === undefined && Array.isArray(this)) return { [UNDEFINED]: true };
  return value;
}

function isTagged(value: unknown, tag: string): value is Record<string, unknown> {
  return (
    typeof value === 'object' &&
    value !== null &&
    !Array.isArray(value) &&
    Object.keys(value).length === 1 &&
    tag in value
  );
}

function reviver(_key: string, value: unknown): unknown {
  if (isTagged(value, BYTES) && typeof value[BYTES] === 'string') return fromBase64(value[BYTES]);
  if (isTagged(value, NUMBER)) {
    const n = value[NUMBER];
    if (n === 'NaN') return NaN;
    if (n === 'Infinity') return Infinity;
    if (n === '-Infinity') return -Infinity;
  }
  if (isTagged(value, UNDEFINED) && value[UNDEFINED] === true) return undefined;
  return value;
}

/** One protocol message as a WebSocket text frame. */
export function encodeGatewayMessage(message: unknown): string {
  return JSON.stringify(message, replacer);
}

/** A WebSocket text frame back to data (unknown: the caller checks it is a protocol message). */
export function decodeGatewayMessage(text: string): unknown {
  try {
    return JSON.parse(text, reviver) as unknown;
  } catch {
    return undefined;
  }
}
