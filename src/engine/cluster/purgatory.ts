/**
 * The broker's purgatory (Kafka's DelayedOperationPurgatory, reference §4.2 and §9): every request
 * that waits for something to move before it is answered. Four kinds of wait, all plain data in the
 * broker's volatile state (so a checkpoint copies them like any other state):
 * - `produce`: acks=all produces and WriteTxnMarkers (`delayedProduces`), answered once the high
 *   watermark passes their last offset, or on leadership loss or `produceTimeout`;
 * - `groupWrite`: group metadata and offset commits written to __consumer_offsets (`internalWaits`),
 *   answered once replicated, on leadership loss or after offsets.commit.timeout.ms;
 * - `txnWrite`: transaction state written to __transaction_state and transactional offset commits
 *   (`txnWaits`), likewise;
 * - `fetch`: parked fetches (`parkedFetches`), answered once fetch.min.bytes can be read, on a
 *   leadership change or truncation, or at `fetchWait`.
 *
 * One completion path: whoever moves something a wait depends on (an append moves the log end, a
 * fetch or an AlterPartition moves the high watermark, new metadata changes leadership, a timer
 * fires) calls `checkPurgatory` with what moved, and the purgatory runs the completion check of
 * each kind of wait that can depend on it, in a fixed order. The checks themselves live with the
 * code that owns each kind (the replica manager, the group and transaction coordinators) and are
 * registered once by the broker (`registerPurgatory`), the way the controller hands Raft its hooks:
 * so the coordinators and the replica manager never import each other.
 */
import type { NodeContext } from '../kernel/kernel';
import type { BrokerNode } from './broker-state';

export type WaitKind = 'produce' | 'groupWrite' | 'txnWrite' | 'fetch';

/** Answer the waits of one kind that may go now (and fail those that never can). */
export type CompletionCheck = (ctx: NodeContext, self: BrokerNode) => void;

/**
 * What moved, and which kinds of wait it can release, in the order they are checked:
 * - `highWatermark`: a high watermark or an ISR moved, or a wait was just added, so requests
 *   waiting for replication may be answered (produces first, then the coordinators' writes);
 * - `logEnd`: records were appended or a high watermark moved, so parked fetches may read more;
 * - `leadership`: roles changed, so every wait on a partition this broker no longer leads ends;
 * - `groupWrite` / `txnWrite`: a coordinator wrote to its own internal partition (which moved its
 *   high watermark at once when it is the only replica), or its tick enforces the write deadline.
 */
export type Trigger = 'highWatermark' | 'logEnd' | 'leadership' | 'groupWrite' | 'txnWrite';

const CHECKS: Record<Trigger, readonly WaitKind[]> = {
  highWatermark: ['produce', 'groupWrite', 'txnWrite'],
  logEnd: ['fetch'],
  leadership: ['produce', 'groupWrite', 'txnWrite', 'fetch'],
  groupWrite: ['groupWrite'],
  txnWrite: ['txnWrite'],
};

let registered: Record<WaitKind, CompletionCheck> | null = null;

/** The broker hands the purgatory the completion check of each kind of wait (once, at load). */
export function registerPurgatory(checks: Record<WaitKind, CompletionCheck>): void {
  registered = checks;
}

/** The one completion path: something moved, so answer every wait that it released. */
export function checkPurgatory(ctx: NodeContext, self: BrokerNode, moved: Trigger): void {
  if (!registered) throw new Error('purgatory: the broker has not registered its completion checks');
  for (const kind of CHECKS[moved]) registered[kind](ctx, self);
}
