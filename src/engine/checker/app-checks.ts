/**
 * Duplicates in a Kafka Streams application's output, judged by its processing.guarantee as Kafka
 * does:
 * - at_least_once: output is sent before the input offsets are committed, so an instance that
 *   crashes in between has its input processed again from the last committed offset, and the
 *   output written twice. Allowed.
 * - exactly_once_v2: output, state and input offsets commit in one transaction. A copy in an
 *   aborted transaction is not a duplicate (read_committed readers skip it; a read_uncommitted
 *   reader seeing it is the aborted-read finding, allowed). Two copies that are both visible to a
 *   read_committed reader (committed, or written outside a transaction) are a violation. While a
 *   copy's transaction is open the pair waits, and is judged at its COMMIT or ABORT marker.
 * An application's output is identified by what reprocessing reproduces: the same key, value and
 * timestamp (a Streams output keeps its input's time) in the same partition. Its batching may
 * differ on the second run, so the record's place in its batch is not part of it. Reprocessing
 * follows a crash, a rebalance or a corrupted task: equal records with none of these between them
 * are outputs of equal inputs, not a duplicate.
 */
import type { CheckerState } from './checker-state';
import { recordName, tpName } from './explain';
import { appendSteps, duplicateAt } from './produce-checks';
import type { Entry, TpLogs } from './replica-logs';
import { appName, crashWords, fromWords, instanceOf, type AppCrash, type AppRef } from './streams-apps';
import { seconds, type FindingStep } from './types';

/** Visible to a read_committed reader once its transaction (if any) is decided. */
const visible = (x: Entry) => x.txn === 'none' || x.txn === 'committed';

export function checkAppDuplicate(c: CheckerState, tp: TpLogs, x: Entry, app: AppRef): void {
  const identity = `app\u0000${app.app}\u0000${x.timestamp}\u0000${x.key}\u0000${x.value}`;
  const y = tp.byIdentity.get(identity);
  tp.byIdentity.set(identity, x);
  if (!y || y === x || y.lost || tp.written[y.offset] !== y) return;
  // Equal inputs sent in one millisecond give equal outputs: a copy is a reprocessed one only if
  // the application crashed, rebalanced or rebuilt a task since the first was written.
  if (c.apps.lastDisruptionSeq(app.app) < y.appendSeq) return;
  if (app.guarantee !== 'exactly_once_v2') return reportAppDuplicate(c, tp, y, x, app);
  if (x.txn === 'aborted' || y.txn === 'aborted') return;
  if (visible(x) && visible(y)) return reportAppDuplicate(c, tp, y, x, app);
  // A transaction is still open: judge the pair at its marker.
  x.twin = y;
  y.twin = x;
}

/** A marker decided `r`'s transaction: if its twin is visible too, a read_committed reader sees both. */
export function settleTwin(c: CheckerState, tp: TpLogs, r: Entry, marker: { seq: number; atMs: number }) {
  const t = r.twin;
  if (!t) return;
  if (r.txn === 'aborted' || t.txn === 'aborted') {
    r.twin = undefined;
    t.twin = undefined;
    return;
  }
  if (!visible(r) || !visible(t) || t.lost || r.lost) return;
  r.twin = undefined;
  t.twin = undefined;
  const app = c.apps.appOf(r.producer);
  if (!app) return;
  const [first, second] = t.offset < r.offset ? [t, r] : [r, t];
  reportAppDuplicate(c, tp, first, second, app, marker);
}

function reportAppDuplicate(
  c: CheckerState,
  tp: TpLogs,
  y: Entry,
  x: Entry,
  app: AppRef,
  marker?: { seq: number; atMs: number },
): void {
  const eos = app.guarantee === 'exactly_once_v2';
  const name = tpName(tp);
  const crash = c.apps.crashBetween(app.app, y.appendSeq, x.appendSeq);
  const by = (e: Entry) => (e.producer ? `, by instance ${instanceOf(e.producer)}` : '');
  const [first, again] = appendSteps(y, x);
  const steps: FindingStep[] = [first];
  if (crash) {
    steps.push({ seq: crash.seq, atMs: crash.atMs, label: `instance ${crash.instance} crashed` });
    if (crash.restart && crash.restart.seq < x.appendSeq)
      steps.push({ ...crash.restart, label: `instance ${crash.instance} restarted` });
  }
  steps.push(again);
  if (marker) steps.push({ ...marker, label: `the second copy's transaction committed` });
  const record = recordName(x);
  const reprocessed = crash
    ? `${crashWords(crash)} before committing the input it had processed${crash.restart ? ` (it restarted at ${seconds(crash.restart.atMs)})` : ''}; its tasks then reprocessed their input ${fromWords(crash)}`
    : `its tasks processed the same input again (they moved or restarted before their input offsets were committed)`;
  const last = steps.at(-1)!;
  c.add({
    ...duplicateAt(tp, y, x),
    verdict: eos ? 'violation' : 'allowed',
    seq: last.seq,
    atMs: last.atMs,
    sentences: [
      `${appName(app)} wrote its output ${record} to ${name} at offset ${y.offset} (${seconds(y.appendAtMs)}${by(y)}) and again at offset ${x.offset} (${seconds(x.appendAtMs)}${by(x)}).`,
      eos
        ? `Both copies are ${y.txn === 'none' || x.txn === 'none' ? 'visible (one was written outside any transaction)' : 'in committed transactions'}: a read_committed consumer of ${tp.topic} reads ${record} twice.`
        : `${capital(reprocessed)}, so ${record} was written twice.`,
    ],
    because: eos
      ? `${app.app} runs with processing.guarantee=exactly_once_v2: its output, its state and its input offsets commit in one transaction, so a read_committed consumer must see each result exactly once${crash ? `, even after ${crashWords(crash)}` : ''}. Seeing it twice breaks that promise.`
      : app.guarantee === 'at_least_once'
        ? `${app.app} runs with processing.guarantee=at_least_once: it sends output before it commits the input offsets, so input processed again after a crash is written again. Kafka promises only that no output is lost, not that none is duplicated.`
        : `${app.app} is a Streams application whose processing.guarantee the trace does not record: under at_least_once reprocessing after a crash writes output twice.`,
    steps: steps.sort((a, b) => a.seq - b.seq),
  });
}

const capital = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

/**
 * Why a read_uncommitted reader of an exactly-once application's output may see aborted records:
 * Kafka's promise is for read_committed readers. Null when the record is not such output.
 */
export function eosAbortedRead(
  c: CheckerState,
  x: Entry,
  consumer: string,
  atSeq: number,
): { because: string; crash: AppCrash | undefined } | null {
  const app = c.apps.appOf(x.producer);
  if (!app || app.guarantee !== 'exactly_once_v2') return null;
  const crash = c.apps.crashBetween(app.app, x.appendSeq, atSeq);
  return {
    because: `${app.app} runs with processing.guarantee=exactly_once_v2, and Kafka promises exactly-once only to read_committed readers: they skip this aborted transaction${crash ? ` (${crashWords(crash)} before committing it)` : ''}. ${consumer} uses isolation.level=read_uncommitted, so it reads every record, aborted or not.`,
    crash,
  };
}

/** "p1's transaction", or "the transaction of app shop's instance a" for a Streams instance. */
export function transactionOf(c: CheckerState, writer: string | null): string {
  const app = c.apps.appOf(writer);
  return app
    ? `the transaction of app ${app.app}'s instance ${instanceOf(writer!)}`
    : `${writer ?? 'its producer'}'s transaction`;
}

/** The first sentence and the reason of a lost output record of an application. */
export function appLossWords(tp: TpLogs, x: Entry, app: AppRef): { told: string; promise: string } {
  const ack = x.ack!;
  const eos = app.guarantee === 'exactly_once_v2';
  return {
    told: `${appName(app)} ${eos ? 'committed' : 'committed the input of'} its output ${recordName(x)} at offset ${x.offset} of ${tpName(tp)} at ${seconds(ack.atMs)}${eos ? ' (in its transaction)' : ', once every copy was acknowledged'}, written by broker-${x.broker} as leader.`,
    promise: eos
      ? `${app.app} runs with processing.guarantee=exactly_once_v2: a committed transaction's output is acknowledged by every in-sync replica (acks=all), so losing it breaks exactly-once.`
      : `${app.app} runs with processing.guarantee=${app.guarantee ?? 'at_least_once'}: it commits its input only after acks=all acknowledged the output, so the input will not be processed again and losing the output loses the result.`,
  };
}
