/**
 * Asks the comparison worker for a comparison's two runs, once per comparison per page: the runs
 * are deterministic, so a result never goes stale.
 */
import type { ComparisonId, ComparisonResult } from '../../engine';

/** What crosses from the worker: the result without its spec (the spec holds the script's functions). */
export type ComparisonData = Omit<ComparisonResult, 'spec'> & { id: ComparisonId };

const cache = new Map<ComparisonId, Promise<ComparisonData>>();

export function loadComparison(id: ComparisonId): Promise<ComparisonData> {
  let p = cache.get(id);
  if (!p) {
    p = new Promise<ComparisonData>((resolve, reject) => {
      const worker = new Worker(new URL('./compare-worker.ts', import.meta.url), { type: 'module' });
      worker.onmessage = (
        e: MessageEvent<{ ok: true; data: ComparisonData } | { ok: false; message: string }>,
      ) => {
        worker.terminate();
        if (e.data.ok) resolve(e.data.data);
        else reject(new Error(e.data.message));
      };
      worker.onerror = (e) => {
        worker.terminate();
        reject(new Error(e.message || 'The comparison worker failed.'));
      };
      worker.postMessage({ id });
    });
    // A failed run may be tried again.
    p.catch(() => cache.delete(id));
    cache.set(id, p);
  }
  return p;
}
