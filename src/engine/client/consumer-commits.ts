/**
 * Offset commits (ConsumerCoordinator): auto-commit every auto.commit.interval.ms, explicit
 * commits, the commit before a rebalance (onJoinPrepare) and on close. The committed offset is the
 * next offset to read (reference §3.5). Synchronous commits (explicit, before a rebalance, on
 * close) block the simulated application, retry retriable errors until their deadline and report
 * once; an auto-commit is asynchronous and is simply tried again at the next interval.
 */
import type { ErrorCode } from '../errors';
import type { NodeContext } from '../kernel/kernel';
import type { OffsetCommitRequest, OffsetCommitResponse } from '../protocol/consume';
import type { TopicPartition } from '../types';
import {
  failGroup,
  isGroupMember,
  markCoordinatorUnknown,
  requestRejoin,
  resetGeneration,
  stableGeneration,
} from './consumer-membership';
import {
  appBusy,
  sendRequest,
  tpKey,
  wakeAt,
  type CommitJob,
  type CommitReason,
  type ConsumerNode,
  type Outstanding,
} from './consumer-state';

/** Kafka's default.api.timeout.ms: how long commitSync keeps trying. */
export const DEFAULT_API_TIMEOUT_MS = 60000;

type Offsets = (TopicPartition & { offset: number })[];

const RETRIABLE: ReadonlySet<string> = new Set([
  'COORDINATOR_NOT_AVAILABLE',
  'NOT_COORDINATOR',
  'REQUEST_TIMED_OUT',
  'NETWORK_EXCEPTION',
]);

const isSync = (why: CommitReason) => why !== 'auto';

/** Every position the application has consumed up to (Kafka's subscriptions.allConsumed()). */
export function consumedOffsets(self: ConsumerNode): Offsets {
  const out: Offsets = [];
  for (const p of Object.values(self.volatile.assigned)) {
    if (p.need === 'ready' && p.position !== null)
      out.push({ topic: p.topic, partition: p.partition, offset: p.position });
  }
  return out;
}

/** Queue a commit; it goes out once the coordinator is known. Empty commits succeed at once. */
export function queueCommit(
  ctx: NodeContext,
  self: ConsumerNode,
  why: CommitReason,
  offsets: Offsets,
): CommitJob {
  const v = self.volatile;
  const nowMs = ctx.now();
  const config = self.durable.config;
  const job: CommitJob = {
    id: v.nextCommitId++,
    why,
    offsets,
    deadlineMs: nowMs + (why === 'explicit' ? DEFAULT_API_TIMEOUT_MS : config.requestTimeoutMs),
  };
  if (isSync(why)) v.syncCommits++;
  if (offsets.length === 0) settleCommit(ctx, self, job, null, '');
  else v.commitQueue.push(job);
  wakeAt(ctx, v, nowMs);
  return job;
}

/** Send what is queued if the coordinator is known; fail sync commits past their deadline. */
export function sendQueuedCommits(ctx: NodeContext, self: ConsumerNode, nowMs: number): void {
  const v = self.volatile;
  if (v.commitQueue.length === 0) return;
  const queue = v.commitQueue;
  v.commitQueue = [];
  for (const job of queue) {
    if (nowMs >= job.deadlineMs) {
      settleCommit(
        ctx,
        self,
        job,
        'REQUEST_TIMED_OUT',
        'Timeout of the offset commit: the coordinator could not be reached.',
      );
    } else if (!v.group?.coordinator) {
      v.commitQueue.push(job);
      wakeAt(ctx, v, job.deadlineMs);
    } else {
      sendCommit(ctx, self, job);
    }
  }
}

function sendCommit(ctx: NodeContext, self: ConsumerNode, job: CommitJob): void {
  const v = self.volatile;
  const g = v.group!;
  let generation = -1;
  let memberId = '';
  if (isGroupMember(self)) {
    // Partitions assigned by the group are committed under the current generation; only a member
    // in a completed rebalance has one (ConsumerCoordinator.generationIfStable). The commit before
    // a rebalance still belongs to the generation that is ending.
    const stable = stableGeneration(self);
    if (job.why === 'prepare' && g.generation >= 0) {
      generation = g.generation;
      memberId = g.memberId;
    } else if (stable) {
      ({ generation, memberId } = stable);
    } else {
      const rebalancing = g.phase !== 'idle' || g.generation >= 0;
      return settleCommit(
        ctx,
        self,
        job,
        rebalancing ? 'REBALANCE_IN_PROGRESS' : 'UNKNOWN_MEMBER_ID',
        rebalancing
          ? 'Offset commit cannot be completed since the consumer is undergoing a rebalance for auto partition assignment.'
          : 'Offset commit cannot be completed since the consumer is not part of an active group for auto partition assignment.',
      );
    }
  }
  const body: OffsetCommitRequest = {
    groupId: self.durable.groupId!,
    generationId: generation,
    memberId,
    groupInstanceId: isGroupMember(self) ? self.durable.config.groupInstanceId : null,
    offsets: job.offsets.map((o) => ({ ...o, metadata: '' })),
  };
  sendRequest(ctx, self, g.coordinator!.node, 'OffsetCommit', body, {
    kind: 'OffsetCommit',
    job,
    generation,
  });
}

export function onOffsetCommitResponse(
  ctx: NodeContext,
  self: ConsumerNode,
  req: Outstanding,
  body: OffsetCommitResponse,
): void {
  if (req.info.kind !== 'OffsetCommit') return;
  const { job, generation } = req.info;
  const error = body.partitions.find((p) => p.error !== null)?.error ?? null;
  if (error === null) return settleCommit(ctx, self, job, null, '');
  const g = self.volatile.group;
  switch (error) {
    case 'COORDINATOR_NOT_AVAILABLE':
    case 'NOT_COORDINATOR':
      markCoordinatorUnknown(ctx, self);
      return retryOrFail(ctx, self, job, error);
    case 'REQUEST_TIMED_OUT':
      return retryOrFail(ctx, self, job, error);
    case 'UNKNOWN_MEMBER_ID':
    case 'ILLEGAL_GENERATION':
      // CommitFailedException: the group rebalanced without this member; it rejoins.
      if (g && generation >= 0 && generation === g.generation)
        resetGeneration(ctx, self, error === 'UNKNOWN_MEMBER_ID');
      return settleCommit(
        ctx,
        self,
        job,
        error,
        'Commit cannot be completed since the group has already rebalanced and assigned the partitions to another member.',
      );
    case 'REBALANCE_IN_PROGRESS':
      requestRejoin(ctx, self);
      return settleCommit(ctx, self, job, error, 'The group is rebalancing: rejoin, then commit again.');
    case 'FENCED_INSTANCE_ID':
      settleCommit(
        ctx,
        self,
        job,
        error,
        'Another consumer with the same group.instance.id is in the group.',
      );
      return failGroup(
        ctx,
        self,
        error,
        `group.instance.id ${self.durable.config.groupInstanceId} was fenced.`,
      );
    default:
      return settleCommit(ctx, self, job, error, `The coordinator answered ${error}.`);
  }
}

/** No answer, or the coordinator was down: Kafka marks the coordinator dead and the commit retriable. */
export function onOffsetCommitFailed(
  ctx: NodeContext,
  self: ConsumerNode,
  req: Outstanding,
  error: ErrorCode,
): void {
  if (req.info.kind !== 'OffsetCommit') return;
  markCoordinatorUnknown(ctx, self);
  retryOrFail(ctx, self, req.info.job, error);
}

function retryOrFail(ctx: NodeContext, self: ConsumerNode, job: CommitJob, error: string): void {
  if (RETRIABLE.has(error) && isSync(job.why) && ctx.now() < job.deadlineMs) {
    self.volatile.commitQueue.push(job);
    wakeAt(ctx, self.volatile, ctx.now());
    return;
  }
  settleCommit(ctx, self, job, error, `The offset commit failed with ${error}.`);
}

/** The commit's fate is known: tell it, and release whatever waited for it. */
function settleCommit(
  ctx: NodeContext,
  self: ConsumerNode,
  job: CommitJob,
  error: string | null,
  message: string,
): void {
  const v = self.volatile;
  const consumer = self.durable.name;
  const groupId = self.durable.groupId ?? '';
  if (isSync(job.why)) v.syncCommits--;
  if (error === null) {
    for (const o of job.offsets) {
      const p = v.assigned[tpKey(o.topic, o.partition)];
      if (p) p.committed = o.offset;
    }
    ctx.emit('consumer.committed', { consumer, groupId, offsets: job.offsets.map((o) => ({ ...o })) });
  } else {
    ctx.emit('consumer.commitFailed', { consumer, groupId, error, message });
  }
  if (v.group?.prepareCommit === job.id) v.group.prepareCommit = null;
  if (v.closing?.commit === job.id) v.closing.commit = null;
  wakeAt(ctx, v, ctx.now());
}

/** Auto-commit is due: commit every consumed position, asynchronously. */
export function autoCommit(ctx: NodeContext, self: ConsumerNode): void {
  const v = self.volatile;
  if (v.closing || v.group?.failed) return;
  // Kafka auto-commits inside poll(): while the application is busy, the commit waits for its next
  // poll, so it never covers records still being processed.
  if (appBusy(v, ctx.now())) {
    v.autoCommitDue = true;
    return;
  }
  // A member in the middle of a rebalance has no generation to commit under: skip this round.
  if (isGroupMember(self) && !stableGeneration(self)) return;
  const offsets = consumedOffsets(self);
  if (offsets.length > 0) queueCommit(ctx, self, 'auto', offsets);
}

export function scheduleAutoCommit(ctx: NodeContext, self: ConsumerNode): void {
  const config = self.durable.config;
  // auto.commit.interval.ms=0 commits after every poll instead (see the fetcher), never on a timer.
  if (config.enableAutoCommit && config.autoCommitIntervalMs > 0)
    ctx.setTimer('autoCommit', config.autoCommitIntervalMs);
}
