/**
 * Keeps one session saved, write-behind: the simulation never waits for storage.
 *
 * - Commands are written as soon as they are accepted (they are small, and they are the truth),
 *   with the position right after them;
 * - the derived data — replica log segments (through the LogMirror) and the position — follows at
 *   most FLUSH_DELAY_MS later, one sync at a time, so a busy simulation batches its log writes
 *   instead of rewriting a segment every frame.
 *
 * All of it goes through the store's one write queue, so it commits in that order: a command
 * always lands before any data derived from it. The queue does a big save (the first save of an
 * opened session: ~100 segments; a rewrite after a jump) in slices of a few ms with the event loop
 * turning between them (write-queue.ts), so a Back or a scrub is answered in the middle of it.
 * A request that moves the playhead meanwhile only marks the writer dirty: the sync under way
 * finishes (its writes are queued in order), then the next one brings the store to the new point,
 * and "Saved" waits for that. If a write fails (the quota is used up, the database went away),
 * the session moves to memory for good, whole, and the UI is told why.
 */
import type { LogStore } from '../engine';
import { LogMirror } from './log-mirror';
import type { StorageState } from '../bridge/protocol';
import { storedOf } from './session-open';
import { errorText, MemorySessionStore, type SessionStore } from './session-store';
import type { Timeline } from './timeline';

/** How long after a change the position and logs are saved. */
export const FLUSH_DELAY_MS = 200;
/**
 * After a jump (Back, the scrubber, a restored future) they wait until the playhead has rested
 * this long instead, each jump starting the wait again. Saving after a jump rewrites the stored
 * logs to the new point in time, most of which the next jump makes stale; done between two presses
 * of Back (or two moves of the scrubber), that work delayed the second by a few hundred ms at
 * 100 000 events. Commands are not derived data: they are still written at once.
 */
export const JUMP_REST_MS = 500;
/**
 * A keyframe is stored when the simulation comes to rest this many actions away from the last
 * one stored (decision 0007): a reload then replays at most about this many (~50 ms).
 */
export const KEYFRAME_STORE_EVERY_ACTIONS = 10_000;

export class SessionWriter {
  private mirror: LogMirror | undefined;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private syncing = false;
  private dirty = false;
  private pendingWrites = 0;
  private stopped = false;
  private state: StorageState;
  /** Where the last keyframe was stored (actions), and on which branch of the timeline. */
  private keyframeAt = 0;
  private branch: number;

  private constructor(
    private store: SessionStore,
    readonly id: string,
    private readonly timeline: Timeline,
    private readonly report: (storage: StorageState) => void,
    initial: StorageState,
    private readonly onCommandsStored: (version: number) => void,
  ) {
    this.state = initial;
    this.branch = timeline.branchVersion;
  }

  /**
   * Start saving `timeline` as session `id`. A new session is saved whole first; a stored one
   * keeps its segments where they match the replay (a reload), and the rest is rewritten.
   */
  static async start(options: {
    store: SessionStore;
    id: string;
    timeline: Timeline;
    isNew: boolean;
    storage: StorageState;
    report: (storage: StorageState) => void;
    /** Every command change up to this `commandsVersion` has committed (the page's journal). */
    commandsStored?: (version: number) => void;
  }): Promise<SessionWriter> {
    const { store, id, timeline, isNew, report, storage } = options;
    const writer = new SessionWriter(
      store,
      id,
      timeline,
      report,
      storage,
      options.commandsStored ?? (() => {}),
    );
    timeline.takeCommandChanges(); // everything up to now is written below or already stored
    try {
      if (isNew) await store.saveSession(storedOf(id, timeline));
      const logs: LogStore | undefined = await store.openLogStore(id);
      writer.mirror =
        logs && (isNew ? LogMirror.fresh(logs) : await LogMirror.attach(logs, timeline.sim.replicaLogs()));
    } catch (e) {
      await writer.fallBack(e);
    }
    writer.changed();
    return writer;
  }

  get storage(): StorageState {
    return this.state;
  }

  /** The store in use: memory once IndexedDB has failed. */
  get currentStore(): SessionStore {
    return this.store;
  }

  /** Records handed to the log store (for the benchmark). */
  get recordsWritten(): number {
    return this.mirror?.recordsWritten ?? 0;
  }

  /**
   * The timeline moved or changed: write new commands now, the rest shortly (`jump`: the playhead
   * was moved by hand and may well move again soon; the rest waits until it has rested).
   */
  changed(options: { jump?: boolean } = {}): void {
    if (this.stopped) return;
    if (this.timeline.branchVersion !== this.branch) {
      // A fork: stored keyframes may describe the abandoned future. Forget them before the new
      // commands land (the queue keeps that order), so none can be paired with the wrong log.
      this.branch = this.timeline.branchVersion;
      this.keyframeAt = 0;
      this.track(this.store.deleteKeyframes(this.id));
    }
    const version = this.timeline.commandsVersion;
    const commands = this.timeline.takeCommandChanges();
    if (commands) {
      // Commands first and small: they are the truth, everything else can be rebuilt from them.
      const written = this.track(this.store.writeCommands(this.id, commands.from, commands.commands));
      // The position goes right behind its commands, not write-behind: a reload straight after an
      // action must not reopen the session before it, with the action left as recorded future.
      const placed = this.track(this.savePosition());
      const store = this.store;
      void Promise.all([written, placed]).then(() => {
        // Only once IndexedDB holds them (a fall back to memory keeps the page's journal).
        if (!this.stopped && this.store === store && store.persistent) this.onCommandsStored(version);
      });
    }
    this.dirty = true;
    this.setSaved(false);
    if (options.jump && this.timer !== undefined) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    this.timer ??= setTimeout(
      () => {
        this.timer = undefined;
        void this.flush();
      },
      options.jump ? JUMP_REST_MS : FLUSH_DELAY_MS,
    );
  }

  private savePosition(): Promise<void> {
    const { actions, nowMs } = this.timeline.position();
    const position = { actions, nowMs, commands: this.timeline.appliedCommands() };
    return this.store.savePosition(this.id, position, this.timeline.timelineEndMs());
  }

  /**
   * Save the position and logs. While the simulation keeps moving, logs are written a whole
   * segment at a time; once it has come to rest (nothing changed during the last save) — or when
   * asked (`final`: the page is going away) — the rest of the logs follows too.
   */
  async flush(final = false): Promise<void> {
    if (this.stopped) return;
    if (this.syncing) {
      this.dirty = true; // picked up when the sync in progress ends
      return;
    }
    this.dirty = false;
    this.syncing = true;
    const { actions } = this.timeline.position();
    const logs = this.mirror?.sync(this.timeline.sim.replicaLogs(), { final });
    const saved = this.savePosition();
    const keyframe = final ? this.keyframeToStore(actions) : undefined;
    const kept = keyframe && this.store.saveKeyframe(this.id, keyframe);
    await this.track(Promise.all([logs, saved, kept]));
    this.syncing = false;
    if (this.dirty) this.changed();
    else if (!final && this.timer === undefined)
      await this.flush(true); // at rest: write the rest
    // "Saved" only once everything is written and the simulation has come to rest, so the
    // indicator does not flicker while it plays.
    else if (final && this.pendingWrites === 0 && this.timer === undefined) this.setSaved(true);
  }

  /** At rest, far enough from the last stored keyframe: this point as a keyframe to store. */
  private keyframeToStore(actions: number) {
    if (!this.store.persistent || Math.abs(actions - this.keyframeAt) < KEYFRAME_STORE_EVERY_ACTIONS) {
      return undefined;
    }
    this.keyframeAt = actions;
    return this.timeline.storedKeyframe();
  }

  /** Every write issued so far has settled (tests and the benchmark wait on this). */
  async settled(): Promise<void> {
    while (this.timer !== undefined || this.syncing) {
      if (this.timer !== undefined) {
        clearTimeout(this.timer);
        this.timer = undefined;
        await this.flush(true);
      } else {
        await this.store.settled();
        await new Promise((r) => setTimeout(r, 0));
      }
    }
    await this.store.settled();
  }

  /** Stop saving (the tab switched to another session); pending writes still land. */
  stop(): void {
    this.stopped = true;
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
  }

  private async track(write: Promise<unknown>): Promise<void> {
    this.pendingWrites++;
    this.setSaved(false);
    try {
      await write;
    } catch (e) {
      await this.fallBack(e);
    } finally {
      this.pendingWrites--;
    }
  }

  private setSaved(saved: boolean): void {
    if (!this.state.persistent || this.state.saved === saved) return;
    this.state = { persistent: true, saved };
    this.report(this.state);
  }

  /** IndexedDB failed: keep the whole session in memory from now on, and say so. */
  private async fallBack(e: unknown): Promise<void> {
    if (!this.store.persistent) return;
    const failed = this.store;
    const memory = new MemorySessionStore();
    this.store = memory;
    this.mirror = undefined;
    this.state = { persistent: false, reason: errorText(e) };
    failed.close();
    await memory.saveSession(storedOf(this.id, this.timeline));
    this.report(this.state);
  }
}
