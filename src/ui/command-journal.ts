/**
 * The page's journal of accepted commands not yet confirmed stored (decision 0008).
 *
 * The worker writes a command to IndexedDB as soon as it accepts it, but a transaction still in
 * flight when the tab reloads or closes is aborted with the worker. So the page keeps every
 * accepted command (as the worker logged it: LoggedCommands) in the tab's sessionStorage, which
 * is written synchronously and survives a reload, until the worker says IndexedDB holds it. A
 * reload hands the journal to the worker, which merges what the store missed. Closing the tab
 * loses sessionStorage, so while the journal is not empty the page asks before it goes
 * (beforeunload) and flushes.
 */
import type { LoggedCommands } from '../bridge/protocol';

const KEY = 'streamlab.journal';

type TabStorage = Pick<Storage, 'getItem' | 'setItem'>;

export class CommandJournal {
  private entries: LoggedCommands[];
  /** An accepted command could not be journaled (storage full or blocked): only IndexedDB has it. */
  private unprotected = false;

  constructor(private readonly storage: TabStorage | undefined) {
    // Entries from before this page load were numbered by the previous worker's timeline: they
    // are confirmed by the new worker's first report for their session, whatever its version.
    this.entries = read(storage).map((e) => ({ ...e, version: -1 }));
  }

  /** Entries of `sessionId`, oldest first (for a reload's open plan). */
  forSession(sessionId: string): LoggedCommands[] {
    return this.entries.filter((e) => e.sessionId === sessionId);
  }

  /** How many accepted commands of `sessionId` are not yet known to be stored. */
  pending(sessionId: string | undefined): number {
    let n = 0;
    for (const e of this.entries) if (e.sessionId === sessionId) n += e.entries.length;
    return n;
  }

  add(logged: LoggedCommands): void {
    this.entries.push(logged);
    this.write();
  }

  /** IndexedDB holds every command change of `sessionId` up to `version`. */
  stored(sessionId: string, version: number): void {
    const kept = this.entries.filter((e) => e.sessionId !== sessionId || e.version > version);
    if (kept.length === this.entries.length) return;
    this.entries = kept;
    if (this.entries.length === 0) this.unprotected = false;
    this.write();
  }

  /** The tab now works on `sessionId`: entries of other sessions no longer matter. */
  keepOnly(sessionId: string): void {
    const kept = this.entries.filter((e) => e.sessionId === sessionId);
    if (kept.length === this.entries.length) return;
    this.entries = kept;
    this.write();
  }

  /** Whether leaving now could lose an accepted command. */
  get atRisk(): boolean {
    return this.entries.length > 0 || this.unprotected;
  }

  private write(): void {
    try {
      this.storage?.setItem(KEY, JSON.stringify(this.entries));
    } catch {
      this.unprotected = true; // a huge record or a blocked storage: warn before leaving instead
    }
  }
}

function read(storage: TabStorage | undefined): LoggedCommands[] {
  try {
    const data: unknown = JSON.parse(storage?.getItem(KEY) ?? '[]');
    return Array.isArray(data) ? data.filter(isLogged) : [];
  } catch {
    return [];
  }
}

/** Enough of a shape check that a garbled entry is dropped (the worker checks every command again). */
function isLogged(e: unknown): e is LoggedCommands {
  if (typeof e !== 'object' || e === null) return false;
  const x = e as Record<string, unknown>;
  return (
    typeof x.sessionId === 'string' &&
    Number.isSafeInteger(x.from) &&
    Array.isArray(x.entries) &&
    Number.isSafeInteger(x.version) &&
    Number.isSafeInteger(x.endMs) &&
    typeof x.position === 'object' &&
    x.position !== null
  );
}
