/**
 * Scenarios in and out of links and files.
 *
 * A link carries `#scenario=<code>` (the hash never reaches a server; `?scenario=` is read too).
 * The code is `z1.` + base64url(deflate-raw(JSON)) where CompressionStream exists, else
 * `j1.` + base64url(JSON); a busy session's command log compresses ~10×. A file is the JSON,
 * pretty-printed. Decoding checks sizes before and after decompression, then the schema.
 */
import { parseScenario, SCENARIO_LIMITS, type ParsedScenario, type Scenario } from './scenario';

const DEFLATED = 'z1.';
const PLAIN = 'j1.';

export function scenarioToJson(scenario: Scenario): string {
  return JSON.stringify(scenario, null, 2);
}

/** A scenario file's text (its size already checked by the caller against `fileBytes`). */
export function scenarioFromJson(text: string, what = 'This file'): ParsedScenario {
  if (new TextEncoder().encode(text).length > SCENARIO_LIMITS.jsonBytes) {
    return { ok: false, message: `${what} is too large to be a StreamLab scenario.` };
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    return {
      ok: false,
      message: `${what} is not valid JSON (${e instanceof Error ? e.message : String(e)}).`,
    };
  }
  const parsed = parseScenario(data);
  return parsed.ok
    ? parsed
    : { ok: false, message: `${what} is not a StreamLab scenario: ${parsed.message}` };
}

export async function encodeScenarioForLink(scenario: Scenario): Promise<string> {
  const bytes = new TextEncoder().encode(JSON.stringify(scenario));
  if (typeof CompressionStream === 'undefined') return PLAIN + toBase64Url(bytes);
  return DEFLATED + toBase64Url(await pipeThrough(bytes, new CompressionStream('deflate-raw')));
}

export async function decodeScenarioFromLink(code: string): Promise<ParsedScenario> {
  const what = 'This link’s scenario';
  if (code.length > SCENARIO_LIMITS.linkChars) {
    return {
      ok: false,
      message: `${what} is too long (${code.length} characters; the limit is ${SCENARIO_LIMITS.linkChars}).`,
    };
  }
  const prefix = code.slice(0, 3);
  if (prefix !== DEFLATED && prefix !== PLAIN) {
    return { ok: false, message: `${what} is not in a format StreamLab knows.` };
  }
  const bytes = fromBase64Url(code.slice(3));
  if (!bytes) return { ok: false, message: `${what} is damaged (it is not valid base64url).` };
  let json: Uint8Array<ArrayBuffer>;
  if (prefix === PLAIN) {
    json = bytes;
  } else {
    if (typeof DecompressionStream === 'undefined') {
      return { ok: false, message: `${what} is compressed, and this browser cannot decompress it.` };
    }
    try {
      json = await pipeThrough(bytes, new DecompressionStream('deflate-raw'), SCENARIO_LIMITS.jsonBytes);
    } catch (e) {
      return {
        ok: false,
        message:
          e instanceof TooLarge
            ? `${what} is too large.`
            : `${what} is damaged (it could not be decompressed).`,
      };
    }
  }
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(json);
  } catch {
    return { ok: false, message: `${what} is damaged (it is not text).` };
  }
  return scenarioFromJson(text, what);
}

/** The scenario code in a location's hash (`#scenario=`) or query (`?scenario=`), if any. */
export function scenarioCodeIn(location: { search: string; hash: string }): string | undefined {
  const hash = new URLSearchParams(location.hash.replace(/^#/, ''));
  return hash.get('scenario') ?? new URLSearchParams(location.search).get('scenario') ?? undefined;
}

export class TooLarge extends Error {}

/** Run bytes through a (de)compression stream, refusing output beyond `maxBytes`. */
export async function pipeThrough(
  bytes: Uint8Array<ArrayBuffer>,
  transform: ReadableWritablePair<Uint8Array<ArrayBuffer>, BufferSource>,
  maxBytes = Number.POSITIVE_INFINITY,
): Promise<Uint8Array<ArrayBuffer>> {
  const reader = new Blob([bytes]).stream().pipeThrough(transform).getReader();
  const chunks: Uint8Array<ArrayBuffer>[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.length;
    if (size > maxBytes) {
      await reader.cancel();
      throw new TooLarge();
    }
    chunks.push(value);
  }
  const out = new Uint8Array(size);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

export function toBase64Url(bytes: Uint8Array): string {
  let binary = '';
  const CHUNK = 0x8000; // String.fromCharCode takes arguments: keep each call small
  for (let i = 0; i < bytes.length; i += CHUNK)
    binary += String.fromCharCode(...bytes.subarray(i, i + CHUNK));
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

export function fromBase64Url(text: string): Uint8Array<ArrayBuffer> | undefined {
  if (!/^[A-Za-z0-9_-]*$/.test(text) || text.length % 4 === 1) return undefined;
  const base64 = text.replace(/-/g, '+').replace(/_/g, '/') + '='.repeat((4 - (text.length % 4)) % 4);
  try {
    const binary = atob(base64);
    const out = new Uint8Array(binary.length);
    for (let i = 0; i < binary.length; i++) out[i] = binary.charCodeAt(i);
    return out;
  } catch {
    return undefined;
  }
}
