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
    step(
      'appended',
      `appended by leader broker-${leader ?? '?'}` +
        (life.offset !== undefined ? ` at offset ${life.offset}` : ''),
      life.appendedAtMs,
    ),
  ];
  // The followers are the partition's other replicas; each copies the record on its next fetch.
  const followers = (partition?.replicas ?? []).filter((b) => b !== leader);
  for (const b of followers) {
    const lost = life.truncatedOn.includes(b);
    steps.push(
      step(
        `replica-${b}`,
        `${lost ? 'truncated on' : 'copied by'} broker-${b}`,
        life.replicatedAtMs[b],
        lost,
      ),
    );
  }
  if (life.truncatedOn.includes(leader ?? -1))
    steps.push(step('lost', `truncated on broker-${leader}: gone`, undefined, true));
  steps.push(step('committed', 'committed (HW passed it)', life.committedAtMs));
  if (life.failedAtMs !== undefined) {
    steps.push({
      id: 'failed',
      text: `failed: ${life.error ?? 'error'}`,
      atMs: life.failedAtMs,
      state: 'failed',
    });
  } else {
    steps.push(step('acked', 'acknowledged', life.ackedAtMs));
  }
  return steps;
}

/** One line for an older send. */
export function sendSummary(life: SendLife): string {
  const where = life.partition !== undefined ? `${life.topic}-${life.partition}` : life.topic;
  if (life.failedAtMs !== undefined) return `${where}: failed, ${life.error}`;
  if (life.ackedAtMs !== undefined) {
    return life.offset !== undefined
      ? `${where} @ ${life.offset}: acknowledged`
      : `${where}: acknowledged (acks=0)`;
  }
  return `${where}: in progress`;
}
