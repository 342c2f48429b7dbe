/**
 * Plain sentences for each finding, and the verdict's reason: Elle-style prose ("p1 was told offset
 * 7 of orders-2 was written at 12.403 s; broker-3 became leader at 13.100 s without it; the record
 * is gone"), built only from what the trace recorded.
 */
import type { ProducerConfig } from '../client/producer-config';
import type { Entry, TpLogs } from './replica-logs';
import { leaderChangeBefore } from './replica-logs';
import { seconds, type FindingStep, type Verdict } from './types';

export const tpName = (tp: { topic: string; partition: number }) => `${tp.topic}-${tp.partition}`;

export function recordName(e: Pick<Entry, 'key' | 'value'>): string {
  return e.key === null ? `"${e.value ?? 'null'}"` : `${e.key}="${e.value ?? 'null'}"`;
}

export interface LostExplanation {
  verdict: Verdict;
  because: string;
  sentences: string[];
  steps: FindingStep[];
}

/** Why an acknowledged record disappeared, and whether the producer's settings allowed it. */
export function explainLost(
  tp: TpLogs,
  e: Entry,
  config: ProducerConfig | undefined,
  crashes: ReadonlyMap<number, { seq: number; atMs: number }>,
): LostExplanation {
  const lost = e.lost!;
  const ack = e.ack!;
  const who = e.producer ?? 'a producer';
  const where = tpName(tp);
  const steps: FindingStep[] = [
    { seq: e.appendSeq, atMs: e.appendAtMs, label: `broker-${e.broker} appended offset ${e.offset}` },
    { seq: ack.seq, atMs: ack.atMs, label: `${who} acknowledged offset ${e.offset}` },
  ];
  const sentences = [
    `${who} was told offset ${e.offset} of ${where} (${recordName(e)}) was written at ${seconds(ack.atMs)}, by broker-${e.broker} as leader.`,
  ];
  const crash = crashes.get(e.broker);
  if (crash && crash.seq > e.appendSeq && crash.seq < lost.seq) {
    steps.push({ seq: crash.seq, atMs: crash.atMs, label: `broker-${e.broker} crashed` });
    sentences.push(`broker-${e.broker} crashed at ${seconds(crash.atMs)}.`);
  }
  const change = leaderChangeBefore(tp, lost.seq, lost.how === 'overwritten' ? lost.broker : undefined);
  const unclean = tp.uncleanSeq > e.appendSeq && tp.uncleanSeq <= lost.seq;
  if (change && change.seq > e.appendSeq) {
    steps.push({ seq: change.seq, atMs: change.atMs, label: `broker-${change.leader} became leader` });
    sentences.push(
      `broker-${change.leader} became leader at ${seconds(change.atMs)}${unclean ? ' in an unclean election (it was not in the ISR)' : ''} without it.`,
    );
  }
  steps.push({
    seq: lost.seq,
    atMs: lost.atMs,
    label:
      lost.how === 'overwritten'
        ? `broker-${lost.broker} wrote another record at offset ${e.offset}`
        : `broker-${lost.broker} truncated its log below offset ${e.offset + 1}`,
  });
  sentences.push(
    lost.how === 'overwritten'
      ? `At ${seconds(lost.atMs)} broker-${lost.broker} wrote a different record at offset ${e.offset}: the acknowledged record is gone.`
      : `At ${seconds(lost.atMs)} broker-${lost.broker} truncated the last copy: the acknowledged record is gone.`,
  );
  steps.sort((a, b) => a.seq - b.seq);
  if (config && config.acks !== 'all') {
    return {
      verdict: 'allowed',
      because: `${who} uses acks=${config.acks}: the leader acknowledges before any follower has the record, so losing the leader can lose it.`,
      sentences,
      steps,
    };
  }
  if (unclean) {
    return {
      verdict: 'allowed',
      because: `unclean.leader.election.enable let a replica outside the ISR lead, which gives up acknowledged records to stay available.`,
      sentences,
      steps,
    };
  }
  return {
    verdict: 'violation',
    because: `With acks=all every in-sync replica has the record before the producer is told, and only an in-sync replica can lead cleanly: this loss breaks that promise.`,
    sentences,
    steps,
  };
}
