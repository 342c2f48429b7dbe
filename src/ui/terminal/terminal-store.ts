/**
 * What the terminal keeps across reloads (localStorage): the command history (shared by all
 * sessions, capped like a shell's) and each session's transcript. Stored text is only ever shown
 * as text. A full or blocked storage just means nothing is kept.
 */

export interface TranscriptEntry {
  /** Virtual time the command was typed at: the transcript follows the playhead. */
  atMs: number;
  /** What was typed (a command, or a line given to a running command). */
  input: string;
  /** The prompt shown before it (`$` for a command, `>` for the console producer's lines). */
  prompt: string;
  stdout: string;
  stderr: string;
}

export interface SavedTranscript {
  entries: TranscriptEntry[];
  /** Entries before this index were cleared from view (Ctrl-L, `clear`). */
  clearedBefore: number;
}

export const HISTORY_MAX = 100;
const ENTRIES_MAX = 400;
const OUTPUT_MAX_CHARS = 20000;
const HISTORY_KEY = 'streamlab.terminal.history';
const transcriptKey = (sessionId: string) => `streamlab.terminal.transcript.${sessionId}`;

export interface KeyValueStore {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
}

export function browserStorage(): KeyValueStore | undefined {
  try {
    return window.localStorage;
  } catch {
    return undefined;
  }
}

function read(store: KeyValueStore | undefined, key: string): unknown {
  try {
    const text = store?.getItem(key);
    return text ? (JSON.parse(text) as unknown) : undefined;
  } catch {
    return undefined;
  }
}

function write(store: KeyValueStore | undefined, key: string, value: unknown): void {
  try {
    store?.setItem(key, JSON.stringify(value));
  } catch {
    // storage full or blocked: the terminal still works, it just forgets on reload
  }
}

const isString = (v: unknown): v is string => typeof v === 'string';

export function loadHistory(store: KeyValueStore | undefined): string[] {
  const v = read(store, HISTORY_KEY);
  return Array.isArray(v) ? v.filter(isString).slice(-HISTORY_MAX) : [];
}

export function saveHistory(store: KeyValueStore | undefined, history: readonly string[]): void {
  write(store, HISTORY_KEY, history.slice(-HISTORY_MAX));
}

/** Add a line to the history: no blanks, no repeat of the newest line. */
export function remember(history: readonly string[], line: string): string[] {
  if (line.trim() === '' || history[history.length - 1] === line) return [...history];
  return [...history, line].slice(-HISTORY_MAX);
}

function isEntry(v: unknown): v is TranscriptEntry {
  if (typeof v !== 'object' || v === null) return false;
  const e = v as Record<string, unknown>;
  return (
    typeof e.atMs === 'number' &&
    isString(e.input) &&
    isString(e.prompt) &&
    isString(e.stdout) &&
    isString(e.stderr)
  );
}

export function loadTranscript(store: KeyValueStore | undefined, sessionId: string): SavedTranscript {
  const v = read(store, transcriptKey(sessionId)) as Partial<SavedTranscript> | undefined;
  const entries = Array.isArray(v?.entries) ? v.entries.filter(isEntry) : [];
  const clearedBefore = typeof v?.clearedBefore === 'number' ? v.clearedBefore : 0;
  return { entries, clearedBefore: Math.min(clearedBefore, entries.length) };
}

export function saveTranscript(
  store: KeyValueStore | undefined,
  sessionId: string,
  t: SavedTranscript,
): void {
  const drop = Math.max(0, t.entries.length - ENTRIES_MAX);
  const entries = t.entries.slice(drop).map((e) => ({
    ...e,
    stdout: e.stdout.slice(-OUTPUT_MAX_CHARS),
    stderr: e.stderr.slice(-OUTPUT_MAX_CHARS),
  }));
  write(store, transcriptKey(sessionId), { entries, clearedBefore: Math.max(0, t.clearedBefore - drop) });
}
