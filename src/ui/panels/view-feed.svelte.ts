/**
 * What the views keep from the stream of event batches: messages in flight, the lives of sends,
 * the narrated sentences and the fault markers. The session keeps only the newest 200 events, so
 * these subscribe to every batch (EngineSession.onBatch) instead of reading `recentEvents`.
 *
 * The trackers are plain data; a version counter per tracker is the reactive signal, so a batch
 * of thousands of events costs one update, not one per event.
 */
import type { Batch, TimelineFault } from '../../bridge/protocol';
import type { ClusterSnapshot, Command } from '../../engine';
import type { BatchMove } from '../batch-continuity';
import { FlightTracker } from '../flight/flight-tracker';
import { Narrator, describeCommand, mergeSentences, type Sentence } from '../narration/narrate';
import { SendTracker } from '../produce/send-tracker';
import { groupLag } from '../consume/group-lag';
import { RebalanceTracker } from '../consume/rebalance-tracker';

export interface FaultMark {
  /** Its place in the session's command log. */
  index: number;
  atMs: number;
  command: Command;
  text: string;
}

const SENTENCES_MAX = 200;

export interface LagSample {
  atMs: number;
  lag: number;
}

/** One lag sample per group per this much virtual time, and at most this many kept. */
const LAG_EVERY_MS = 100;
const LAG_SAMPLES_MAX = 600;

export interface BatchSource {
  snapshot: ClusterSnapshot | undefined;
  onBatch(listener: (batch: Batch, move: BatchMove) => void): () => void;
}

export class ViewFeed {
  readonly flights = new FlightTracker();
  readonly sends = new SendTracker();
  /** Each group's rebalances, phase by phase (consume/rebalance-tracker.ts). */
  readonly rebalances = new RebalanceTracker();
  flightsVersion = $state(0);
  sendsVersion = $state(0);
  rebalancesVersion = $state(0);
  sentences = $state.raw<Sentence[]>([]);
  /** Where the story told begins (0: the whole session; later when it was opened part-way). */
  private storyFromMs = 0;
  faults = $state.raw<FaultMark[]>([]);
  /** Each group's total lag over virtual time, for the lag chart. */
  lag = $state.raw<Record<string, LagSample[]>>({});

  private readonly narrator = new Narrator();

  connect(source: BatchSource): () => void {
    return source.onBatch((batch, move) => this.apply(batch, source.snapshot, move));
  }

  /**
   * `move`: the batch's one classification (batch-continuity.ts). A step plays its events on top
   * of what the views hold; a jump rebuilds what can be rebuilt from the batch (the messages in
   * flight from the snapshot, the sends from `sendHistory`) and cuts the rest back to the playhead.
   */
  apply(batch: Batch, before: ClusterSnapshot | undefined, move: BatchMove): void {
    this.flights.apply(batch, move);
    this.flightsVersion++;
    if (move.kind === 'jump') {
      if (move.opened) this.restart();
      this.sends.rebuild(batch.sendHistory ?? []);
      this.sendsVersion++;
    }
    this.followFaults(batch.timeline.faults, batch.nowMs);
    if (move.kind === 'jump' && move.opened) this.startStory(batch);
    if (move.kind === 'jump' && move.back) {
      // Back in time: what was said after the new position has not happened on this timeline (yet),
      // and the batch repeats recent history rather than telling anything new, unless the playhead
      // went back before where the story began (a session opened part-way): then the story starts
      // again with the newest events before it, which the batch carries.
      this.rewind(batch.nowMs);
      if (batch.nowMs < this.storyFromMs) this.retell(batch);
      return;
    }
    // Forward (a jump forward carries only the newest events: a burst, or a session opened
    // part-way, so the story starts where the events do).
    const events = batch.events;
    if (move.kind === 'jump' && move.skipped > 0 && events.length > 0) {
      // The worker sends only the newest events when too many happened at once: say so, rather
      // than let a partial count ("782 acknowledged") pass for the whole story.
      this.sentences = [
        ...this.sentences,
        {
          id: events[0]!.seq - 0.5,
          atMs: events[0]!.atMs,
          tone: 'info' as const,
          text: `Too much happened at once to tell it all: ${move.skipped.toLocaleString('en-US')} events are not narrated here. The diagram shows the result.`,
        },
      ].slice(-SENTENCES_MAX);
    }
    if (events.length > 0) {
      if (move.kind === 'step') {
        this.sends.apply(events);
        this.sendsVersion++;
      }
      if (this.rebalances.apply(events)) this.rebalancesVersion++;
      const said = this.narrator.narrate(events, before);
      if (said.length > 0) this.sentences = mergeSentences(this.sentences, said).slice(-SENTENCES_MAX);
    }
    this.sampleLag(batch.snapshot);
  }

  /**
   * The faults so far come from the session's command log (every batch carries it), not from the
   * events seen: a session opened or reloaded part-way still lists the broker it crashed earlier.
   */
  private followFaults(faults: readonly TimelineFault[], nowMs: number): void {
    const past = faults.filter((f) => f.atMs <= nowMs);
    const same =
      past.length === this.faults.length && past.every((f, i) => f.index === this.faults[i]!.index);
    if (same) return;
    this.faults = past.map((f) => ({
      index: f.index,
      atMs: f.atMs,
      command: f.command,
      text: describeCommand(f.command) ?? f.command.type,
    }));
  }

  /**
   * A session opened part-way (a reload, a link, a file, a resumed session): the events sent start
   * with the newest, so what happened before them would be missing from the story, and a crashed
   * broker would sit beside "Nothing yet". Tell the earlier faults from the command log, and say
   * where the told events begin.
   */
  private startStory(batch: Batch, back = false): void {
    const first = batch.events.find((e) => e.seq > 0);
    this.storyFromMs = first && first.seq > 1 ? first.atMs : 0;
    if (!first || first.seq === 1) return; // the whole story is in the batch
    const earlier = this.faults.filter((f) => f.atMs < first.atMs);
    const told: Sentence[] = earlier.map((f, i) => ({
      id: -earlier.length - 1 + i,
      atMs: f.atMs,
      tone: 'warn' as const,
      text: `Earlier: ${f.text}`,
    }));
    told.push({
      id: -0.5,
      atMs: first.atMs,
      tone: 'info' as const,
      text: back
        ? `Back at ${(batch.nowMs / 1000).toFixed(3)} s, before where this story began: it starts again with the newest events before the playhead${earlier.length > 0 ? ', after the faults above from its commands' : ''}.`
        : `This session was opened part-way through, at ${(batch.nowMs / 1000).toFixed(3)} s: the story here starts with the newest events${earlier.length > 0 ? ', after the faults above from its commands' : ''}. The diagram shows the cluster as it is.`,
    });
    this.sentences = told;
  }

  /** The playhead went back before the story's start: tell it again from the batch's events. */
  private retell(batch: Batch): void {
    this.narrator.reset();
    this.startStory(batch, true);
    const events = batch.events.filter((e) => e.seq > 0);
    // No snapshot from before these events: the one the page holds is from later on.
    const said = this.narrator.narrate(events);
    if (said.length > 0) this.sentences = mergeSentences(this.sentences, said).slice(-SENTENCES_MAX);
  }

  private sampleLag(snapshot: ClusterSnapshot): void {
    if (snapshot.groups.length === 0) return;
    let changed = false;
    const next = { ...this.lag };
    for (const g of snapshot.groups) {
      const samples = next[g.groupId] ?? [];
      const last = samples.at(-1);
      if (last && snapshot.nowMs - last.atMs < LAG_EVERY_MS) continue;
      // Before its first assignment a group's partitions are unknown: no point, rather than a 0.
      const partitions = groupLag(snapshot, g);
      if (partitions.length === 0) continue;
      const lag = partitions.reduce((sum, p) => sum + p.lag, 0);
      next[g.groupId] = [...samples, { atMs: snapshot.nowMs, lag }].slice(-LAG_SAMPLES_MAX);
      changed = true;
    }
    if (changed) this.lag = next;
  }

  /** A new simulation: nothing from the old one applies. */
  private restart(): void {
    this.storyFromMs = 0;
    this.narrator.reset();
    this.sends.reset();
    this.rebalances.reset();
    this.rebalancesVersion++;
    this.sentences = [];
    this.faults = [];
    this.lag = {};
  }

  /** The playhead went back: what happened after it has not happened (yet) on this timeline. */
  private rewind(toMs: number): void {
    this.sentences = this.sentences.filter((s) => s.atMs <= toMs);
    this.rebalances.rewind(toMs);
    this.rebalancesVersion++;
    this.lag = Object.fromEntries(
      Object.entries(this.lag).map(([g, samples]) => [g, samples.filter((s) => s.atMs <= toMs)]),
    );
  }
}
