/**
 * The newest records of a replica's log, as the cluster diagram draws them (issue 16): each cell can
 * then say what it holds (key, a preview of the value, time) and whether it is a COMMIT or ABORT
 * marker or data of an aborted transaction, without reading the log store. Bounded: only the last
 * `LOG_TAIL_OFFSETS` offsets, values cut to `VALUE_PREVIEW_CHARS` (the Inspect tab reads them whole).
 */
import { recordOffset } from '../protocol/produce';
import type { RecordTailEntry } from '../types';
import type { PartitionLog } from './partition-log';

/** As many offsets as the diagram's widest replica slot shows. */
export const LOG_TAIL_OFFSETS = 24;
/** Enough of a value for a label (`{"type":"AccountBalanceChanged",…`) and a tooltip line. */
export const VALUE_PREVIEW_CHARS = 120;

function preview(value: string | null): string | null {
  if (value === null || value.length <= VALUE_PREVIEW_CHARS) return value;
  return `${value.slice(0, VALUE_PREVIEW_CHARS)}…`;
}

/** Records at offsets >= logEndOffset - count, oldest first. */
export function logTail(log: PartitionLog, count = LOG_TAIL_OFFSETS): RecordTailEntry[] {
  const from = Math.max(log.logStartOffset, log.logEndOffset - count);
  const out: RecordTailEntry[] = [];
  for (let bi = log.batches.length - 1; bi >= 0; bi--) {
    const b = log.batches[bi]!;
    let older = false;
    const aborted =
      b.isTransactional &&
      !b.isControl &&
      (log.abortedTxns ?? []).some(
        (a) => a.producerId === b.producerId && a.firstOffset <= b.baseOffset && b.baseOffset <= a.lastOffset,
      );
    for (let i = b.records.length - 1; i >= 0; i--) {
      const offset = recordOffset(b, i);
      if (offset < from) {
        older = true;
        break;
      }
      const r = b.records[i]!;
      const entry: RecordTailEntry = { offset, key: r.key, value: preview(r.value), timestamp: r.timestamp };
      if (b.controlType) entry.control = b.controlType;
      if (b.isTransactional && !b.isControl) entry.transactional = true;
      if (aborted) entry.aborted = true;
      out.push(entry);
    }
    if (older) break;
  }
  return out.reverse();
}
