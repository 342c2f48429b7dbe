/** A send's life as the steps the panel lists, in the order Kafka goes through them. */
import type { PartitionSnapshot } from '../../engine';
import type { SendLife } from './send-tracker';

export type StepState = 'done' | 'pending' | 'failed' | 'skipped';

export interface Step {
  id: string;
  text: string;
  atMs?: number;
  state: StepState;
}

export function sendSteps(life: SendLife, partition: PartitionSnapshot | undefined): Step[] {
  const step = (id: string, text: string, atMs: number | undefined, failed = false): Step => ({
    id,
    text,
    ...(atMs !== undefined ? { atMs } : {}),
    state: atMs !== undefined ? 'done' : failed ? 'failed' : 'pending',
  });
  const leader = life.leader ?? life.broker;
  const steps: Step[] = [
    step('queued', `queued for ${life.topic}-${life.partition ?? '?'}`, life.queuedAtMs),
    step(
      'sent',
      `sent to broker-${life.broker ?? '?'}` + (life.attempts > 1 ? ` (attempt ${life.attempts})` : ''),
      life.sentAtMs,
    ),
  ];
  // A first copy that was lost, then written again by a retry: both are part of the story.
  if (life.earlier) {
    steps.push({
      id: 'earlier',
      text: `first copy at offset ${life.earlier.offset} on broker-${life.earlier.leader}: lost${life.earlier.lostReason ? ` (${life.earlier.lostReason})` : ''}, sent again`,
      state: 'failed',
    });
  }
  steps.push(
    step(
      'appended',
      `appended by leader broker-${leader ?? '?'}` +
        (life.offset !== undefined ? ` at offset ${life.offset}` : ''),
      life.appendedAtMs,
    ),
  );
  // The followers are the partition's other replicas; each copies the record on its next fetch.
  const followers = (partition?.replicas ?? []).filter((b) => b !== leader);
  for (const b of followers) {
    const lost = life.truncatedOn.includes(b);
    steps.push(
      step(
        `replica-${b}`,
        `${lost ? 'truncated on' : 'copied by'} broker-${b}`,
        lost ? undefined : life.replicatedAtMs[b],
        lost,
      ),
    );
  }
  // Kafka calls a record below the HW "committed"; in a transaction that word belongs to the
  // transaction's outcome, so the HW step says what it is there.
  const hwText = life.transactional ? 'in every in-sync copy (HW passed it)' : 'committed (HW passed it)';
  if (life.lostAtMs === undefined) steps.push(step('committed', hwText, life.committedAtMs));
  if (life.failedAtMs !== undefined) {
    steps.push({
      id: 'failed',
      text: `failed: ${life.error ?? 'error'}`,
      atMs: life.failedAtMs,
      state: 'failed',
    });
  } else if (life.lostAtMs === undefined || life.ackedAtMs !== undefined) {
    steps.push(step('acked', 'acknowledged', life.ackedAtMs));
  }
  if (life.lostAtMs !== undefined) {
    steps.push({
      id: 'lost',
      text: `${life.ackedAtMs !== undefined ? 'then lost' : 'lost'}: ${life.lostReason ?? 'gone'}`,
      atMs: life.lostAtMs,
      state: 'failed',
    });
  }
  if (life.transactional) {
    const t = life.transaction;
    steps.push(
      t === undefined
        ? { id: 'transaction', text: 'transaction not decided yet', state: 'pending' }
        : {
            id: 'transaction',
            text:
              t.outcome === 'committed'
                ? 'transaction committed'
                : 'transaction aborted: read_committed readers skip it',
            atMs: t.atMs,
            state: t.outcome === 'committed' ? 'done' : 'failed',
          },
    );
  }
  return steps;
}

/** One line for an older send. */
export function sendSummary(life: SendLife): string {
  const where = life.partition !== undefined ? `${life.topic}-${life.partition}` : life.topic;
  const txn =
    life.transaction === undefined
      ? life.transactional
        ? ', transaction open'
        : ''
      : `, transaction ${life.transaction.outcome}`;
  if (life.failedAtMs !== undefined) return `${where}: failed, ${life.error}${txn}`;
  if (life.lostAtMs !== undefined)
    return `${where} @ ${life.offset}: ${life.ackedAtMs !== undefined ? 'acknowledged, then ' : ''}lost (${life.lostReason})`;
  if (life.ackedAtMs !== undefined) {
    return life.offset !== undefined
      ? `${where} @ ${life.offset}: acknowledged${txn}`
      : `${where}: acknowledged (acks=0)${txn}`;
  }
  return `${where}: in progress`;
}
