/**
 * One tab per session. Two tabs writing the same session would interleave two timelines' writes;
 * instead each tab takes a Web Lock named after its session for as long as it has the session
 * open. A second tab that wants the same session (a duplicated tab, a second window) finds the lock
 * taken and works on a copy under a new id. Locks are released by the browser when the tab (or its
 * worker) goes away, crash included, so a closed tab never leaves a session stuck.
 */
const PREFIX = 'streamlab:session:';

export interface SessionLocks {
  /** Take the session for this tab; false if another tab has it. */
  acquire(id: string): Promise<boolean>;
  release(id: string): void;
  /** Sessions some tab holds right now. */
  held(): Promise<Set<string>>;
}

export class WebSessionLocks implements SessionLocks {
  private readonly releases = new Map<string, () => void>();

  constructor(private readonly locks: LockManager) {}

  acquire(id: string): Promise<boolean> {
    if (this.releases.has(id)) return Promise.resolve(true);
    return new Promise((resolve) => {
      this.locks
        .request(PREFIX + id, { ifAvailable: true }, (lock) => {
          if (!lock) {
            resolve(false);
            return undefined;
          }
          resolve(true);
          // Held until released: the lock lives as long as this promise is pending.
          return new Promise<void>((release) => this.releases.set(id, release));
        })
        .catch(() => resolve(false));
    });
  }

  release(id: string): void {
    this.releases.get(id)?.();
    this.releases.delete(id);
  }

  held(): Promise<Set<string>> {
    return heldSessions(this.locks);
  }
}

/** Sessions some tab holds right now, by their locks (the page asks too: src/ui/open-guard.ts). */
export async function heldSessions(locks: LockManager): Promise<Set<string>> {
  const state = await locks.query();
  const names = (state.held ?? []).map((l) => l.name ?? '');
  return new Set(names.filter((n) => n.startsWith(PREFIX)).map((n) => n.slice(PREFIX.length)));
}

/**
 * Locks within one JavaScript realm: for tests (each `tab()` behaves like one tab of a browser)
 * and for browsers without Web Locks, where a tab can only know its own sessions.
 */
export class LocalLockRegistry {
  private readonly owners = new Map<string, object>();

  tab(): SessionLocks {
    const me = {};
    return {
      acquire: async (id) => {
        const owner = this.owners.get(id);
        if (owner && owner !== me) return false;
        this.owners.set(id, me);
        return true;
      },
      release: (id) => {
        if (this.owners.get(id) === me) this.owners.delete(id);
      },
      held: async () => new Set(this.owners.keys()),
    };
  }
}

export function defaultLocks(): SessionLocks {
  return typeof navigator !== 'undefined' && navigator.locks
    ? new WebSessionLocks(navigator.locks)
    : new LocalLockRegistry().tab();
}
