/**
 * One line per event, for debugging and for diffing two runs:
 *
 *     000123  1042ms rpc.sent #57 broker-2 -> controller-1 Fetch (arrives 1046ms)
 *     000124  1046ms rpc.delivered #57 broker-2 -> controller-1 Fetch
 *     000130  2000ms broker.crashed node=broker-2
 *
 * The format is stable: two traces are identical exactly when their texts are.
 */
import type { EngineEvent } from '../types';

function value(v: unknown): string {
  if (typeof v === 'string') return /^[\w:.@/-]+$/.test(v) ? v : JSON.stringify(v);
  return JSON.stringify(v);
}

export function formatEvent(e: EngineEvent): string {
  const head = `${String(e.seq).padStart(6, '0')} ${String(e.atMs).padStart(6)}ms ${e.type}`;
  switch (e.type) {
    case 'rpc.sent': {
      const reply = e.inReplyTo !== undefined ? ` re #${e.inReplyTo}` : '';
      return `${head} #${e.id} ${e.from} -> ${e.to} ${e.kind}${reply} (arrives ${e.deliverAtMs}ms) ${JSON.stringify(e.body)}`;
    }
    case 'rpc.delivered':
      return `${head} #${e.id} ${e.from} -> ${e.to} ${e.kind}`;
    case 'rpc.dropped':
      return `${head} #${e.id} ${e.from} -> ${e.to} ${e.kind} (${e.reason})`;
    default: {
      const { seq: _seq, atMs: _atMs, type: _type, ...rest } = e;
      const fields = Object.entries(rest).map(([k, v]) => `${k}=${value(v)}`);
      return fields.length ? `${head} ${fields.join(' ')}` : head;
    }
  }
}

export function formatTrace(events: readonly EngineEvent[]): string {
  return events.map(formatEvent).join('\n');
}
