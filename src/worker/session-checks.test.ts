import { describe, expect, it } from 'vitest';
import { leaderCrashScenario } from '../engine/testing/checker-scenarios';
import { produceBursts } from '../engine/testing/scenario';
import { createSimulation, type EngineEvent } from '../engine';
import { SessionChecks } from './session-checks';
import { rpcDetail, traceWindow } from './trace-window';

/** A trace as the timeline hands it to the checks. */
const source = (events: readonly EngineEvent[]) => ({
  length: events.length,
  read: (from: number, to: number) => events.slice(from, to),
});

describe('the checker in the worker follows the playhead', () => {
  const sim = leaderCrashScenario({ acks: 1 });
  const trace = sim.events();
  const snapshot = sim.snapshot();
  const lostAt = trace.findIndex(
    (e) => e.type === 'partition.appended' && e.baseOffset === 3 && e.leaderEpoch > 0,
  );

  it('finds the losses going forward, forgets them going back before them, finds them again', () => {
    const checks = new SessionChecks();
    checks.update(source(trace.slice(0, 100)));
    const early = checks.report(snapshot, true);
    expect(early.findings).toEqual([]);
    checks.update(source(trace));
    const late = checks.report(snapshot, false);
    expect(late.version).toBeGreaterThan(early.version);
    expect(late.findings?.filter((f) => f.kind === 'lost-write').length).toBe(3);
    // Nothing new: the next batch leaves the findings out.
    expect(checks.report(snapshot, false).findings).toBeUndefined();
    // Back in time (the trace is cut at the playhead): the checker starts over from that past.
    checks.update(source(trace.slice(0, lostAt)));
    expect(checks.report(snapshot, false).findings).toEqual([]);
    // Going back and forward again to the same length is noticed too (the timeline reports the cut).
    const forked = [...trace.slice(0, lostAt - 1), { ...trace[lostAt - 1]! }];
    checks.update(source(trace));
    checks.traceCut(lostAt - 1);
    checks.update(source(forked));
    expect(checks.report(snapshot, false).findings).toEqual([]);
  });

  it('keeps the last change of each metric with its cause', () => {
    const checks = new SessionChecks();
    const crash = trace.findIndex((e) => e.type === 'broker.crashed');
    checks.update(source(trace.slice(0, crash)));
    checks.report({ ...snapshot, nowMs: trace[crash - 1]!.atMs }, false);
    checks.update(source(trace));
    const rows = checks.report(snapshot, false).metrics;
    const elections = rows.find((m) => m.name === 'LeaderElectionRateAndTimeMs')!;
    expect(elections.cause?.text).toMatch(/^broker-\d elected leader of /);
  });

  it('serves windows of the trace without bodies, and one RPC with its answer', () => {
    const { events, truncated } = traceWindow(trace, 5000, 6000, 100_000);
    expect(truncated).toBe(false);
    expect(events.every((e) => e.atMs >= 5000 && e.atMs <= 6000)).toBe(true);
    const sent = events.find((e) => e.type === 'rpc.sent' && e.kind === 'Produce');
    expect(sent && sent.type === 'rpc.sent' && sent.body).toBeNull();
    const detail = rpcDetail(trace, sent!.type === 'rpc.sent' ? sent!.id : -1);
    expect(detail.request?.type === 'rpc.sent' && detail.request.body).toBeTruthy();
    expect(detail.response?.type === 'rpc.sent' && detail.response.kind).toBe('ProduceResponse');
    expect(traceWindow(trace, 0, 1e9, 10).truncated).toBe(true);
  });

  it('after a step back, re-checks from the latest checkpoint still in the past, with the same findings', () => {
    const checks = new SessionChecks(500);
    checks.update(source(trace));
    const all = checks.report(snapshot, true).findings;
    const below = Math.max(...checks.checkpointsAt().filter((at) => at <= lostAt));
    expect(below).toBeGreaterThan(0);
    // Back to just before the loss: resumes from the checkpoint below it, not from event 0.
    checks.update(source(trace.slice(0, lostAt)));
    expect(checks.refedEvents).toBe(lostAt - below);
    expect(checks.report(snapshot, true).findings).toEqual([]);
    // Forward again: the same findings as the first time, event for event.
    checks.update(source(trace));
    expect(checks.report(snapshot, true).findings).toEqual(all);
    // A fork before every checkpoint: nothing of the old history is kept, it starts over.
    const forked = [{ ...trace[0]! }, ...trace.slice(1, 300)];
    checks.traceCut(0);
    checks.update(source(forked));
    expect(checks.refedEvents).toBe(lostAt - below + 300);
    // And one without checkpoints matches from scratch.
    const fresh = new SessionChecks();
    fresh.update(source(trace.slice(0, lostAt)));
    expect(fresh.report(snapshot, true).findings).toEqual([]);
  });

  it('keeps no checkpoint whose copy would cost more than feeding again (a produce-heavy trace)', () => {
    const heavy = produceBursts(createSimulation({ seed: 3, brokers: 3 }), { count: 500, bursts: 8 });
    const events = heavy.events();
    const checks = new SessionChecks(1000);
    checks.update(source(events));
    expect(events.length).toBeGreaterThan(3000);
    expect(checks.skippedCheckpoints).toBeGreaterThan(4);
    // Copies of the start only (few records then): none once the bursts dominate.
    expect(Math.max(0, ...checks.checkpointsAt())).toBeLessThan(events.length / 4);
    const all = checks.report(heavy.snapshot(), true).findings;
    // Back and forward again: fed again from the start, the same findings.
    const from = Math.max(0, ...checks.checkpointsAt().filter((at) => at <= 2000));
    checks.update(source(events.slice(0, 2000)));
    checks.update(source(events));
    expect(checks.refedEvents).toBe(2000 - from);
    expect(checks.report(heavy.snapshot(), true).findings).toEqual(all);
  });
});
