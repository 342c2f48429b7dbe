import { describe, expect, it } from 'vitest';
import type { KernelState } from './kernel/kernel';
import { replicaLogsOf } from './replica-logs';
import { ChunkedBatches, cloneState, metadataLogsOf } from './state-clone';
import { busyCluster, cluster as createSim, untilReady } from './testing/scenario';

const createSimulation = (o: { seed: number; brokers: number }) => createSim(o.seed, o);

describe('checkpoints share what never changes', () => {
  it('copies the state like structuredClone does, aliasing included, but shares record batches', () => {
    const sim = busyCluster();
    const state = sim.kernel.state;
    const copy = cloneState(state);
    expect(copy).toEqual(structuredClone(state));
    const [live, copied] = [replicaLogsOf(state)[0]!, replicaLogsOf(copy)[0]!];
    expect(copied.log.batches).not.toBe(live.log.batches);
    expect(copied.log.batches[0]).toBe(live.log.batches[0]);
    // So are the metadata log's entries (controllers' Raft logs, brokers' replicas of them).
    const [liveMeta, copiedMeta] = [metadataLogsOf(state), metadataLogsOf(copy)];
    expect(liveMeta.length).toBeGreaterThan(1);
    expect(copiedMeta[0]).not.toBe(liveMeta[0]);
    expect(copiedMeta[0]![0]).toBe(liveMeta[0]![0]);
    // An object reached twice is copied once (as the engine's shared metadata records are).
    const aliased = { x: 1 };
    const withAlias = { ...state, shared: { a: aliased, b: aliased } } as KernelState;
    const c = cloneState(withAlias).shared as { a: object; b: object };
    expect(c.a).toBe(c.b);
    expect(c.a).not.toBe(aliased);
  });
});

describe('a checkpoint shares what did not change since an earlier one', () => {
  it('reuses the earlier copy where nothing changed, and copies exactly what did', () => {
    const sim = busyCluster();
    const first = sim.checkpoint();
    const same = sim.checkpoint(first);
    expect(same.state).toBe(first.state); // nothing ran in between: everything is shared
    expect(same.freshParts).toBe(0);
    sim.runFor(500);
    const later = sim.checkpoint(first);
    // Its logs are kept in shared chunks; copied back, it is the state exactly.
    expect(cloneState(later.state)).toEqual(structuredClone(sim.kernel.state));
    expect(later.state.config).toBe(first.state.config);
    expect(later.state.nodes).not.toBe(first.state.nodes);
    expect(later.freshParts).toBeGreaterThan(0);
    // Restoring from a shared checkpoint gives back the state exactly, and leaves both intact.
    const snapshot = sim.snapshot();
    sim.runFor(700);
    sim.restore(later);
    expect(sim.snapshot()).toEqual(snapshot);
    expect(sim.kernel.state.nodes).not.toBe(later.state.nodes);
  });

  it('keeps a long log in chunks, sharing every chunk that did not change', () => {
    const sim = untilReady(createSimulation({ seed: 9, brokers: 1 }));
    sim.dispatch({ type: 'topic.create', topic: 'orders', partitions: 1, replicationFactor: 1 });
    sim.runFor(500);
    sim.dispatch({ type: 'producer.create', producer: 'p1' });
    const send = (i: number) => {
      sim.dispatch({ type: 'producer.send', producer: 'p1', topic: 'orders', key: 'k', value: `v${i}` });
      sim.runFor(50); // one batch each
    };
    for (let i = 0; i < 200; i++) send(i);
    const first = sim.checkpoint();
    const earlier = sim.checkpoint(first); // nothing ran: all shared
    expect(earlier.state).toBe(first.state);
    send(200);
    const later = sim.checkpoint(earlier);
    const logOf = (state: KernelState) =>
      replicaLogsOf(state).find((l) => l.key === 'orders-0')!.log.batches as unknown as ChunkedBatches;
    const live = replicaLogsOf(sim.kernel.state).find((l) => l.key === 'orders-0')!.log.batches;
    expect(live.length).toBeGreaterThan(200);
    const chunks = logOf(later.state);
    expect(chunks).toBeInstanceOf(ChunkedBatches);
    expect(chunks.length).toBe(live.length);
    // The earlier keyframe held the log as a plain array; a third one shares the full chunks.
    send(201);
    const third = sim.checkpoint(later);
    const thirdChunks = logOf(third.state);
    const full = Math.floor(chunks.length / 64);
    expect(full).toBeGreaterThanOrEqual(3);
    for (let c = 0; c < full; c++) expect(thirdChunks.chunks[c]).toBe(chunks.chunks[c]);
    // What it copied: about one chunk of this log, not the whole log.
    expect(third.freshParts).toBeLessThan(later.freshParts!);
    expect(thirdChunks.toArray()).toEqual(
      replicaLogsOf(sim.kernel.state).find((l) => l.key === 'orders-0')!.log.batches,
    );
    // Restoring gives the live array back, exactly.
    const snapshot = sim.snapshot();
    sim.runFor(1000);
    sim.restore(third);
    expect(sim.snapshot()).toEqual(snapshot);
    expect(
      Array.isArray(replicaLogsOf(sim.kernel.state).find((l) => l.key === 'orders-0')!.log.batches),
    ).toBe(true);
    expect(thirdChunks.chunks[0]).toBe(chunks.chunks[0]); // the keyframe stays intact
  });

  it('never makes two parts one object when the state holds two (no aliasing it lacks)', () => {
    const sim = busyCluster();
    const state = sim.kernel.state;
    const one = { x: 1 };
    const earlier = cloneState({ ...state, shared: { a: one, b: one } } as KernelState);
    expect((earlier.shared as { a: object; b: object }).a).toBe((earlier.shared as { b: object }).b);
    const copy = cloneState({ ...state, shared: { a: { x: 1 }, b: { x: 1 } } } as KernelState, earlier);
    const shared = copy.shared as { a: object; b: object };
    expect(shared.a).not.toBe(shared.b);
    expect(shared).toEqual({ a: { x: 1 }, b: { x: 1 } });
  });
});

describe('what checkpoints share, the engine never changes', () => {
  /** Freeze an object graph (arrays and objects), so that any later write to it throws. */
  function deepFreeze(value: unknown, seen = new Set<object>()): void {
    if (typeof value !== 'object' || value === null || seen.has(value)) return;
    seen.add(value);
    for (const v of Object.values(value)) deepFreeze(v, seen);
    Object.freeze(value);
  }

  it('runs a busy cluster on with every scheduled entry, record batch and metadata log entry frozen', () => {
    const sim = createSimulation({ seed: 9, brokers: 3 });
    sim.runFor(3000);
    sim.dispatch({ type: 'topic.create', topic: 't', partitions: 3, replicationFactor: 3 });
    sim.runFor(300);
    sim.dispatch({ type: 'producer.create', producer: 'p', config: { acks: 1 } });
    sim.runFor(300);
    const freezeShared = () => {
      for (const item of sim.kernel.state.sched.heap) deepFreeze(item);
      for (const { log } of replicaLogsOf(sim.kernel.state)) for (const b of log.batches) deepFreeze(b);
      for (const log of metadataLogsOf(sim.kernel.state)) for (const e of log) deepFreeze(e);
    };
    for (let round = 0; round < 12; round++) {
      for (let i = 0; i < 20; i++) {
        sim.dispatch({
          type: 'producer.send',
          producer: 'p',
          topic: 't',
          key: `k${i}`,
          value: `v${round}-${i}`,
        });
      }
      freezeShared(); // ES modules are strict: a write to a frozen object throws a TypeError
      if (round === 4) sim.dispatch({ type: 'broker.crash', broker: 2 });
      if (round === 8) sim.dispatch({ type: 'broker.restart', broker: 2 });
      expect(() => sim.runFor(700)).not.toThrow();
    }
    expect(sim.snapshot().producers[0]?.acked).toBeGreaterThan(100);
  });
});
