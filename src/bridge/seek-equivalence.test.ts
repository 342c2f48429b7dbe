/**
 * Views are functions of (snapshot, playhead): a seek anywhere (forward, back, across a fork)
 * shows the same messages in flight and the same send lives as playing to that point. The real
 * engine host answers the requests; the page side is the real ViewFeed with its trackers, fed
 * every batch with the one classification (ui/batch-continuity.ts), as EngineSession does. It
 * drives both sides of the bridge, so it lives here (only the bridge's tests may).
 */
import { describe, expect, it } from 'vitest';
import type { ClusterSnapshot, Command } from '../engine';
import { EngineHost } from '../worker/engine-host';
import type { Batch, WorkerMessage } from './protocol';
import { SENDS_KEPT } from './send-window';
import { LocalLockRegistry } from './session-locks';
import { MemorySessionStore } from '../worker/session-store';
import { BatchContinuity, type BatchMove } from '../ui/batch-continuity';
import { ViewFeed } from '../ui/panels/view-feed.svelte';

/** What a learner sees of the two views at the playhead. */
interface View {
  traceLength: number;
  inFlight: string[];
  sends: string;
}

/** A page: one classifier and the views, fed every batch the worker posts. */
function page() {
  const messages: WorkerMessage[] = [];
  const host = new EngineHost({
    post: (m) => messages.push(structuredClone(m)),
    openStore: async () => ({ store: new MemorySessionStore(), persistent: false, reason: 'test' }),
    locks: new LocalLockRegistry().tab(),
    newId: () => 'session-1',
  });
  const continuity = new BatchContinuity();
  const feed = new ViewFeed();
  const moves: BatchMove[] = [];
  let seen = 0;
  let snapshot: ClusterSnapshot | undefined;
  let last: Batch | undefined;
  let requestId = 0;

  const drain = () => {
    for (; seen < messages.length; seen++) {
      const m = messages[seen]!;
      if (m.type === 'fault') throw new Error(m.message);
      if (m.type === 'rejected') throw new Error(JSON.stringify(m));
      if (!('batch' in m) || !m.batch) continue;
      const move = continuity.classify(m.batch);
      moves.push(move);
      feed.apply(m.batch, snapshot, move);
      snapshot = m.batch.snapshot;
      last = m.batch;
    }
  };
  const send = async (request: Parameters<EngineHost['receive']>[0]) => {
    await host.receive(request);
    drain();
  };
  const view = (): View => {
    const b = last!;
    const at = b.nowMs;
    return {
      traceLength: b.traceLength,
      // In the air at the playhead (a dropped message's short fall after its drop is decoration).
      inFlight: feed.flights
        .inFlightAt(at)
        .filter((f) => at < f.deliverAtMs)
        .map((f) => `${f.id} ${f.kind} ${f.from}→${f.to} ${f.sentAtMs}..${f.deliverAtMs}`),
      sends: JSON.stringify(feed.sends.newest(SENDS_KEPT)),
    };
  };
  return {
    send,
    view,
    moves,
    last: () => last!,
    dispatch: (command: Command) => send({ type: 'dispatch', requestId: ++requestId, command }),
    async seek(atMs: number) {
      for (let i = 0; i < 1000; i++) {
        await send({ type: 'seek', atMs });
        const answer = messages.filter((m) => m.type === 'batch').at(-1) as { done?: boolean } | undefined;
        if (answer?.done !== false) return;
      }
      throw new Error(`seek to ${atMs} never arrived`);
    },
  };
}

type Page = ReturnType<typeof page>;

/** Play `ms` in frames of `frameMs`, recording the view after every frame, and checking it. */
async function play(p: Page, ms: number, seenAt: Map<number, View>, frameMs = 2): Promise<void> {
  for (let t = 0; t < ms; t += frameMs) {
    await p.send({ type: 'advance', ms: frameMs });
    const b = p.last();
    expect(p.moves.at(-1)).toEqual({ kind: 'step' });
    // Stepping forward, the animation is the events played on top: it matches the scheduler too.
    expect(p.view().inFlight.map((f) => Number(f.split(' ')[0]))).toEqual(
      b.snapshot.inFlight.filter((m) => m.deliverAtMs > b.nowMs).map((m) => m.id),
    );
    seenAt.set(b.nowMs, p.view());
  }
}

const send = (value: string): Command => ({
  type: 'producer.send',
  producer: 'p1',
  topic: 'orders',
  key: value,
  value,
});

describe('a seek shows what playing there shows', () => {
  it('forward, back and across a fork: the same messages in flight and the same send lives', async () => {
    const p = page();
    await p.send({
      type: 'init',
      open: { kind: 'fresh', session: { options: { seed: 7, brokers: 3 }, atMs: 2500 } },
    });
    expect(p.moves[0]).toMatchObject({ kind: 'jump', opened: true });
    await p.dispatch({ type: 'topic.create', topic: 'orders', partitions: 2, replicationFactor: 3 });
    await p.dispatch({ type: 'producer.create', producer: 'p1', config: { acks: 'all', 'linger.ms': 3 } });
    // A slow link: its messages stay in the air while hundreds of events happen elsewhere, so
    // the newest events of a jump's batch do not include their sending.
    for (const broker of ['broker-1', 'broker-2', 'broker-3']) {
      await p.dispatch({ type: 'link.configure', from: 'producer:p1', to: broker, latencyMs: 150 });
      await p.dispatch({ type: 'link.configure', from: broker, to: 'producer:p1', latencyMs: 150 });
    }
    const played = new Map<number, View>();
    await play(p, 100, played, 4);
    for (let i = 0; i < 6; i++) await p.dispatch(send(`a${i}`));
    await play(p, 40, played);
    // A follower goes down mid-way: some copies come late, after it is back.
    await p.dispatch({ type: 'broker.crash', broker: 2 });
    for (let i = 0; i < 4; i++) await p.dispatch(send(`b${i}`));
    await play(p, 120, played);
    await p.dispatch({ type: 'broker.restart', broker: 2 });
    await play(p, 300, played, 4);
    const beforeBurst = p.last().traceLength;
    // Sends on the slow link still in the air when the burst below buries their sending.
    await p.dispatch(send('d0'));
    await p.dispatch(send('d1'));
    await play(p, 10, played);
    // A burst: more sends than the view keeps, and more events than one batch carries.
    await p.dispatch({
      type: 'producer.sendMany',
      producer: 'p1',
      topic: 'orders',
      key: null,
      value: 'c',
      count: 1000,
    });
    await play(p, 200, played);
    expect(p.last().traceLength - beforeBurst).toBeGreaterThan(2000);
    const times = [...played.keys()];
    const endMs = times.at(-1)!;
    const lives = (v: View) => (JSON.parse(v.sends) as unknown[]).length;
    expect(lives(played.get(endMs)!)).toBe(SENDS_KEPT);

    /** Messages in flight after a seek whose sending is not among the batch's events. */
    let unseenFlights = 0;
    const seekTo = async (at: number, expected: View | undefined) => {
      const before = p.moves.length;
      await p.seek(at);
      const b = p.last();
      const told = new Set(b.events.flatMap((e) => (e.type === 'rpc.sent' ? [e.id] : [])));
      unseenFlights += b.snapshot.inFlight.filter((m) => !told.has(m.id)).length;
      expect(p.view(), `seek to ${at}`).toEqual(expected);
      // The seek's own answer (a `checks` batch with no events may follow it, a step).
      return p.moves.slice(before).find((m) => m.kind === 'jump') ?? p.moves[before]!;
    };
    // Back to several points, then forward over the recorded future, in a scrambled order.
    const picks = [
      times[times.length - 3]!,
      times[times.length - 95]!,
      times[130]!,
      times[105]!,
      times[121]!,
      times[180]!,
      times[100]!,
    ];
    for (const at of picks) await seekTo(at, played.get(at));
    expect(picks.some((at) => played.get(at)!.inFlight.length > 0)).toBe(true);
    expect(picks.filter((at) => played.get(at)!.sends !== '[]').length).toBeGreaterThan(3);
    // Far ahead over the burst: a jump forward, the views rebuilt from the snapshot and the trace.
    expect(await seekTo(endMs, played.get(endMs))).toMatchObject({ kind: 'jump', back: false });
    expect(
      (p.moves.find((m) => m.kind === 'jump' && m.skipped > 0) as { skipped: number }).skipped,
    ).toBeGreaterThan(0);
    // Back from there: a jump back.
    expect(await seekTo(times[110]!, played.get(times[110]!))).toMatchObject({ kind: 'jump', back: true });
    await seekTo(times[250]!, played.get(times[250]!));
    // The case that matters: messages whose sending the jump's batch did not carry.
    expect(unseenFlights).toBeGreaterThan(0);

    // A fork: back, a new send, and play on: that branch is what a seek must now show.
    const forkAt = times[115]!;
    await p.seek(forkAt);
    await p.dispatch(send('fork'));
    const branch = new Map<number, View>();
    branch.set(p.last().nowMs, p.view());
    await play(p, 150, branch);
    const after = [...branch.keys()];
    expect(lives(branch.get(after.at(-1)!)!)).toBeGreaterThan(lives(played.get(forkAt)!));
    for (const at of [after[20]!, times[100]!, after.at(-1)!, after[60]!]) {
      await seekTo(at, branch.get(at) ?? played.get(at));
    }

    // The abandoned future brought back: at the fork point, then anywhere on it, as played.
    const before = p.moves.length;
    await p.send({ type: 'restoreFuture' });
    expect(p.moves.slice(before)[0]).toMatchObject({ kind: 'jump', back: true });
    expect(p.view()).toEqual(played.get(forkAt));
    for (const at of [times[200]!, endMs, times[120]!]) await seekTo(at, played.get(at));
  });
});
