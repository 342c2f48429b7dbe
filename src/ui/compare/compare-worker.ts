/**
 * Runs a same-seed comparison off the main thread: both runs take a second or two of engine time.
 * Its own small worker, so the session's engine worker and its protocol are untouched.
 */
import { runComparison, type ComparisonId } from '../../engine';
import type { ComparisonData } from './compare-client';

self.onmessage = (e: MessageEvent<{ id: ComparisonId }>) => {
  try {
    const { spec, ...rest } = runComparison(e.data.id);
    const data: ComparisonData = { id: spec.id, ...rest };
    self.postMessage({ ok: true, data });
  } catch (err) {
    self.postMessage({ ok: false, message: err instanceof Error ? err.message : String(err) });
  }
};
