/**
 * A copy of the engine's state for checkpoints (the worker's keyframes), much faster than `structuredClone` because it knows
 * what the engine never changes once created: record batches (decision 0001) and scheduled
 * entries — a timer or a message delivery waiting in the scheduler, message body included. The
 * arrays holding them are copied (they change); the things in them are shared. Everything else is
 * copied deeply, and an object reached twice is copied once, so aliasing inside the state survives
 * exactly as with `structuredClone`. `checkpoint.test.ts` freezes those shared objects in a busy
 * run to prove the engine leaves them alone.
 *
 * Measured on a produce-heavy state at 100 000 events (3 975 scheduled entries, most of them
 * cancelled timers still waiting, 16 400 objects outside the logs): `structuredClone` without the
 * logs 8.8 ms, a deep copy sharing batches 3 ms, sharing scheduled entries too 0.3 ms.
 */
import type { KernelState } from './kernel/kernel';
import { replicaLogsOf } from './replica-logs';

export function cloneState(state: KernelState): KernelState {
  // Arrays copied as arrays, their (immutable) items shared.
  const shallow = new Set<unknown[]>([state.sched.heap, ...replicaLogsOf(state).map((l) => l.log.batches)]);
  const copies = new Map<object, unknown>();

  const clone = (value: unknown): unknown => {
    if (typeof value !== 'object' || value === null) return value;
    const known = copies.get(value);
    if (known !== undefined) return known;
    if (Array.isArray(value)) {
      if (shallow.has(value)) return remember(value, value.slice());
      const out: unknown[] = remember(value, new Array<unknown>(value.length));
      for (let i = 0; i < value.length; i++) out[i] = clone(value[i]);
      return out;
    }
    if (value instanceof Set) {
      const out = remember(value, new Set<unknown>());
      for (const item of value) out.add(clone(item));
      return out;
    }
    // Anything unusual (a Map, a typed array) gets the platform's copy: correct, just slower.
    if (Object.getPrototypeOf(value) !== Object.prototype) return remember(value, structuredClone(value));
    const source = value as Record<string, unknown>;
    const out: Record<string, unknown> = remember(value, {});
    for (const key in source) out[key] = clone(source[key]);
    return out;
  };

  function remember<T>(original: object, copy: T): T {
    copies.set(original, copy);
    return copy;
  }

  return clone(state) as KernelState;
}
