/**
 * Key moments are never missed (issue 15). The pacer watches every batch for the key moments the
 * page cares about (a lesson step's `moments`, or the kinds chosen in the sandbox), recognised
 * from engine events alone (bridge/key-moments.ts), and sets the session's frame rate:
 *
 * - around a moment, slow motion (pace.ts), or a pause (a setting); a moment a fast frame jumped
 *   past is rewound a little and watched from just before it;
 * - a quiet wait (nothing but RPC traffic while a countdown runs: lessons/countdowns.ts) plays
 *   fast, until shortly before the timer can run out;
 * - "Replay this moment" goes back a little before the newest moment and plays it slowly.
 *
 * It never changes the learner's chosen speed, and everything it decides comes from the batches.
 */
import type { ClusterSnapshot, ConfigValue, EngineEvent } from '../../engine';
import { countdowns, type Countdown } from '../../lessons/countdowns';
import { describeMoment, momentOf, type MomentKind } from '../../bridge/key-moments';
import type { Batch } from '../../bridge/protocol';
import type { BatchMove } from '../batch-continuity';
import type { EngineSession } from '../engine-session.svelte';
import { EASE_MS, HOLD_MS, LEAD_MS, paceOf, type PaceMode } from './pace';

/** At a key moment: slow down, pause, or keep going at the chosen speed. */
export type MomentSetting = 'slow' | 'pause' | 'off';

export interface PaceSettings {
  atMoment: MomentSetting;
  /** Play quiet waits fast. */
  fastWaits: boolean;
  /** The kinds to watch for (the sandbox's choice; a lesson's steps name their own). */
  kinds: MomentKind[];
}

export interface SeenMoment {
  kind: MomentKind;
  atMs: number;
  seq: number;
  text: string;
}

/** A moment seen this long after it happened (a fast frame) is rewound and watched from before. */
const REWIND_AFTER_MS = 100;
/** Rewinding is for watching: above this speed the learner is not watching single messages. */
const REWIND_MAX_SPEED = 1;
/** The events countdowns are computed from (crashes, fences, consumers' configs). */
const COUNTDOWN_TYPES = new Set(['broker.crashed', 'broker.fenced', 'consumer.crashed', 'command.accepted']);
const HISTORY_MAX = 1000;

type Store = Pick<Storage, 'getItem' | 'setItem'> | undefined;

export function readPaceSettings(store: Store, key: string, fallback: PaceSettings): PaceSettings {
  try {
    const raw: unknown = JSON.parse(store?.getItem(key) ?? 'null');
    if (typeof raw !== 'object' || raw === null) return fallback;
    const r = raw as Partial<PaceSettings>;
    return {
      atMoment:
        r.atMoment === 'slow' || r.atMoment === 'pause' || r.atMoment === 'off'
          ? r.atMoment
          : fallback.atMoment,
      fastWaits: typeof r.fastWaits === 'boolean' ? r.fastWaits : fallback.fastWaits,
      kinds: Array.isArray(r.kinds)
        ? (r.kinds.filter((k) => typeof k === 'string') as MomentKind[])
        : fallback.kinds,
    };
  } catch {
    return fallback;
  }
}

export class Pacer {
  /** The newest key moment seen (what "Replay this moment" replays). */
  moment = $state.raw<SeenMoment | undefined>(undefined);
  mode = $state<PaceMode>('normal');
  settings = $state<PaceSettings>({ atMoment: 'slow', fastWaits: true, kinds: [] });
  /** Timers the cluster is waiting on now (for the countdown lines). */
  waits = $state.raw<Countdown[]>([]);

  private lastActivityMs = 0;
  private history: EngineEvent[] = [];
  // eslint-disable-next-line svelte/prefer-svelte-reactivity -- plumbing, nothing renders from it
  private readonly rewound = new Set<number>();
  /** The moment being replayed by request: slow even with slow motion off, never paused at. */
  private replaying: SeenMoment | undefined;
  private readonly session: EngineSession;
  private readonly kinds: () => readonly MomentKind[];
  private readonly brokerConfig: Record<string, ConfigValue>;
  private readonly store: Store;
  private readonly key: string;

  constructor(
    session: EngineSession,
    options: {
      /** The kinds to watch for now (a lesson: the current step's; the sandbox: its settings). */
      kinds?: () => readonly MomentKind[];
      brokerConfig?: Record<string, ConfigValue>;
      store?: Store;
      key: string;
      defaults: PaceSettings;
    },
  ) {
    this.session = session;
    this.kinds = options.kinds ?? (() => this.settings.kinds);
    this.brokerConfig = options.brokerConfig ?? {};
    this.store = options.store;
    this.key = options.key;
    this.settings = readPaceSettings(options.store, options.key, options.defaults);
  }

  connect(): () => void {
    const rate = (nowMs: number, speed: number) => this.rateAt(nowMs, speed);
    this.session.playback.rate = rate;
    const off = this.session.onBatch((batch, move) => this.onBatch(batch, move));
    return () => {
      off();
      if (this.session.playback.rate === rate) this.session.playback.rate = undefined;
    };
  }

  set(change: Partial<PaceSettings>): void {
    this.settings = { ...this.settings, ...change };
    try {
      this.store?.setItem(this.key, JSON.stringify(this.settings));
    } catch {
      // storage blocked: the setting lasts for this page
    }
  }

  /** Back a little before the newest moment, and play it at a watching speed. */
  replay(): void {
    const moment = this.moment;
    if (!moment) return;
    this.replaying = moment;
    this.session.playback.playFrom(Math.max(0, moment.atMs - LEAD_MS));
  }

  /** Virtual ms per wall ms now (the session's frame loop asks every frame). */
  rateAt(nowMs: number, speed: number): number {
    const moment = this.replaying ?? this.moment;
    if (this.replaying && nowMs > this.replaying.atMs + HOLD_MS + EASE_MS) this.replaying = undefined;
    const from = this.waits.length > 0 ? Math.min(...this.waits.map((w) => w.earliestMs)) : undefined;
    const pace = paceOf({
      speed,
      nowMs,
      momentAtMs: moment?.atMs,
      slowMotion: this.settings.atMoment === 'slow' || this.replaying !== undefined,
      lastActivityMs: this.lastActivityMs,
      countdownFromMs: this.settings.fastWaits ? from : undefined,
    });
    if (pace.mode !== this.mode) this.mode = pace.mode;
    return pace.rate;
  }

  private onBatch(batch: Batch, move: BatchMove): void {
    if (move.kind === 'jump') {
      // A jump (seek, step back): what lies after the playhead has not happened here.
      this.history = this.history.filter((e) => e.atMs <= batch.nowMs);
      this.lastActivityMs = batch.nowMs;
      this.updateWaits(batch.snapshot);
      return;
    }
    const kinds = this.kinds();
    let found: SeenMoment | undefined;
    for (const event of batch.events) {
      if (event.type.startsWith('rpc.')) continue;
      this.lastActivityMs = Math.max(this.lastActivityMs, event.atMs);
      if (COUNTDOWN_TYPES.has(event.type)) {
        this.history.push(event);
        if (this.history.length > HISTORY_MAX) this.history.splice(0, this.history.length - HISTORY_MAX);
      }
      const kind = kinds.length > 0 ? momentOf(kinds, event) : undefined;
      if (kind) found = { kind, atMs: event.atMs, seq: event.seq, text: describeMoment(kind, event) };
    }
    this.updateWaits(batch.snapshot);
    if (found) this.meet(found, batch.nowMs);
  }

  private meet(found: SeenMoment, nowMs: number): void {
    const again = this.replaying?.seq === found.seq;
    if (!again) this.moment = found;
    if (!this.session.playback.playing || again) return;
    if (this.settings.atMoment === 'pause') {
      this.session.playback.pause();
      return;
    }
    const late = nowMs - found.atMs > REWIND_AFTER_MS;
    if (
      this.settings.atMoment === 'slow' &&
      late &&
      this.session.playback.speed <= REWIND_MAX_SPEED &&
      !this.rewound.has(found.seq)
    ) {
      this.rewound.add(found.seq);
      this.session.playback.playFrom(Math.max(0, found.atMs - LEAD_MS));
    }
  }

  private updateWaits(snapshot: ClusterSnapshot): void {
    const next = countdowns(snapshot, this.history, this.brokerConfig);
    if (JSON.stringify(next) !== JSON.stringify(this.waits)) this.waits = next;
  }
}
