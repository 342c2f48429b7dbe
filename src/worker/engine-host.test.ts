import 'fake-indexeddb/auto';
import { describe, expect, it, vi } from 'vitest';
import { createSimulation, formatTrace, replaySimulation, type SimulationOptions } from '../engine';
import { scenarioAtEnd, type Scenario } from '../bridge/scenario';
import { produceBursts } from '../engine/testing/scenario';
import { EngineHost } from './engine-host';
import type { Batch, OpenPlan, WorkerMessage } from '../bridge/protocol';
import { LocalLockRegistry, type SessionLocks } from '../bridge/session-locks';
import { MemorySessionStore, openSessionStore, type SessionStore } from './session-store';
import type { WritePacing } from './write-queue';
import type { Timeline } from './timeline';
import { FLUSH_DELAY_MS, JUMP_REST_MS, KEYFRAME_STORE_EVERY_ACTIONS } from './session-writer';

const options: SimulationOptions = { seed: 1, brokers: 3 };
const fresh = (atMs?: number): OpenPlan => ({
  kind: 'fresh',
  session: atMs === undefined ? { options } : { options, atMs },
});
let dbCount = 0;
let ids = 0;

/** A "tab": a host with its own message list, on a shared database and lock registry. */
function tab(store: SessionStore, locks: SessionLocks) {
  const messages: WorkerMessage[] = [];
  const host = new EngineHost({
    post: (m) => messages.push(structuredClone(m)),
    openStore: async () => ({ store, persistent: true }),
    locks,
    newId: () => `session-${++ids}`,
  });
  const last = <T extends WorkerMessage['type']>(type: T) =>
    messages.filter((m): m is Extract<WorkerMessage, { type: T }> => m.type === type).at(-1);
  const lastBatch = (): Batch | undefined => {
    for (let i = messages.length - 1; i >= 0; i--) {
      const m = messages[i]!;
      if ('batch' in m) return m.batch;
    }
    return undefined;
  };
  return { host, messages, last, lastBatch, locks };
}

/**
 * Seek as the UI does: a long seek answers in wall-clock slices (`done: false`) and is asked
 * again until it arrives, so a loaded machine changes how many answers there are, not where
 * the seek ends.
 */
async function seek(t: ReturnType<typeof tab>, atMs: number): Promise<void> {
  for (let i = 0; i < 1000; i++) {
    await t.host.receive({ type: 'seek', atMs });
    const answer = t.messages.filter((m) => m.type === 'batch').at(-1) as { done?: boolean } | undefined;
    if (answer?.done !== false) return;
  }
  throw new Error(`seek to ${atMs} never arrived`);
}

async function browser() {
  const name = `streamlab-host-test-${++dbCount}`;
  const store = await openSessionStore(name);
  const locks = new LocalLockRegistry();
  return { name, store, locks, tab: () => tab(store, locks.tab()) };
}

function only<T extends WorkerMessage['type']>(messages: WorkerMessage[], type: T) {
  return messages.filter((m): m is Extract<WorkerMessage, { type: T }> => m.type === type);
}

describe('the engine host', () => {
  it('starts a session, runs it to the pinned time and reports ready with one batch', async () => {
    const b = await browser();
    const { host, messages } = b.tab();
    await host.receive({ type: 'init', open: fresh(1000) });
    // One answer (the confirmation that the new session is stored is for the page's journal).
    expect(messages.map((m) => m.type)).toEqual(['ready', 'commandsStored']);
    const [ready] = only(messages, 'ready');
    expect(ready?.storage).toEqual({ persistent: true, saved: false }); // the position follows shortly
    expect(ready?.session.origin).toBe('new');
    expect(ready?.batch.nowMs).toBe(1000);
    expect(ready?.batch.reset).toBe(true);
    expect(ready?.batch.snapshot.nodes.filter((n) => n.kind === 'broker')).toHaveLength(3);
  });

  it('answers each advance with exactly one batch, and never sends an event twice', async () => {
    const b = await browser();
    const { host, messages } = b.tab();
    await host.receive({ type: 'init', open: fresh() });
    for (const ms of [16, 17, 250, 0, 1000]) await host.receive({ type: 'advance', ms });
    const batches = only(messages, 'batch');
    expect(batches.map((m) => m.batch.nowMs)).toEqual([16, 33, 283, 283, 1283]);
    const seqs = [...only(messages, 'ready'), ...batches].flatMap((m) => m.batch.events.map((e) => e.seq));
    expect(seqs).toEqual(seqs.map((_, i) => i + 1));
    expect(batches.at(-1)?.batch.traceLength).toBe(seqs.length);
  });

  it('reports a rejected command with the engine’s code and keeps running', async () => {
    const b = await browser();
    const { host, messages } = b.tab();
    await host.receive({ type: 'init', open: fresh() });
    await host.receive({ type: 'dispatch', requestId: 7, command: { type: 'broker.crash', broker: 42 } });
    await host.receive({ type: 'advance', ms: 10 });
    expect(only(messages, 'rejected')[0]).toMatchObject({ requestId: 7, code: 'UNKNOWN_NODE' });
    expect(only(messages, 'batch')[0]?.batch.nowMs).toBe(10);
    expect(only(messages, 'fault')).toEqual([]);
  });

  it('reports misuse as a fault instead of dying', async () => {
    const b = await browser();
    const { host, messages } = b.tab();
    await host.receive({ type: 'advance', ms: 10 });
    await host.receive({ hello: 'world' });
    await host.receive({
      type: 'init',
      open: { kind: 'fresh', session: { options: { seed: 1, brokers: 0 } } },
    });
    await host.receive({ type: 'init', open: fresh() });
    await host.receive({ type: 'advance', ms: -5 });
    await host.receive({ type: 'run', condition: { kind: 'eval', code: 'alert(1)' }, limitMs: 10 });
    await host.receive({ type: 'advance', ms: 5 });
    expect(messages.map((m) => m.type)).toEqual([
      'fault',
      'fault',
      'fault',
      'ready',
      'commandsStored',
      'fault',
      'fault',
      'batch',
    ]);
    expect(only(messages, 'fault')[2]?.message).toMatch(/brokers/);
    expect(only(messages, 'fault')[4]?.message).toMatch(/not a condition/);
  });
});

describe('time travel through the host', () => {
  it('steps back, seeks, runs to an event type and forks; each answer is one batch', async () => {
    const b = await browser();
    const t = b.tab();
    const { host, messages, lastBatch } = t;
    await host.receive({ type: 'init', open: fresh(3000) });
    await host.receive({
      type: 'dispatch',
      requestId: 1,
      command: { type: 'topic.create', topic: 't', partitions: 1, replicationFactor: 3 },
    });
    await host.receive({
      type: 'run',
      condition: { kind: 'eventType', eventType: 'topic.created' },
      limitMs: 5000,
    });
    expect(only(messages, 'batch').at(-1)).toMatchObject({ cause: 'run', run: 'matched' });
    await host.receive({ type: 'advance', ms: 500 });
    const atEnd = lastBatch()!;

    await host.receive({ type: 'stepBack' });
    const back = lastBatch()!;
    expect(back.reset).toBe(true);
    expect(back.traceLength).toBeLessThan(atEnd.traceLength);
    expect(back.timeline.endMs).toBe(atEnd.nowMs);

    await seek(t, 1000);
    expect(lastBatch()?.nowMs).toBe(1000);
    await seek(t, atEnd.nowMs);
    expect(lastBatch()?.snapshot).toEqual(atEnd.snapshot);

    await seek(t, 2000);
    await host.receive({ type: 'dispatch', requestId: 2, command: { type: 'broker.crash', broker: 2 } });
    expect(lastBatch()?.timeline).toMatchObject({ endMs: 2000, inPast: false, canRestoreFuture: true });
    const crash = [[2000, 'broker.crash']];
    expect(lastBatch()?.timeline.faults.map((f) => [f.atMs, f.command.type])).toEqual(crash);
    // The scrubber shows faults in the recorded future too.
    await seek(t, 1500);
    expect(lastBatch()?.timeline.inPast).toBe(true);
    expect(lastBatch()?.timeline.faults.map((f) => [f.atMs, f.command.type])).toEqual(crash);
    await host.receive({ type: 'restoreFuture' });
    expect(lastBatch()?.timeline).toEqual({
      endMs: atEnd.nowMs,
      inPast: true,
      canRestoreFuture: false,
      faults: [],
    });
    await seek(t, atEnd.nowMs);
    expect(lastBatch()?.snapshot).toEqual(atEnd.snapshot);
  });
});

describe('saving and restoring sessions', () => {
  /** A tab that plays a busy session: a topic, a producer, sends, a crash. */
  async function busyTab(t: ReturnType<typeof tab>) {
    await t.host.receive({ type: 'init', open: fresh(3000) });
    let id = 1;
    const send = (command: object) => t.host.receive({ type: 'dispatch', requestId: id++, command });
    await send({ type: 'topic.create', topic: 'orders', partitions: 2, replicationFactor: 3 });
    await t.host.receive({ type: 'advance', ms: 500 });
    await send({ type: 'producer.create', producer: 'p1' });
    await t.host.receive({ type: 'advance', ms: 300 });
    for (let i = 0; i < 200; i++) {
      await send({
        type: 'producer.send',
        producer: 'p1',
        topic: 'orders',
        key: `k${i % 7}`,
        value: `v${i}`,
      });
      if (i % 10 === 0) await t.host.receive({ type: 'advance', ms: 20 });
    }
    await send({ type: 'broker.crash', broker: 3 });
    await t.host.receive({ type: 'advance', ms: 2000 });
  }

  it('a reload restores the same snapshot, the same trace and the same place in time', async () => {
    const b = await browser();
    const first = b.tab();
    await busyTab(first);
    await seek(first, 4100);
    await first.host.receive({ type: 'stepBack' });
    const before = first.lastBatch()!;
    const trace = formatTrace(first.host.current!.timeline.sim.events());
    const id = only(first.messages, 'ready')[0]!.session.id;
    await first.host.flushed();

    // The page reloads: the old worker is gone (and its lock with it); a new one starts on the
    // same database with the same tab session id.
    first.locks.release(id);
    const second = tab(b.store, b.locks.tab());
    await second.host.receive({
      type: 'init',
      open: { kind: 'restore', sessionId: id, fallback: { options } },
    });
    const ready = only(second.messages, 'ready')[0]!;
    expect(ready.session).toEqual({ id, origin: 'restored' });
    // The page is told which stored session is being replayed before the replay (open-guard.ts),
    // and the first batch says it opens a session (the views start a new story).
    expect(second.messages[0]).toEqual({ type: 'opening', sessionId: id });
    expect(ready.batch.opened).toBe(true);
    expect(before.opened).toBeUndefined();
    expect(ready.batch.nowMs).toBe(before.nowMs);
    expect(ready.batch.traceLength).toBe(before.traceLength);
    expect(ready.batch.snapshot).toEqual(before.snapshot);
    expect(ready.batch.timeline).toEqual({ ...before.timeline, canRestoreFuture: false });
    expect(formatTrace(second.host.current!.timeline.sim.events())).toBe(trace);
  });

  it('a reload resumes from the nearest stored keyframe, and its past is filled in to match a replay', async () => {
    const b = await browser();
    const first = b.tab();
    await busyTab(first);
    const timeline = () => first.host.current!.timeline;
    while (timeline().position().actions < KEYFRAME_STORE_EVERY_ACTIONS + 500) {
      await first.host.receive({ type: 'advance', ms: 2000 });
    }
    await first.host.flushed(); // at rest: a keyframe is stored here
    const keyframeAt = timeline().position().actions;
    await first.host.receive({ type: 'advance', ms: 700 }); // then a little further
    const before = first.lastBatch()!;
    const trace = formatTrace(timeline().sim.events());
    const id = first.host.current!.id;
    await first.host.flushed();
    expect((await b.store.loadSession(id))?.keyframe?.actions).toBe(keyframeAt);

    first.locks.release(id);
    const second = tab(b.store, b.locks.tab());
    await second.host.receive({
      type: 'init',
      open: { kind: 'restore', sessionId: id, fallback: { options } },
    });
    const ready = only(second.messages, 'ready')[0]!;
    const resumed = second.host.current!.timeline;
    expect(resumed.backfillPending).toBe(true); // it did not replay from the start
    expect(ready.batch.nowMs).toBe(before.nowMs);
    expect(ready.batch.traceLength).toBe(before.traceLength);
    expect(ready.batch.snapshot).toEqual(before.snapshot);
    expect(ready.batch.events).toEqual(timeline().sim.events(before.traceLength - ready.batch.events.length));
    // The past comes back in the background, between requests.
    await vi.waitFor(() => expect(resumed.backfillPending).toBe(false), { timeout: 20_000, interval: 20 });
    expect(formatTrace(resumed.sim.events())).toBe(trace);
    expect(only(second.messages, 'fault')).toEqual([]);
  });

  it('mirrors every replica log into chunked segments that match the simulation', async () => {
    const b = await browser();
    const t = b.tab();
    await busyTab(t);
    await t.host.flushed();
    const { id, timeline } = t.host.current!;
    const logs = (await b.store.openLogStore(id))!;
    const sim = timeline.sim;
    const expected = sim
      .snapshot()
      .topics.flatMap((topic) =>
        topic.partitions.flatMap((p) =>
          p.replicaStates.map((r) => ({ id: `broker-${r.broker}/${topic.name}-${p.partition}`, r, p })),
        ),
      );
    expect(await logs.logs()).toEqual(expected.map((e) => e.id).sort());
    for (const { id: log, r, p } of expected) {
      expect(await logs.bounds(log)).toEqual({ startOffset: r.logStartOffset, endOffset: r.logEndOffset });
      const stored = (await logs.read(log, 0, Infinity)).flatMap((batch) =>
        batch.records.map((x) => x.value),
      );
      const live = sim.readLog(r.broker, 'orders', p.partition).map((x) => x.value);
      expect(stored).toEqual(live);
    }
  });

  it('a tab closed in the middle of writing reopens to a consistent prefix', async () => {
    const b = await browser();
    const t = b.tab();
    await busyTab(t);
    await t.host.flushed();
    const id = t.host.current!.id;
    // More work, then the tab dies while its writes are in flight: the database closes under them.
    for (let i = 0; i < 30; i++) {
      await t.host.receive({
        type: 'dispatch',
        requestId: 1000 + i,
        command: { type: 'producer.send', producer: 'p1', topic: 'orders', key: null, value: `late-${i}` },
      });
      await t.host.receive({ type: 'advance', ms: 15 });
    }
    await t.host.receive({ type: 'flush' });
    b.store.close();

    const store = await openSessionStore(b.name);
    const stored = (await store.loadSession(id))!;
    // Whatever survived is a prefix of what was written, and replays to a session that matches
    // every stored log segment.
    const replay = replaySimulation(options, stored.commandLog);
    const full = t.host.current!.timeline.recorded().commands;
    expect(full.slice(0, stored.commandLog.length)).toEqual(stored.commandLog);
    const reopened = tab(store, new LocalLockRegistry().tab());
    await reopened.host.receive({
      type: 'init',
      open: { kind: 'restore', sessionId: id, fallback: { options } },
    });
    expect(only(reopened.messages, 'ready')[0]?.session.origin).toBe('restored');
    await reopened.host.flushed();
    const sim = reopened.host.current!.timeline.sim;
    const logs = (await store.openLogStore(id))!;
    for (const log of await logs.logs()) {
      const [node, tp] = log.split('/');
      const partition = Number(tp!.split('-').at(-1));
      const stored2 = (await logs.read(log, 0, Infinity)).flatMap((x) => x.records.map((r) => r.value));
      expect(stored2).toEqual(
        sim.readLog(Number(node!.split('-')[1]), 'orders', partition).map((r) => r.value),
      );
    }
    expect(replay.commandLog()).toEqual(stored.commandLog);
    store.close();
  });

  it('a second tab on the same session works on a copy; a plain visit resumes the newest free session', async () => {
    const b = await browser();
    const first = b.tab();
    await first.host.receive({ type: 'init', open: fresh(500) });
    await first.host.receive({
      type: 'dispatch',
      requestId: 1,
      command: { type: 'broker.crash', broker: 1 },
    });
    await first.host.flushed();
    const id = only(first.messages, 'ready')[0]!.session.id;

    const duplicate = b.tab(); // a duplicated tab carries the same tab session id
    await duplicate.host.receive({
      type: 'init',
      open: { kind: 'restore', sessionId: id, fallback: { options } },
    });
    const copy = only(duplicate.messages, 'ready')[0]!;
    expect(copy.session.origin).toBe('copied');
    expect(copy.notice).toMatch(/open in another tab.*works on a copy/);
    expect(copy.session.id).not.toBe(id);
    expect(copy.batch.snapshot).toEqual(first.lastBatch()!.snapshot);
    // Both write; neither disturbs the other.
    await duplicate.host.receive({
      type: 'dispatch',
      requestId: 2,
      command: { type: 'broker.crash', broker: 2 },
    });
    await first.host.receive({ type: 'advance', ms: 100 });
    await Promise.all([first.host.flushed(), duplicate.host.flushed()]);
    const a = await b.store.loadSession(id);
    const c = await b.store.loadSession(copy.session.id);
    expect(a?.commandLog.map((x) => x.command)).toEqual([{ type: 'broker.crash', broker: 1 }]);
    expect(c?.commandLog.map((x) => x.command)).toEqual([
      { type: 'broker.crash', broker: 1 },
      { type: 'broker.crash', broker: 2 },
    ]);

    const third = b.tab();
    await third.host.receive({ type: 'init', open: { kind: 'latest', fallback: { options } } });
    expect(only(third.messages, 'ready')[0]?.session.origin).toBe('new'); // both are open elsewhere
  });

  it('a plain visit does not resume an excluded session (a lesson’s cluster)', async () => {
    const b = await browser();
    const lessonLocks = b.locks.tab();
    const lesson = tab(b.store, lessonLocks);
    await lesson.host.receive({ type: 'init', open: fresh(500) });
    await lesson.host.flushed();
    const lessonId = only(lesson.messages, 'ready')[0]!.session.id;
    lessonLocks.release(lessonId); // the lesson's tab was closed
    const visit = b.tab();
    await visit.host.receive({
      type: 'init',
      open: { kind: 'latest', fallback: { options }, exclude: [lessonId] },
    });
    const ready = only(visit.messages, 'ready')[0]!;
    expect(ready.session.origin).toBe('new');
    expect(ready.session.id).not.toBe(lessonId);
    // Without the exclusion, the lesson's session is the one a plain visit would resume.
    const again = b.tab();
    await again.host.receive({ type: 'init', open: { kind: 'latest', fallback: { options } } });
    expect(only(again.messages, 'ready')[0]!.session).toMatchObject({ id: lessonId, origin: 'resumed' });
  });

  it('exports the session as a scenario that loads back to the identical session', async () => {
    const b = await browser();
    const t = b.tab();
    await busyTab(t);
    await seek(t, 3900);
    await t.host.receive({ type: 'export', requestId: 5 });
    const scenario = only(t.messages, 'exported')[0]!.scenario;
    const here = t.lastBatch()!;

    const other = (await browser()).tab();
    await other.host.receive({ type: 'init', open: { kind: 'scenario', scenario, fallback: { options } } });
    const ready = only(other.messages, 'ready')[0]!;
    expect(ready.session.origin).toBe('shared');
    expect(ready.batch.snapshot).toEqual(here.snapshot);
    expect(ready.batch.traceLength).toBe(here.traceLength);
    expect(ready.batch.timeline.endMs).toBe(here.timeline.endMs);

    // A scenario the engine refuses changes nothing.
    const bad = {
      ...scenario,
      commands: [{ atMs: 5, processed: 0, command: { type: 'broker.crash', broker: 99 } }],
    };
    await other.host.receive({ type: 'load', requestId: 9, scenario: bad });
    expect(only(other.messages, 'loadFailed')[0]?.message).toBe(
      'This scenario could not be opened: The command log does not match this simulation.',
    );
    await other.host.receive({ type: 'advance', ms: 0 });
    expect(other.lastBatch()?.snapshot).toEqual(here.snapshot);
  });
});

describe('storage failures', () => {
  it('runs in memory and says so when IndexedDB cannot open', async () => {
    const host = new EngineHost({
      post: () => {},
      openStore: async () => ({ store: new MemorySessionStore(), persistent: false, reason: 'private mode' }),
      locks: new LocalLockRegistry().tab(),
    });
    const messages: WorkerMessage[] = [];
    (host as unknown as { post: (m: WorkerMessage) => void }).post = (m) => messages.push(m);
    await host.receive({ type: 'init', open: fresh() });
    expect(only(messages, 'ready')[0]?.storage).toEqual({ persistent: false, reason: 'private mode' });
  });

  it('falls back to memory when a log write hits the quota, keeps the session and tells the UI', async () => {
    const b = await browser();
    const t = b.tab();
    await t.host.receive({ type: 'init', open: fresh(3000) });
    await t.host.flushed();
    // From now on every segment write fails the way a full disk does.
    const logs = (await b.store.openLogStore(t.host.current!.id))!;
    const proto = Object.getPrototypeOf(logs) as { append: (...a: unknown[]) => Promise<void> };
    const append = proto.append;
    proto.append = () => Promise.reject(new DOMException('quota', 'QuotaExceededError'));
    try {
      await t.host.receive({
        type: 'dispatch',
        requestId: 1,
        command: { type: 'topic.create', topic: 't', partitions: 1, replicationFactor: 3 },
      });
      await t.host.receive({
        type: 'dispatch',
        requestId: 2,
        command: { type: 'producer.create', producer: 'p' },
      });
      await t.host.receive({ type: 'advance', ms: 300 });
      await t.host.receive({
        type: 'dispatch',
        requestId: 3,
        command: { type: 'producer.send', producer: 'p', topic: 't', key: null, value: 'x' },
      });
      await t.host.receive({ type: 'advance', ms: 300 });
      await t.host.flushed();
    } finally {
      proto.append = append;
    }
    expect(t.last('storage')?.storage).toEqual({
      persistent: false,
      reason: 'the browser’s storage quota is used up',
    });
    expect(only(t.messages, 'fault')).toEqual([]);
    // It keeps running, in memory.
    await t.host.receive({ type: 'advance', ms: 100 });
    expect(t.lastBatch()?.nowMs).toBe(3700);
  });
});

describe('the page’s journal of accepted commands (decision 0008)', () => {
  it('a dispatch carries the logged command, and the worker confirms it once stored', async () => {
    const b = await browser();
    const { host, messages } = b.tab();
    await host.receive({ type: 'init', open: fresh(2500) });
    await host.receive({
      type: 'dispatch',
      requestId: 1,
      command: { type: 'topic.create', topic: 'orders', partitions: 1, replicationFactor: 1 },
    });
    const dispatched = only(messages, 'dispatched')[0]!;
    expect(dispatched.logged).toMatchObject({ from: 0, position: { commands: 1, nowMs: 2500 } });
    expect(dispatched.logged?.entries.map((e) => e.command.type)).toEqual(['topic.create']);
    await host.flushed();
    const stored = only(messages, 'commandsStored').at(-1)!;
    expect(stored.version).toBeGreaterThanOrEqual(dispatched.logged!.version);
  });

  it('a reload merges journaled commands the store never got, and opens after them', async () => {
    const b = await browser();
    const first = b.tab();
    await first.host.receive({ type: 'init', open: fresh(2500) });
    await first.host.flushed();
    const id = only(first.messages, 'ready')[0]!.session.id;
    // The tab accepts a command, then goes away before its write commits: simulated by taking
    // the journal entry from a second timeline that the store never saw.
    const { Timeline } = await import('./timeline');
    const other = new Timeline(options);
    other.advance(2500);
    other.dispatch({ type: 'topic.create', topic: 'orders', partitions: 1, replicationFactor: 1 });
    const { actions, nowMs } = other.position();
    first.locks.release(id);
    const second = b.tab();
    await second.host.receive({
      type: 'init',
      open: {
        kind: 'restore',
        sessionId: id,
        fallback: { options },
        journal: [
          {
            sessionId: id,
            from: 0,
            entries: other.commandsFrom(0),
            position: { actions, nowMs, commands: 1 },
            endMs: nowMs,
            version: -1,
          },
        ],
      },
    });
    const ready = only(second.messages, 'ready')[0]!;
    expect(ready.session).toEqual({ id, origin: 'restored' });
    expect(ready.batch.timeline.inPast).toBe(false);
    await second.host.flushed();
    const stored = await b.store.loadSession(id);
    expect(stored?.commandLog.map((e) => e.command.type)).toEqual(['topic.create']);
  });
});

describe('the guarantee checks after a step back', () => {
  it('do not hold up the answer: their report follows in a `checks` batch, describing the new past', async () => {
    let wall = 0;
    const messages: WorkerMessage[] = [];
    const host = new EngineHost({
      post: (m) => messages.push(structuredClone(m)),
      openStore: async () => ({ store: new MemorySessionStore(), persistent: false, reason: 'private mode' }),
      newId: () => `session-${++ids}`,
      clock: () => (wall += 1), // every look at the clock is a millisecond: budgets run out fast
    });
    await host.receive({ type: 'init', open: fresh() });
    await host.receive({ type: 'advance', ms: 3000 });
    await host.receive({
      type: 'dispatch',
      command: { type: 'topic.create', topic: 't', partitions: 3, replicationFactor: 3 },
    });
    await host.receive({ type: 'dispatch', command: { type: 'producer.create', producer: 'p' } });
    await host.receive({ type: 'advance', ms: 1000 });
    const burst = {
      type: 'producer.sendMany',
      producer: 'p',
      topic: 't',
      key: 'k',
      value: 'v',
      count: 2000,
    } as const;
    await host.receive({ type: 'dispatch', command: burst });
    await host.receive({ type: 'advance', ms: 2000 });
    const before = only(messages, 'batch').at(-1)!;
    expect(before.batch.traceLength).toBeGreaterThan(5 * 1024);
    await host.receive({ type: 'stepBack' });
    const back = only(messages, 'batch').at(-1)!;
    expect(back.cause).toBe('stepBack');
    expect(back.batch.guarantees).toBeUndefined(); // the checks start over: not waited for
    await checksBatch(messages);
    const checks = only(messages, 'batch').at(-1)!;
    expect(checks.cause).toBe('checks');
    expect(checks.batch.events).toEqual([]);
    expect(checks.batch.traceLength).toBe(back.batch.traceLength);
    expect(checks.batch.guarantees?.findings).toBeDefined(); // after a jump the findings are sent
    expect(checks.batch.guarantees?.metrics.length).toBeGreaterThan(0);
  });

  it('wait for the playhead to rest: a Back, a seek, then another Back are answered without them', async () => {
    const messages: WorkerMessage[] = [];
    const host = new EngineHost({
      post: (m) => messages.push(structuredClone(m)),
      openStore: async () => ({ store: new MemorySessionStore(), persistent: false, reason: 'private mode' }),
      newId: () => `session-${++ids}`,
      clock: () => 0, // budgets never run out: only the rest keeps the restart out of the answers
    });
    await host.receive({ type: 'init', open: fresh() });
    await host.receive({ type: 'advance', ms: 3000 });
    await host.receive({
      type: 'dispatch',
      command: { type: 'topic.create', topic: 't', partitions: 3, replicationFactor: 3 },
    });
    await host.receive({ type: 'advance', ms: 2000 });
    expect(only(messages, 'batch').at(-1)!.batch.guarantees).toBeDefined(); // caught up inline
    const end = only(messages, 'batch').at(-1)!.batch.nowMs;
    await host.receive({ type: 'stepBack' });
    await host.receive({ type: 'seek', atMs: end - 1500 });
    await host.receive({ type: 'stepBack' });
    const answers = only(messages, 'batch').filter((b) => b.cause === 'stepBack' || b.cause === 'seek');
    expect(answers).toHaveLength(3);
    for (const a of answers) expect(a.batch.guarantees).toBeUndefined();
    // A frame of play while resting does not start them either.
    await host.receive({ type: 'advance', ms: 16 });
    expect(only(messages, 'batch').at(-1)!.batch.guarantees).toBeUndefined();
    await checksBatch(messages);
    const checks = only(messages, 'batch').filter((b) => b.cause === 'checks');
    expect(checks).toHaveLength(1); // one restart, after the last move
    expect(checks[0]!.batch.guarantees?.findings).toBeDefined();
  });
});

describe('saving while the learner goes back', () => {
  it('writes the logs and position only once the playhead rests, not between two Backs', async () => {
    vi.useFakeTimers();
    try {
      const store = new MemorySessionStore();
      const messages: WorkerMessage[] = [];
      const host = new EngineHost({
        post: (m) => messages.push(m),
        openStore: async () => ({ store, persistent: true }),
        newId: () => `session-${++ids}`,
        clock: () => 0,
      });
      await host.receive({ type: 'init', open: fresh() });
      await host.receive({ type: 'advance', ms: 3000 });
      await vi.advanceTimersByTimeAsync(2000); // saved and at rest
      const saves = vi.spyOn(store, 'savePosition');
      // Backs a learner presses a little more often than the ordinary save delay.
      for (let i = 0; i < 6; i++) {
        await host.receive({ type: 'stepBack' });
        await vi.advanceTimersByTimeAsync(FLUSH_DELAY_MS + 100);
      }
      expect(saves).not.toHaveBeenCalled();
      expect(only(messages, 'storage').at(-1)?.storage).toEqual({ persistent: true, saved: false });
      await vi.advanceTimersByTimeAsync(JUMP_REST_MS);
      // Saved where the learner stopped.
      expect(saves.mock.calls.at(-1)?.[1].nowMs).toBe(only(messages, 'batch').at(-1)!.batch.nowMs);
    } finally {
      vi.useRealTimers();
    }
  });
});

describe('the first save of a big opened session', () => {
  /** A shared session whose three replica logs hold 12 000 records each: ~36 segments to save. */
  const bigScenario = (): Scenario =>
    scenarioAtEnd(options, produceBursts(createSimulation(options), { bursts: 12 }));

  /**
   * A put's real cost is the structured clone of its value, on the spot (~4 ms for a segment of
   * 1000 records in Chromium); fake-indexeddb's is next to nothing. The store's write queue is
   * timed with a clock that each put moves by that cost, so its slicing is seen as in a browser.
   */
  let workMs = 0;
  let segmentPuts = 0;
  /** Work done in each write transaction (ms). */
  let perTransaction = new Map<IDBTransaction, number>();
  const realPut = IDBObjectStore.prototype.put;
  function costlyPuts(): () => void {
    IDBObjectStore.prototype.put = function (this: IDBObjectStore, value: unknown, key?: IDBValidKey) {
      const records = (value as { records?: unknown }).records;
      const cost = this.name === 'segments' && typeof records === 'number' ? records / 250 : 0.05;
      if (cost > 0.05) segmentPuts++;
      workMs += cost;
      perTransaction.set(this.transaction, (perTransaction.get(this.transaction) ?? 0) + cost);
      return realPut.call(this, value, key);
    };
    return () => {
      IDBObjectStore.prototype.put = realPut;
    };
  }

  async function openShared(pacing: WritePacing) {
    const store = await openSessionStore(`streamlab-first-save-${++dbCount}`, undefined, {
      clock: () => workMs,
      ...pacing,
    });
    const t = tab(store, new LocalLockRegistry().tab());
    const scenario = bigScenario();
    await t.host.receive({ type: 'init', open: { kind: 'scenario', scenario, fallback: { options } } });
    return { ...t, store };
  }

  /** Every stored replica log, as bounds, checkpoint and the records' offsets and values. */
  async function storedLogs(store: SessionStore, id: string) {
    const logs = (await store.openLogStore(id))!;
    const out: Record<string, unknown> = {};
    for (const log of await logs.logs()) {
      const batches = await logs.read(log, 0, Infinity);
      out[log] = {
        bounds: await logs.bounds(log),
        checkpoint: await logs.loadCheckpoint(log),
        records: batches.flatMap((b) => b.records.map((r, i) => `${b.baseOffset + i}:${r.key}=${r.value}`)),
      };
    }
    return out;
  }

  /** The simulation's replica logs in the same form. */
  function liveLogs(timeline: Timeline) {
    const out: Record<string, unknown> = {};
    for (const { id, log } of timeline.sim.replicaLogs()) {
      out[id] = {
        bounds: { startOffset: log.logStartOffset, endOffset: log.logEndOffset },
        checkpoint: { highWatermark: log.highWatermark, epochs: log.epochs },
        records: log.batches.flatMap((b) =>
          b.records.map((r, i) => `${b.baseOffset + i}:${r.key}=${r.value}`),
        ),
      };
    }
    return out;
  }

  it('is written in slices with a Back answered between them, and stores what an unsliced save stores', async () => {
    const restore = costlyPuts();
    try {
      // Unsliced: the queue never yields (as before slicing).
      const whole = await openShared({ sliceMs: Infinity });
      await whole.host.flushed();
      expect(segmentPuts).toBeGreaterThan(30);
      expect(Math.max(...perTransaction.values())).toBeGreaterThan(40); // a whole log at once
      const unsliced = await storedLogs(whole.store, whole.host.current!.id);
      expect(unsliced).toEqual(liveLogs(whole.host.current!.timeline));

      // Sliced (8 ms of puts at a time), and the learner presses Back as soon as the save starts:
      // the Back arrives as a message does, in a task of its own.
      segmentPuts = 0;
      perTransaction = new Map();
      const sliced = await openShared({ sliceMs: 8 });
      let putsAtBack: number | undefined;
      let savedAtBack: boolean | undefined;
      const started = vi.waitFor(() => expect(segmentPuts).toBeGreaterThan(0), {
        timeout: 5000,
        interval: 1,
      });
      await started;
      const pressed = new Promise<void>((resolve) =>
        setTimeout(() => {
          void sliced.host.receive({ type: 'stepBack' }).then(() => {
            putsAtBack = segmentPuts;
            savedAtBack =
              sliced.host.current!.writer.storage.persistent && sliced.host.current!.writer.storage.saved;
            resolve();
          });
        }, 0),
      );
      await pressed;
      // Answered a slice or two into the save, not behind it: 8 ms is two segments here.
      expect(putsAtBack).toBeLessThanOrEqual(6);
      expect(savedAtBack).toBe(false); // the badge still says "Saving…"
      expect(only(sliced.messages, 'batch').at(-1)?.cause).toBe('stepBack');
      await sliced.host.flushed();
      // Slices: no transaction took more than 8 ms of work and the segment that crossed the line.
      expect(perTransaction.size).toBeGreaterThan(15);
      expect(Math.max(...perTransaction.values())).toBeLessThan(8 + 4 + 1);
      // Saved at last, and true to the playhead the Back left: the logs and the position.
      await vi.waitFor(
        () => expect(sliced.last('storage')?.storage).toEqual({ persistent: true, saved: true }),
        {
          timeout: 5000,
          interval: 20,
        },
      );
      const { id, timeline } = sliced.host.current!;
      expect(await storedLogs(sliced.store, id)).toEqual(liveLogs(timeline));
      const stored = await sliced.store.loadSession(id);
      expect(stored?.position).toEqual({ ...timeline.position(), commands: timeline.appliedCommands() });
      // And what a reload would find equals the unsliced save of the same session, put back
      // where the Back left it: the same records, offsets and checkpoints in every log.
      await whole.host.receive({ type: 'stepBack' });
      await whole.host.flushed();
      await vi.waitFor(
        () => expect(whole.last('storage')?.storage).toEqual({ persistent: true, saved: true }),
        {
          timeout: 5000,
          interval: 20,
        },
      );
      expect(await storedLogs(sliced.store, id)).toEqual(
        await storedLogs(whole.store, whole.host.current!.id),
      );
    } finally {
      restore();
    }
  });
});

/** Wait (wall time: the checks start after CHECKS_REST_MS) for the checks' report. */
async function checksBatch(messages: WorkerMessage[]): Promise<void> {
  for (let i = 0; i < 400 && only(messages, 'batch').at(-1)!.cause !== 'checks'; i++) {
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
