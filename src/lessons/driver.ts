/**
 * The one lesson driver: it runs a lesson's flow machine and feeds it the engine's batches, for
 * the page (ui/lessons/lesson-runner.svelte.ts, batches from the worker) and for the headless
 * lesson tests (testing/headless.ts, batches cut from a simulation in Node) alike.
 *
 * Each batch becomes ONE machine event, `engine.batch` (its new non-RPC events, then its
 * snapshot), not one per engine event. Only new events count: after a seek back, playing replays
 * events the machine already has; after a fork (acting in the past) the trace goes on from the
 * fork with a new story. The machine judges facts on the live cluster only, so a batch from a
 * scrubbed-back past is not fed: its new events wait for the next live batch.
 */
import { createActor, type Actor } from 'xstate';
import type { ClusterSnapshot, Command, EngineEvent } from '../engine';
import { HISTORY_MAX, lessonMachine, type LessonInput, type LessonMachineEvent } from './lesson-machine';

/** One batch of the engine as the driver reads it (the worker's `Batch` has these fields). */
export interface DriverBatch {
  /** Events in trace order (`seq` 1, 2, …). */
  events: readonly EngineEvent[];
  /** The cluster after them. */
  snapshot: ClusterSnapshot;
  /** Events in the trace up to this batch (the last one's `seq`). */
  traceLength: number;
  /** The playhead is at the end of the timeline, not in a scrubbed-back past. */
  live: boolean;
  /**
   * The batch does not continue the previous one (a session just opened, a jump in time; the page
   * tells this by the batch's continuity token, ui/batch-continuity.ts): none of its events is new.
   */
  reset?: boolean;
}

/** The machine's own events the driver passes on as they are (user.* ). */
export type LearnerEvent = Exclude<LessonMachineEvent, { type: 'engine.batch' }>;

export class LessonDriver {
  readonly actor: Actor<typeof lessonMachine>;
  /** The highest event seq taken from a batch (a replayed past is not new). */
  private seen = 0;
  /** New events that came in the past, kept for the next live batch. */
  private pending: EngineEvent[] = [];

  /** `dispatch` carries out the commands the machine emits, one emit at a time, in order. */
  constructor(input: LessonInput, dispatch: (commands: Command[]) => void) {
    this.actor = createActor(lessonMachine, { input });
    this.actor.on('dispatch', ({ commands }) => {
      if (commands.length > 0) dispatch(commands);
    });
  }

  start(): void {
    this.actor.start();
  }

  stop(): void {
    this.actor.stop();
  }

  /** A learner's event (Next, an answer, a button). */
  send(event: LearnerEvent): void {
    this.actor.send(event);
  }

  /**
   * Take one batch. `live` overrides the batch's own (a seek the page asked for is judged even
   * in the past). Returns whether the machine was fed.
   */
  take(batch: DriverBatch, live = batch.live): boolean {
    const first = batch.events[0]?.seq ?? batch.traceLength + 1;
    if (batch.live && batch.traceLength < this.seen) {
      // The trace went back (a seek, a fork): what lies past it is no longer the story.
      this.seen = batch.reset ? batch.traceLength : first - 1;
      this.pending = this.pending.filter((e) => e.seq <= this.seen);
    }
    if (!batch.reset) {
      for (const event of batch.events) {
        if (event.seq > this.seen && !event.type.startsWith('rpc.')) this.pending.push(event);
      }
      if (this.pending.length > HISTORY_MAX) this.pending = this.pending.slice(-HISTORY_MAX);
    }
    this.seen = Math.max(this.seen, batch.traceLength);
    if (!live) return false;
    const events = this.pending;
    this.pending = [];
    this.actor.send({ type: 'engine.batch', events, snapshot: batch.snapshot });
    return true;
  }
}
