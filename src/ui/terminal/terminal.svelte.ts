/**
 * The terminal's state: the line being typed, history, the transcript (saved per session and
 * shown up to the playhead), and the command running in the worker. Commands joined by `;` and
 * `&&` run one after another; a long-running one is polled each time the simulation moves.
 */
import { complete, parseLine, ShellSyntaxError, type Pipeline } from '../../cli';
import type { ClusterSnapshot } from '../../engine';
import type { CliAction, CliReply } from '../../bridge/protocol';
import {
  browserStorage,
  loadHistory,
  loadTranscript,
  remember,
  saveHistory,
  saveTranscript,
  type KeyValueStore,
  type TranscriptEntry,
} from './terminal-store';

/** What the terminal needs of the engine session. */
export interface TerminalBackend {
  readonly sessionId: string | undefined;
  readonly nowMs: number;
  readonly inPast: boolean;
  readonly snapshot: ClusterSnapshot | undefined;
  cli(action: CliAction): Promise<CliReply>;
  onBatch(listener: () => void): () => void;
}

export class TerminalState {
  line = $state('');
  entries = $state<TranscriptEntry[]>([]);
  clearedBefore = $state(0);
  /** The running command's prompt (`>`), or null when none runs; `running` says if one does. */
  running = $state(false);
  runningPrompt = $state<string | null>(null);
  /** Completion candidates shown under the line after an ambiguous Tab. */
  candidates = $state<string[]>([]);

  private history: string[];
  private historyAt: number | null = null;
  private queue: Pipeline[] = [];
  private busy = false;
  private pollWanted = false;
  private loadedFor: string | undefined;
  private readonly store: KeyValueStore | undefined;

  constructor(
    private readonly backend: TerminalBackend,
    store: KeyValueStore | undefined = browserStorage(),
  ) {
    this.store = store;
    this.history = loadHistory(store);
  }

  /** Connect to the session's batches; returns the disconnect. */
  connect(): () => void {
    this.reload();
    return this.backend.onBatch(() => {
      this.reload();
      if (this.running) this.poll();
    });
  }

  /** The entries shown: not cleared, and typed at or before the playhead. */
  visible(nowMs: number): TranscriptEntry[] {
    return this.entries.slice(this.clearedBefore).filter((e) => e.atMs <= nowMs);
  }

  private reload(): void {
    const id = this.backend.sessionId;
    if (id === undefined || id === this.loadedFor) return;
    this.loadedFor = id;
    const t = loadTranscript(this.store, id);
    this.entries = t.entries;
    this.clearedBefore = t.clearedBefore;
  }

  private save(): void {
    const id = this.backend.sessionId;
    if (id) saveTranscript(this.store, id, { entries: this.entries, clearedBefore: this.clearedBefore });
  }

  /** Enter. */
  submit(): void {
    const text = this.line;
    this.line = '';
    this.candidates = [];
    this.historyAt = null;
    if (this.running) {
      this.append({ input: text, prompt: this.runningPrompt ?? '', stdout: '', stderr: '' });
      void this.send({ kind: 'input', line: text });
      return;
    }
    this.history = remember(this.history, text);
    saveHistory(this.store, this.history);
    // Typing in the past forks the timeline: the transcript of the abandoned future goes with it.
    if (this.backend.inPast) this.entries = this.entries.filter((e) => e.atMs <= this.backend.nowMs);
    const entry = this.append({ input: text, prompt: '$', stdout: '', stderr: '' });
    let pipelines: Pipeline[];
    try {
      pipelines = parseLine(text);
    } catch (e) {
      if (!(e instanceof ShellSyntaxError)) throw e;
      entry.stderr = `bash: ${e.message}\n`;
      this.save();
      return;
    }
    this.queue = pipelines;
    this.joinBefore = null;
    this.next(0);
  }

  /** Run the next queued command: `a && b` runs b only if a succeeded, `a ; b` regardless. */
  private next(lastExit: number): void {
    for (;;) {
      const p = this.queue.shift();
      if (!p) {
        this.save();
        return;
      }
      const join = this.joinBefore;
      this.joinBefore = p.then;
      if (join === '&&' && lastExit !== 0) continue;
      if (p.words[0] === 'clear') {
        this.clear();
        lastExit = 0;
        continue;
      }
      void this.send({ kind: 'run', words: p.words });
      return;
    }
  }
  private joinBefore: ';' | '&&' | null = null;

  private async send(action: CliAction): Promise<void> {
    this.busy = true;
    const reply = await this.backend.cli(action);
    this.busy = false;
    this.output(reply);
    if (this.pollWanted && this.running) {
      this.pollWanted = false;
      this.poll();
    }
  }

  private poll(): void {
    if (this.busy) {
      this.pollWanted = true;
      return;
    }
    void this.send({ kind: 'poll' });
  }

  private output(reply: CliReply): void {
    const last = this.entries[this.entries.length - 1];
    if (last && (reply.stdout || reply.stderr)) {
      last.stdout += reply.stdout;
      last.stderr += reply.stderr;
    }
    this.running = reply.running;
    this.runningPrompt = reply.prompt;
    if (reply.exitCode !== undefined && !reply.running) this.next(reply.exitCode);
    else this.save();
  }

  private append(e: Omit<TranscriptEntry, 'atMs'>): TranscriptEntry {
    this.entries.push({ ...e, atMs: this.backend.nowMs });
    return this.entries[this.entries.length - 1]!;
  }

  /** Ctrl-C: stop the running command, or abandon the line being typed. */
  interrupt(): void {
    if (this.running) {
      this.queue = [];
      void this.send({ kind: 'interrupt' });
      return;
    }
    this.append({ input: `${this.line}^C`, prompt: '$', stdout: '', stderr: '' });
    this.line = '';
    this.candidates = [];
    this.save();
  }

  /** Ctrl-D: end of input for the running command. */
  endOfInput(): void {
    if (this.running) void this.send({ kind: 'eof' });
  }

  /** Ctrl-L / `clear`. */
  clear(): void {
    this.clearedBefore = this.entries.length;
    this.save();
  }

  /** ↑ (-1) and ↓ (+1) through the history. */
  recall(step: -1 | 1): void {
    if (this.history.length === 0) return;
    const at = this.historyAt ?? this.history.length;
    const next = Math.min(this.history.length, Math.max(0, at + step));
    this.historyAt = next;
    this.line = next === this.history.length ? '' : this.history[next]!;
  }

  /** Tab: complete the word left of the cursor; returns the new cursor position. */
  complete(cursor: number): number {
    const before = this.line.slice(0, cursor);
    const found = complete(before, this.backend.snapshot ?? null);
    if (found.length === 0) return cursor;
    const word = before.slice(before.search(/\S*$/));
    const common = found.reduce((a, b) => {
      let i = 0;
      while (i < a.length && a[i] === b[i]) i++;
      return a.slice(0, i);
    });
    const insert = (found.length === 1 ? `${found[0]!} ` : common).slice(word.length);
    this.candidates = found.length > 1 ? found : [];
    this.line = before + insert + this.line.slice(cursor);
    return cursor + insert.length;
  }
}

/** Ctrl-W: the line with the word before the cursor removed, and the new cursor. */
export function deleteWord(line: string, cursor: number): { line: string; cursor: number } {
  const before = line.slice(0, cursor).replace(/\S*\s*$/, '');
  return { line: before + line.slice(cursor), cursor: before.length };
}
