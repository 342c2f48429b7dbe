import { expect, test } from 'vitest';
import {
  HISTORY_MAX,
  loadHistory,
  loadTranscript,
  remember,
  saveHistory,
  saveTranscript,
  type KeyValueStore,
} from './terminal-store';

function memory(): KeyValueStore & { data: Map<string, string> } {
  const data = new Map<string, string>();
  return { data, getItem: (k) => data.get(k) ?? null, setItem: (k, v) => void data.set(k, v) };
}

test('history skips blanks and repeats, keeps the newest HISTORY_MAX, survives a reload', () => {
  let h: string[] = [];
  for (let i = 0; i < HISTORY_MAX + 5; i++) h = remember(h, `cmd ${i}`);
  h = remember(remember(h, 'cmd 104'), '  ');
  expect(h).toHaveLength(HISTORY_MAX);
  expect(h[0]).toBe('cmd 5');
  const store = memory();
  saveHistory(store, h);
  expect(loadHistory(store)).toEqual(h);
});

test('a transcript round-trips per session; malformed storage is ignored, never trusted', () => {
  const store = memory();
  const entry = { atMs: 5, input: '<b>x</b>', prompt: '$', stdout: 'out', stderr: '' };
  saveTranscript(store, 's1', { entries: [entry], clearedBefore: 0 });
  expect(loadTranscript(store, 's1')).toEqual({ entries: [entry], clearedBefore: 0 });
  expect(loadTranscript(store, 's2')).toEqual({ entries: [], clearedBefore: 0 });
  store.data.set('streamlab.terminal.transcript.s3', '{"entries":[{"atMs":"x"}, 3],"clearedBefore":9}');
  expect(loadTranscript(store, 's3')).toEqual({ entries: [], clearedBefore: 0 });
  store.data.set('streamlab.terminal.history', 'not json');
  expect(loadHistory(store)).toEqual([]);
});
