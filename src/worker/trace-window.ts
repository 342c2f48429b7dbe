/**
 * Windows of the trace for the space-time diagram, and one RPC with its answer for the protocol
 * inspector. The trace is in time order; a resumed session's older part may still be holes
 * (filled by the backfill), which always come first.
 */
import type { EngineEvent } from '../engine';
import { wireImagesOf, type WireImages } from '../wire/engine-image';

/** The trace as read here: an array, or the timeline's reader (paged-out events read back). */
type Trace = { readonly length: number; at(i: number): EngineEvent | undefined };

/** Index of the first event at or after `atMs` (holes count as before everything). */
export function firstAtOrAfter(trace: Trace, atMs: number): number {
  let lo = 0;
  let hi = trace.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    const e = trace.at(mid);
    if (!e || e.atMs < atMs) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Events with fromMs ≤ atMs ≤ toMs, RPC bodies left out (they can be large: Fetch batches). */
export function traceWindow(
  trace: Trace,
  fromMs: number,
  toMs: number,
  maxEvents: number,
): { events: EngineEvent[]; truncated: boolean } {
  const events: EngineEvent[] = [];
  const cap = Math.max(0, Math.min(maxEvents, 200_000));
  for (let i = firstAtOrAfter(trace, fromMs); i < trace.length; i++) {
    const e = trace.at(i);
    if (!e) continue;
    if (e.atMs > toMs) break;
    if (events.length >= cap) return { events, truncated: true };
    events.push(e.type === 'rpc.sent' ? { ...e, body: null } : e);
  }
  return { events, truncated: false };
}

/** The request `id`, its response (the message sent `inReplyTo` it) and how each ended. */
export function rpcDetail(trace: Trace, id: number) {
  let request: EngineEvent | null = null;
  let response: EngineEvent | null = null;
  let requestEnd: EngineEvent | null = null;
  let responseEnd: EngineEvent | null = null;
  let start = trace.length;
  for (let i = trace.length - 1; i >= 0; i--) {
    const e = trace.at(i);
    if (e?.type === 'rpc.sent' && e.id === id) {
      request = e;
      start = i;
      break;
    }
  }
  if (!request || request.type !== 'rpc.sent')
    return { request, response, requestEnd, responseEnd, wire: null };
  let responseId = -1;
  for (let i = start + 1; i < trace.length; i++) {
    const e = trace.at(i);
    if (!e || (e.type !== 'rpc.sent' && e.type !== 'rpc.delivered' && e.type !== 'rpc.dropped')) continue;
    if (e.type !== 'rpc.sent' && e.id === id) requestEnd = e;
    else if (e.type === 'rpc.sent' && e.inReplyTo === id && !response) {
      response = e;
      responseId = e.id;
    } else if (e.type !== 'rpc.sent' && e.id === responseId) {
      responseEnd = e;
      break;
    }
    // A request is answered within its request timeout; stop looking well past that.
    if (e.atMs > request.atMs + 120_000) break;
  }
  return { request, response, requestEnd, responseEnd, wire: imagesOf(request, response) };
}

/** The bytes of both messages; a body the codec cannot write is a note, never a failed reply. */
function imagesOf(request: EngineEvent, response: EngineEvent | null): WireImages | null {
  if (request.type !== 'rpc.sent') return null;
  try {
    return wireImagesOf(request, response?.type === 'rpc.sent' ? response : null);
  } catch (e) {
    return { request: null, response: null, note: `The bytes could not be written: ${String(e)}` };
  }
}
