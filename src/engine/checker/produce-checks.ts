/**
 * The producer side of the checker: a send written twice (duplicates) and two sends with one key
 * acknowledged in the opposite order of their commands (reordering), each classified by the
 * producer's settings.
 */
import type { EventOf } from '../types';
import type { CheckerState } from './checker-state';
import { recordName, tpName } from './explain';
import type { Entry, TpLogs } from './replica-logs';
import { seconds, type Finding, type FindingStep } from './types';

/** The appends of a record's two copies, as a duplicate finding's first and last steps. */
export function appendSteps(y: Entry, x: Entry): [FindingStep, FindingStep] {
  return [
    { seq: y.appendSeq, atMs: y.appendAtMs, label: `broker-${y.broker} appended offset ${y.offset}` },
    { seq: x.appendSeq, atMs: x.appendAtMs, label: `broker-${x.broker} appended it again at ${x.offset}` },
  ];
}

/** What every duplicate finding says of where it is: the first copy `y`, the second `x`. */
export function duplicateAt(
  tp: TpLogs,
  y: Entry,
  x: Entry,
): Pick<
  Finding,
  'id' | 'kind' | 'topic' | 'partition' | 'offset' | 'otherOffsets' | 'producer' | 'consumer'
> {
  return {
    id: `duplicate:${tpName(tp)}:${y.offset}:${x.offset}`,
    kind: 'duplicate',
    topic: tp.topic,
    partition: tp.partition,
    offset: y.offset,
    otherOffsets: [x.offset],
    producer: x.producer,
    consumer: null,
  };
}

export function checkDuplicate(c: CheckerState, tp: TpLogs, x: Entry): void {
  // A retried batch is the same records with the same timestamps, in the same places.
  const identity = `${x.producer}\u0000${x.timestamp}\u0000${x.index}`;
  const y = tp.byIdentity.get(identity);
  tp.byIdentity.set(identity, x);
  if (!y || y === x || y.lost || tp.written[y.offset] !== y || y.key !== x.key || y.value !== x.value) return;
  {
    const config = c.producers.get(x.producer!);
    const newId = y.producerId !== x.producerId;
    const allowed = !config?.idempotent || newId;
    const retry = c.retries.get(`${x.producer}|${tp.topic}|${tp.partition}`);
    const [first, again] = appendSteps(y, x);
    const steps = [
      first,
      ...(retry && retry.seq > y.appendSeq ? [{ ...retry, label: `${x.producer} retried the batch` }] : []),
      again,
    ];
    c.add({
      ...duplicateAt(tp, y, x),
      verdict: allowed ? 'allowed' : 'violation',
      seq: x.appendSeq,
      atMs: x.appendAtMs,
      sentences: [
        `${x.producer}'s record ${recordName(x)} was written to ${tpName(tp)} at offset ${y.offset} (${seconds(y.appendAtMs)}) and again at offset ${x.offset} (${seconds(x.appendAtMs)}).`,
        retry && retry.seq > y.appendSeq
          ? `${x.producer} retried at ${seconds(retry.atMs)} because it never heard that the first copy was written.`
          : config
            ? `The same batch reached the leader twice.`
            : `It was produced a second time: a retry, or the same input processed again after a restart.`,
      ],
      // A producer the trace never created (a stream-processing application's own) has no settings
      // here: say so rather than guess its enable.idempotence.
      because: !config
        ? `${x.producer} is an application's own producer, outside the checker's view of producer settings: the broker cannot tell its second copy from a new record.`
        : !config.idempotent
          ? `${x.producer} has enable.idempotence=false: the broker cannot tell a retry from a new record.`
          : newId
            ? `${x.producer} got a new producer id between the copies, so the broker could not match the retry to the first copy.`
            : `An idempotent producer's retry carries the same producer id and sequence: the leader must answer it as a duplicate, not append it.`,
      steps,
    });
  }
}

export function checkOrder(
  c: CheckerState,
  tp: TpLogs,
  e: EventOf<'producer.acked'>,
  key: string,
  entry: Entry | undefined,
): void {
  const k = `${e.producer}\u0000${tpName(tp)}\u0000${key}`;
  const list = c.keyOrder.get(k) ?? [];
  c.keyOrder.set(k, list);
  let i = list.length;
  while (i > 0 && list[i - 1]!.commandId > e.commandId) i--;
  list.splice(i, 0, { commandId: e.commandId, offset: e.offset, entry, seq: e.seq, atMs: e.atMs });
  // Lost records are no longer in the log: compare with the nearest surviving neighbours.
  const alive = (j: number) => !list[j]!.entry?.lost;
  let b = i - 1;
  while (b >= 0 && !alive(b)) b--;
  let a = i + 1;
  while (a < list.length && !alive(a)) a++;
  const before = b >= 0 ? list[b] : undefined;
  const after = list[a];
  const clash = before && before.offset > e.offset ? before : after && after.offset < e.offset ? after : null;
  if (!clash) return;
  const config = c.producers.get(e.producer);
  const allowed = !!config && !config.idempotent && config.maxInFlight > 1 && config.retries > 0;
  const [first, second] = clash.commandId < e.commandId ? [clash, e] : [e, clash];
  const retry = c.retries.get(`${e.producer}|${tp.topic}|${tp.partition}`);
  c.add({
    id: `reorder:${tpName(tp)}:${first.offset}:${second.offset}`,
    kind: 'reorder',
    verdict: allowed ? 'allowed' : 'violation',
    topic: tp.topic,
    partition: tp.partition,
    offset: second.offset,
    otherOffsets: [first.offset],
    producer: e.producer,
    consumer: null,
    seq: e.seq,
    atMs: e.atMs,
    sentences: [
      `${e.producer} sent two records with key "${key}" to ${tpName(tp)}; the one sent first is at offset ${first.offset}, after the one sent second (offset ${second.offset}).`,
    ],
    because: allowed
      ? `Without idempotence, max.in.flight.requests.per.connection=${config!.maxInFlight} lets a retried batch land behind a later one.`
      : `The producer keeps records with the same key in order: idempotence (or one request in flight) orders retries.`,
    steps: [
      { seq: clash.seq, atMs: clash.atMs, label: `${e.producer} acknowledged offset ${clash.offset}` },
      ...(retry && retry.seq < e.seq ? [{ ...retry, label: `${e.producer} retried a batch` }] : []),
      { seq: e.seq, atMs: e.atMs, label: `${e.producer} acknowledged offset ${e.offset}` },
    ].sort((a, b) => a.seq - b.seq),
  });
}
