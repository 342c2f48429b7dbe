/**
 * The code worker's world, set up before KafkaJS loads and before the learner's code runs:
 * Node's globals KafkaJS expects (`Buffer`, `process`, `global`), the simulation's clock in
 * place of the real one, `console` sent to the Code tool's console pane, and the worker's doors
 * to the app's storage removed (IndexedDB, Cache Storage, BroadcastChannel, Web Locks), so the
 * learner's code can reach the cluster only through KafkaJS's sockets.
 */
import type { ConsoleLevel } from './code-protocol';
import { NodeBuffer } from './node-buffer';
import { VirtualClock } from './virtual-clock';

type Global = Record<string, unknown>;

/** Text of console arguments, as Node's console would print them (never HTML). */
export function consoleText(args: readonly unknown[]): string {
  return args
    .map((a) => {
      if (typeof a === 'string') return a;
      if (a instanceof Error)
        return a.stack && a.stack.includes(a.message) ? a.stack : `${a.name}: ${a.message}`;
      if (typeof a === 'bigint') return `${a}n`;
      if (a instanceof Uint8Array)
        return `<Buffer ${Array.from(a.subarray(0, 50), (b) => b.toString(16).padStart(2, '0')).join(' ')}${a.length > 50 ? ' …' : ''}>`;
      try {
        return JSON.stringify(a, (_k, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v)) ?? String(a);
      } catch {
        return String(a);
      }
    })
    .join(' ');
}

/** Install the virtual clock; returns it. Real timers stay available to the caller as `soon`. */
export function installClock(startMs: number): { clock: VirtualClock; soon: (fn: () => void) => void } {
  const g = globalThis as unknown as Global;
  const realSetTimeout = globalThis.setTimeout.bind(globalThis);
  const soon = (fn: () => void) => void realSetTimeout(fn, 0);
  const clock = new VirtualClock(startMs, soon);
  g.setTimeout = (fn: (...a: unknown[]) => void, ms?: number, ...args: unknown[]) =>
    clock.setTimeout(fn, ms, args);
  g.setInterval = (fn: (...a: unknown[]) => void, ms?: number, ...args: unknown[]) =>
    clock.setInterval(fn, ms, args);
  g.clearTimeout = (id: unknown) => clock.clear(id);
  g.clearInterval = (id: unknown) => clock.clear(id);
  g.setImmediate = (fn: (...a: unknown[]) => void, ...args: unknown[]) => clock.setTimeout(fn, 0, args);
  const RealDate = Date;
  // `new Date()` and `Date.now()` read the simulation's clock (virtual ms since 1970-01-01).
  const VirtualDate = function (this: unknown, ...args: unknown[]) {
    if (!new.target) return new RealDate(clock.now()).toString();
    return args.length === 0
      ? new RealDate(clock.now())
      : new (RealDate as unknown as new (...a: unknown[]) => Date)(...args);
  } as unknown as DateConstructor;
  Object.setPrototypeOf(VirtualDate, RealDate);
  Object.defineProperty(VirtualDate, 'prototype', { value: RealDate.prototype });
  (VirtualDate as { now: () => number }).now = () => clock.now();
  g.Date = VirtualDate;
  Object.defineProperty(performance, 'now', { value: () => clock.now(), configurable: true });
  return { clock, soon };
}

/** Node's globals KafkaJS reads. */
export function installNodeGlobals(clock: VirtualClock): void {
  const g = globalThis as unknown as Global;
  g.global = globalThis;
  g.Buffer = NodeBuffer;
  g.process = {
    // KafkaJS's one-time notice about its v2 partitioner change is noise for a learner here.
    env: { KAFKAJS_NO_PARTITIONER_WARNING: '1' },
    hrtime(previous?: [number, number]): [number, number] {
      const ns = clock.now() * 1e6 - (previous ? previous[0] * 1e9 + previous[1] : 0);
      return [Math.floor(ns / 1e9), ns % 1e9];
    },
    nextTick: (fn: (...a: unknown[]) => void, ...args: unknown[]) => queueMicrotask(() => fn(...args)),
  };
}

/** console.* → the Code tool's console pane. */
export function installConsole(post: (level: ConsoleLevel, text: string) => void): void {
  const c = console as unknown as Record<string, unknown>;
  for (const level of ['log', 'info', 'warn', 'error'] as const)
    c[level] = (...args: unknown[]) => post(level, consoleText(args));
  c.debug = (...args: unknown[]) => post('log', consoleText(args));
}

/** Remove the worker's ways to the app's own storage and other tabs (from the prototypes too). */
export function lockDown(): void {
  const names = ['indexedDB', 'caches', 'BroadcastChannel', 'SharedWorker', 'importScripts'];
  for (let o: object | null = globalThis; o; o = Object.getPrototypeOf(o))
    for (const name of names)
      if (Object.prototype.hasOwnProperty.call(o, name)) Reflect.deleteProperty(o, name);
  for (let o: object | null = navigator; o; o = Object.getPrototypeOf(o))
    if (Object.prototype.hasOwnProperty.call(o, 'locks')) Reflect.deleteProperty(o, 'locks');
}
