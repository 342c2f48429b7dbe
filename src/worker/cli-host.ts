/**
 * The terminal's side of the worker: runs src/cli against the session's timeline. Whatever a
 * command dispatches goes through `timeline.dispatch`, so it is recorded like a click (it replays,
 * scrubs, forks and travels in share links). One command runs at a time; a long-running one
 * (console consumer, console producer) stays here between requests and is polled after time moves.
 */
import { executeWords, isHandle, type CliChunk, type CliHandle, type CliTarget } from '../cli';
import type { CliAction, CliReply } from '../bridge/protocol';
import type { Timeline } from './timeline';

export class CliHost {
  private handle: CliHandle | undefined;

  /** Run one action; `changed` tells the caller to save (a command was recorded). */
  act(timeline: Timeline, action: CliAction): { reply: CliReply; changed: boolean } {
    let changed = false;
    const target: CliTarget = {
      dispatch: (command) => {
        const id = timeline.dispatch(command);
        changed = true;
        return id;
      },
      snapshot: () => timeline.sim.snapshot(),
      events: (since) => timeline.sim.events(since),
      lastSeq: () => timeline.traceLength(),
      readLog: (b, t, p) => timeline.sim.readLog(b, t, p),
      now: () => timeline.nowMs(),
      brokerConfig: timeline.sim.options.brokerConfig,
    };
    const chunk = this.step(target, action);
    if (chunk.exitCode !== undefined) this.handle = undefined;
    return {
      reply: { ...chunk, running: this.handle !== undefined, prompt: this.handle?.prompt ?? null },
      changed,
    };
  }

  private step(target: CliTarget, action: CliAction): CliChunk {
    const h = this.handle;
    switch (action.kind) {
      case 'run': {
        // Refused without an exit code: the running command goes on.
        if (h) return { stdout: '', stderr: 'A command is still running (Ctrl-C stops it).\n' };
        const out = executeWords(target, action.words);
        if (!isHandle(out)) return out;
        this.handle = out;
        return out.started;
      }
      case 'poll':
        return h ? h.poll(target) : { stdout: '', stderr: '', exitCode: 0 };
      case 'input':
        return h
          ? merge(h.poll(target), h.input(target, action.line))
          : { stdout: '', stderr: '', exitCode: 0 };
      case 'interrupt':
        return h ? merge(h.poll(target), h.interrupt(target)) : { stdout: '', stderr: '', exitCode: 130 };
      case 'eof':
        return h ? merge(h.poll(target), h.endOfInput(target)) : { stdout: '', stderr: '', exitCode: 0 };
    }
  }
}

function merge(a: CliChunk, b: CliChunk): CliChunk {
  if (a.exitCode !== undefined) return a;
  return {
    stdout: a.stdout + b.stdout,
    stderr: a.stderr + b.stderr,
    ...(b.exitCode !== undefined ? { exitCode: b.exitCode } : {}),
  };
}
