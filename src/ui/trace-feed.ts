/**
 * What a lazily loaded view that folds the trace (the Streams and Flink views) does when it opens:
 * read what the trace already holds up to the playhead, then follow the session's batches. The
 * window is read first so a batch arriving meanwhile is not folded before the events it follows.
 */
import type { EngineEvent } from '../engine/index';
import type { EngineSession } from './engine-session.svelte';

interface TraceFeed {
  apply(batch: { events: EngineEvent[]; nowMs: number }): void;
  connect(session: EngineSession): () => void;
}

/** Starts `feed` on `session`; returns the cleanup for the view's `$effect`. */
export function followTrace(feed: TraceFeed, session: EngineSession, nowMs: number): () => void {
  let disconnect: (() => void) | undefined;
  let live = true;
  void session.traceWindow(0, nowMs, 200_000).then((w) => {
    if (!live) return;
    if (w) feed.apply({ events: w.events, nowMs });
    disconnect = feed.connect(session);
  });
  return () => {
    live = false;
    disconnect?.();
  };
}
