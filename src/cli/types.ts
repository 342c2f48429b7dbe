/**
 * The terminal's contract (docs/cli.md): a command line runs against a simulation and either
 * finishes at once with its output, or returns a handle that yields output as the simulation
 * advances (console consumer, console producer reading typed lines) and can be interrupted.
 */
import type { Command, CommandId, ClusterSnapshot, EngineEvent, LogRecord } from '../engine';

/**
 * What the CLI needs of a simulation: the facade's read side, plus `dispatch`. The worker hands in
 * an adapter whose `dispatch` records the command on the timeline, so a CLI action replays like a
 * click; tests hand in the Simulation itself.
 */
export interface CliTarget {
  dispatch(command: Command): CommandId;
  snapshot(): ClusterSnapshot;
  events(sinceSeq?: number): EngineEvent[];
  /** The seq of the newest event (the trace's length: seqs start at 1 with no gaps). */
  lastSeq(): number;
  readLog(broker: number, topic: string, partition: number): LogRecord[];
  now(): number;
  /** The cluster's broker configs (defaults such as `min.insync.replicas`), when known. */
  readonly brokerConfig?: Readonly<Record<string, string | number | boolean>>;
}

export interface CliResult {
  stdout: string;
  stderr: string;
  exitCode: number;
}

/** Output a running command produced since it was last asked. */
export interface CliChunk {
  stdout: string;
  stderr: string;
  /** Set once the command has finished; no more output follows. */
  exitCode?: number;
}

export interface CliHandle {
  /** The first output (a prompt, a warning) before the simulation moves. */
  readonly started: CliChunk;
  /** The prompt to show while the command reads typed lines (`>` for the console producer). */
  readonly prompt: string | null;
  /** New output after the simulation advanced. */
  poll(target: CliTarget): CliChunk;
  /** A line the user typed while the command runs (the console producer's records). */
  input(target: CliTarget, line: string): CliChunk;
  /** Ctrl-C. */
  interrupt(target: CliTarget): CliChunk;
  /** Ctrl-D: end of input (the console producer closes). */
  endOfInput(target: CliTarget): CliChunk;
}

export type CliOutcome = CliResult | CliHandle;

export function isHandle(outcome: CliOutcome): outcome is CliHandle {
  return 'poll' in outcome;
}

export const done = (stdout: string, stderr = '', exitCode = 0): CliResult => ({ stdout, stderr, exitCode });
