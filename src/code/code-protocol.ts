/**
 * Messages between the Code tool (the page) and its code worker. The page relays the worker's
 * socket actions to the engine worker and hands it every batch's time and socket output.
 */
import type { WireAction, WireOut } from '../bridge/wire-types';

export type ToCodeWorker =
  /** Run this learner's code; the simulation's clock reads `nowMs`. */
  | { type: 'start'; code: string; nowMs: number }
  /** A batch arrived: virtual time is `nowMs`, and the sockets' output since the last one. */
  | { type: 'tick'; nowMs: number; out: WireOut[] };

export type ConsoleLevel = 'log' | 'info' | 'warn' | 'error';

export type FromCodeWorker =
  | { type: 'console'; level: ConsoleLevel; text: string }
  | { type: 'wire'; action: WireAction }
  /** The script's top level finished (its clients may go on until Stop); `error` if it threw. */
  | { type: 'finished'; error?: string };
