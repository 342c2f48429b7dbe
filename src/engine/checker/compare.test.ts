/**
 * Same-seed comparisons: both sides are real engine runs of one script from one seed; the checker
 * tells them apart, the first divergence is found with the setting itself masked out, and the
 * verdict lines say what each side got.
 */
import { describe, expect, it } from 'vitest';
import { createSimulation, runComparison } from '../index';
import type { EngineEvent } from '../types';
import { firstDivergence, runScript } from './compare';
import { comparisonSpec } from './comparisons';

describe('acks=1 vs acks=all through a leader crash', () => {
  const r = runComparison('acks');

  it('loses acknowledged writes on the acks=1 side only, and says so in one line', () => {
    expect(r.runs[0].findings.map((f) => `${f.kind}:${f.verdict}:${f.offset}`)).toEqual([
      'lost-write:allowed:3',
      'lost-write:allowed:4',
      'lost-write:allowed:5',
    ]);
    expect(r.runs[1].findings).toEqual([]);
    expect(r.verdicts.find((v) => v.guarantee === 'Lost acknowledged write')).toEqual({
      guarantee: 'Lost acknowledged write',
      text: 'acks=1: 3 acknowledged writes lost (allowed) · acks=all: none lost',
      differs: true,
    });
    expect(r.runs[0].grid?.rows.flatMap((row) => row.cells.filter((c) => c.mark === 'lost'))).toHaveLength(3);
  });

  it('the runs part where the acks=1 leader answers before its followers have the record', () => {
    const d = r.divergence!;
    const [a, b] = d.events;
    // Before it, only the setting differs: the producer's config and the acks its requests carry.
    const before = r.runs[0].events.slice(0, d.index);
    const differing = before.filter((e, i) => JSON.stringify(e) !== JSON.stringify(r.runs[1].events[i]));
    const what = differing.map((e) =>
      e.type === 'command.accepted' ? e.command.type : e.type === 'rpc.sent' ? e.kind : e.type,
    );
    expect(new Set(what)).toEqual(new Set(['producer.create', 'Produce']));
    expect(a?.type === 'rpc.sent' && a.kind).toBe('ProduceResponse');
    expect(d.sentences[0]).toMatch(/broker-\d sends ProduceResponse to producer:p1$/);
    // acks=all sends the same answer later (after the followers fetched), never earlier.
    expect(d.counterparts[0]).toBeGreaterThan(a!.atMs);
    expect(b).toBeDefined();
  });
});

describe('idempotence off vs on under lost answers', () => {
  const r = runComparison('idempotence');

  it('writes the retried batch twice without idempotence, once with it', () => {
    expect(r.runs[0].findings.some((f) => f.kind === 'duplicate' && f.verdict === 'allowed')).toBe(true);
    expect(r.runs[1].findings).toEqual([]);
    expect(r.verdicts.find((v) => v.guarantee === 'Duplicate')?.text).toMatch(
      /^enable\.idempotence=false: \d+ records? written twice \(allowed\) · enable\.idempotence=true: no duplicate$/,
    );
  });

  it('the first difference: the idempotent producer asks for a producer id', () => {
    expect(r.divergence!.sentences[1]).toMatch(/producer:p1 sends InitProducerId to broker-\d$/);
    expect(r.divergence!.counterparts[1]).toBeNull();
  });

  it('one script, one seed: a side run twice gives the same trace', () => {
    const spec = comparisonSpec('idempotence');
    const again = runScript(spec, spec.sides[0].settings, createSimulation).events();
    expect(JSON.stringify(again)).toBe(JSON.stringify(r.runs[0].events));
  });
});

describe('firstDivergence', () => {
  const ev = (seq: number, config: Record<string, unknown>, kind = 'x'): EngineEvent =>
    ({
      seq,
      atMs: 10,
      type: 'rpc.sent',
      id: seq,
      from: 'a',
      to: 'b',
      kind,
      sentAtMs: 10,
      deliverAtMs: 20,
      body: config,
    }) as EngineEvent;

  it('the compared setting itself is not a divergence; anything else is, with where it differs', () => {
    const sides = [
      { label: 'acks=1', settings: { acks: 1 } },
      { label: 'acks=all', settings: { acks: 'all' } },
    ];
    const a = [ev(1, { acks: 1, n: 1 }), ev(2, { n: 2 })];
    expect(firstDivergence(a, [ev(1, { acks: 'all', n: 1 }), ev(2, { n: 2 })], sides)).toBeNull();
    const d = firstDivergence(a, [ev(1, { acks: 'all', n: 1 }), ev(2, { n: 3 })], sides)!;
    expect(d.index).toBe(1);
    expect(d.sentences[0]).toBe('0.010 s: a sends x to b; its body.n differs');
    // One trace longer than the other: the divergence is where the shorter one ends.
    expect(firstDivergence(a, a.slice(0, 1), sides)?.sentences[1]).toBe('the run had ended');
  });
});
