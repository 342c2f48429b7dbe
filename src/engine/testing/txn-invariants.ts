/**
 * Transaction invariants (reference §7.4), as pure functions over logs and received records so a
 * test can feed them tampered data:
 * - a read_committed consumer never receives a record of an aborted or still-open transaction;
 * - a read-process-write pipeline's committed outputs hold each input exactly once.
 */
import type { LogRecord } from '../types';

export type TxnOutcome = 'committed' | 'aborted' | 'open' | 'plain' | 'control';

/**
 * The fate of every record of a log, as a read_committed reader sees it: a transactional record
 * belongs to its producer's next control marker (COMMIT or ABORT) after it, or is still open.
 */
export function outcomes(log: readonly LogRecord[]): Map<number, TxnOutcome> {
  const out = new Map<number, TxnOutcome>();
  const open = new Map<number, number[]>(); // producer id -> offsets waiting for a marker
  for (const r of log) {
    if (r.control) {
      out.set(r.offset, 'control');
      const waiting = open.get(r.producerId ?? -1) ?? [];
      open.delete(r.producerId ?? -1);
      for (const o of waiting) out.set(o, r.control === 'COMMIT' ? 'committed' : 'aborted');
      continue;
    }
    if (!r.isTransactional) {
      out.set(r.offset, 'plain');
      continue;
    }
    out.set(r.offset, 'open');
    const list = open.get(r.producerId ?? -1);
    if (list) list.push(r.offset);
    else open.set(r.producerId ?? -1, [r.offset]);
  }
  return out;
}

/**
 * Every record a read_committed consumer received is, in `log` (a replica's log read at that
 * time or later), a plain or committed record with the same value. Returns the first violation.
 */
export function checkReadCommitted(
  consumer: string,
  received: readonly { topic: string; partition: number; offset: number; value: string | null }[],
  logOf: (topic: string, partition: number) => readonly LogRecord[] | null,
): string | null {
  const cache = new Map<string, { log: readonly LogRecord[]; fate: Map<number, TxnOutcome> }>();
  for (const r of received) {
    const key = `${r.topic}-${r.partition}`;
    let entry = cache.get(key);
    if (!entry) {
      const log = logOf(r.topic, r.partition);
      if (!log) continue;
      entry = { log, fate: outcomes(log) };
      cache.set(key, entry);
    }
    const fate = entry.fate.get(r.offset);
    const rec = entry.log.find((x) => x.offset === r.offset);
    if (fate === 'aborted' || fate === 'open' || fate === 'control')
      return `${consumer} (read_committed) received ${key}/${r.offset} "${r.value}", a record of ${fate === 'open' ? 'a still-open' : fate === 'aborted' ? 'an aborted' : 'a control'} transaction`;
    if (rec && rec.value !== r.value)
      return `${consumer} received ${key}/${r.offset} "${r.value}" but the log has "${rec.value}"`;
  }
  return null;
}

/**
 * Exactly once: the committed outputs (values `out:<input>`) name each input at most once, only
 * inputs that exist, and every input below the group's committed offset at least once.
 */
export function checkExactlyOnce(
  inputs: readonly { partition: number; offset: number; value: string | null }[],
  committedInputOffsets: Record<number, number>,
  outputLogs: readonly (readonly LogRecord[])[],
): string | null {
  const seen = new Map<string, number>();
  for (const log of outputLogs) {
    const fate = outcomes(log);
    for (const r of log) {
      const f = fate.get(r.offset);
      if (f !== 'committed' && f !== 'plain') continue;
      const v = r.value ?? '';
      seen.set(v, (seen.get(v) ?? 0) + 1);
    }
  }
  const known = new Set(inputs.map((i) => `out:${i.value}`));
  for (const [v, n] of seen) {
    if (n > 1) return `output ${v} was committed ${n} times`;
    if (!known.has(v)) return `output ${v} matches no input`;
  }
  for (const i of inputs) {
    if (i.offset < (committedInputOffsets[i.partition] ?? 0) && !seen.has(`out:${i.value}`))
      return `input in-${i.partition}/${i.offset} "${i.value}" is below the committed offset but has no committed output`;
  }
  return null;
}
