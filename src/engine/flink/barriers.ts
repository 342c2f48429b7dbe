/**
 * Aligned checkpoint barriers at an operator with several input channels (Flink's
 * CheckpointBarrierHandler for exactly-once, "aligned" checkpoints), as pure data and functions.
 *
 * When the barrier of checkpoint n arrives on one channel, that channel is blocked: what comes
 * after it belongs to the next checkpoint and waits in a buffer. Once barrier n has arrived on
 * every channel the operator is aligned: it snapshots its state, forwards the barrier, unblocks
 * the channels and processes what waited, in order. A barrier of a newer checkpoint seen while
 * aligning an older one cancels the older alignment (Flink aborts that checkpoint on this task).
 */

export interface AlignmentState {
  /** The checkpoint being aligned (-1: none). */
  checkpointId: number;
  /** Channels whose barrier has arrived (blocked until alignment completes). */
  blocked: number[];
}

export function newAlignment(): AlignmentState {
  return { checkpointId: -1, blocked: [] };
}

/** Does an element arriving on `channel` wait (its channel is blocked) or go through now? */
export function elementWaits(state: AlignmentState, channel: number): boolean {
  return state.checkpointId >= 0 && state.blocked.includes(channel);
}

export type BarrierOutcome =
  /** Still waiting for other channels' barriers. */
  | { kind: 'blocked' }
  /** Every channel delivered the barrier: snapshot now, then forward it and unblock. */
  | { kind: 'aligned'; checkpointId: number }
  /** A newer checkpoint's barrier arrived before the older alignment finished: the older is aborted. */
  | { kind: 'superseded'; aborted: number }
  /** A barrier of a checkpoint already done or aborted here: ignored. */
  | { kind: 'ignored' };

/**
 * A barrier for `checkpointId` on `channel` of `channels`. Mutates `state`; on 'aligned' the state
 * is reset, and the caller releases the buffered elements.
 */
export function onBarrier(
  state: AlignmentState,
  channel: number,
  checkpointId: number,
  channels: number,
  lastCompletedHere: number,
): BarrierOutcome {
  if (checkpointId <= lastCompletedHere || checkpointId < state.checkpointId) return { kind: 'ignored' };
  let superseded: number | null = null;
  if (checkpointId > state.checkpointId) {
    if (state.checkpointId >= 0) superseded = state.checkpointId;
    state.checkpointId = checkpointId;
    state.blocked = [];
  }
  if (!state.blocked.includes(channel)) state.blocked.push(channel);
  if (state.blocked.length >= channels) {
    state.checkpointId = -1;
    state.blocked = [];
    return { kind: 'aligned', checkpointId };
  }
  return superseded !== null ? { kind: 'superseded', aborted: superseded } : { kind: 'blocked' };
}
