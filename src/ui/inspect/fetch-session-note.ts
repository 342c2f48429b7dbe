/**
 * One sentence on a Fetch's incremental fetch session (KIP-227), for the message details: which
 * session and epoch it belongs to and how many partitions it carried. Read from the message body
 * the engine sent (the fields are plain data), so it says only what the engine did. Null for
 * messages without session fields (metadata fetches, sessionless clients, other kinds).
 */
interface SessionFields {
  sessionId?: unknown;
  sessionEpoch?: unknown;
  partitions?: unknown;
  forgottenPartitions?: unknown;
  error?: unknown;
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

export function fetchSessionNote(kind: string, body: unknown): string | null {
  if (kind !== 'Fetch' && kind !== 'FetchResponse') return null;
  if (typeof body !== 'object' || body === null) return null;
  const b = body as SessionFields;
  if (typeof b.sessionId !== 'number' || !Array.isArray(b.partitions)) return null;
  const id = b.sessionId;
  const n = b.partitions.length;
  if (kind === 'FetchResponse') {
    if (typeof b.error === 'string')
      return `Session error ${b.error}: no partitions; the fetcher starts again with a full fetch.`;
    if (id === 0) return `No fetch session: carries all ${plural(n, 'partition')} it was asked for.`;
    return `Session ${id}: carries ${plural(n, 'partition')} with news (records, a moved high watermark or log start, an error); the unchanged ones are left out.`;
  }
  const epoch = typeof b.sessionEpoch === 'number' ? b.sessionEpoch : 0;
  if (epoch === -1) return `Final fetch: closes fetch session ${id}; lists ${plural(n, 'partition')}.`;
  if (epoch === 0) {
    const opens =
      id === 0 ? 'asks the leader to open a fetch session' : `closes session ${id} and opens a new one`;
    return `Full fetch: lists all ${plural(n, 'partition')} and ${opens}.`;
  }
  const forgotten = Array.isArray(b.forgottenPartitions) ? b.forgottenPartitions.length : 0;
  const forgets = forgotten > 0 ? `, forgets ${forgotten}` : '';
  return `Incremental fetch, session ${id} epoch ${epoch}: lists ${plural(n, 'changed partition')}${forgets}; the leader remembers the rest.`;
}
