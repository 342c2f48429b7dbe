/**
 * Framing: every Kafka request and response is an int32 size followed by that many bytes. The
 * request header (v1: apiKey, apiVersion, correlationId, clientId) picks the API; the response
 * header (v0) is only the correlation id. Both directions are here: the server side is what the
 * gateway and the browser socket use, the client side is what the tests use.
 */
import { APIS, apiByKey, type ApiSpec } from './apis';
import { Reader, WireError, Writer } from './bytes';
import { decodeStruct, encodeStruct, type Struct } from './schema';

export interface RequestHeader {
  apiKey: number;
  apiVersion: number;
  correlationId: number;
  clientId: string | null;
}

export type DecodedRequest =
  | { header: RequestHeader; api: ApiSpec; body: Struct }
  /** An API or version not served: the caller answers (ApiVersions) or closes the connection. */
  | { header: RequestHeader; api: ApiSpec | undefined; body: null };

/** Splits a byte stream into whole frames (without their size prefix). */
export class FrameSplitter {
  private pending: Uint8Array = new Uint8Array(0);

  constructor(private readonly maxFrameBytes = 100 * 1024 * 1024) {}

  push(chunk: Uint8Array): Uint8Array[] {
    const joined = new Uint8Array(this.pending.length + chunk.length);
    joined.set(this.pending);
    joined.set(chunk, this.pending.length);
    const frames: Uint8Array[] = [];
    let at = 0;
    while (joined.length - at >= 4) {
      const size = new DataView(joined.buffer, joined.byteOffset + at, 4).getInt32(0);
      if (size < 0 || size > this.maxFrameBytes) throw new WireError(`frame size ${size} is out of range`);
      if (joined.length - at - 4 < size) break;
      frames.push(joined.slice(at + 4, at + 4 + size));
      at += 4 + size;
    }
    this.pending = joined.slice(at);
    return frames;
  }
}

export function isServed(api: ApiSpec | undefined, version: number): api is ApiSpec {
  return api !== undefined && version >= api.served.min && version <= api.served.max;
}

export function decodeRequest(frame: Uint8Array): DecodedRequest {
  const r = new Reader(frame);
  const header: RequestHeader = {
    apiKey: r.int16(),
    apiVersion: r.int16(),
    correlationId: r.int32(),
    clientId: r.nullableString(),
  };
  const api = apiByKey(header.apiKey);
  if (!isServed(api, header.apiVersion)) return { header, api, body: null };
  const body = decodeStruct(r, api.request, header.apiVersion);
  if (r.remaining() !== 0)
    throw new WireError(`${api.name} v${header.apiVersion}: ${r.remaining()} bytes left over`);
  return { header, api, body };
}

function sized(w: Writer): Uint8Array {
  const body = w.bytes();
  const out = new Writer();
  out.int32(body.length).raw(body);
  return out.bytes();
}

export function encodeResponse(
  correlationId: number,
  api: ApiSpec,
  version: number,
  body: Struct,
): Uint8Array {
  const w = new Writer();
  w.int32(correlationId);
  encodeStruct(w, api.response, version, body);
  return sized(w);
}

/** What ApiVersions answers: exactly the versions served. */
export function apiVersionsBody(errorCode = 0): Struct {
  return {
    errorCode,
    apiKeys: APIS.map((a) => ({ apiKey: a.key, minVersion: a.served.min, maxVersion: a.served.max })),
    throttleTimeMs: 0,
  };
}

/**
 * The answer to an ApiVersions request of a version not served (a newer client's first request):
 * a v0 response with UNSUPPORTED_VERSION and our versions, so the client retries with one we serve.
 */
export function unsupportedApiVersionsResponse(correlationId: number): Uint8Array {
  return encodeResponse(correlationId, apiByKey(18)!, 0, apiVersionsBody(35));
}

// ----- the client direction (tests and tools) -----

export function encodeRequest(header: RequestHeader, body: Struct): Uint8Array {
  const api = apiByKey(header.apiKey);
  if (!api) throw new WireError(`unknown API key ${header.apiKey}`);
  const w = new Writer();
  w.int16(header.apiKey).int16(header.apiVersion).int32(header.correlationId).nullableString(header.clientId);
  encodeStruct(w, api.request, header.apiVersion, body);
  return sized(w);
}

export function decodeResponse(
  api: ApiSpec,
  version: number,
  frame: Uint8Array,
): { correlationId: number; body: Struct } {
  const r = new Reader(frame);
  const correlationId = r.int32();
  const body = decodeStruct(r, api.response, version);
  if (r.remaining() !== 0)
    throw new WireError(`${api.name} v${version} response: ${r.remaining()} bytes left over`);
  return { correlationId, body };
}
