/**
 * The snapshot lists the messages in flight from the scheduler (so a view redraws them exactly
 * after any seek), and produce events carry the ids that tie a send to its request, append and ack.
 */
import { describe, expect, it } from 'vitest';
import type { EngineEvent, InFlightMessage } from './types';
import { busyCluster } from './testing/scenario';
import { fetchRoleOf } from './protocol/rpc-kinds';

/** What the trace says is in flight after its last event: sent, and neither delivered nor dropped. */
function inFlightFromTrace(events: readonly EngineEvent[]): InFlightMessage[] {
  const open = new Map<number, InFlightMessage>();
  for (const e of events) {
    if (e.type === 'rpc.sent') {
      const m: InFlightMessage = {
        id: e.id,
        kind: e.kind,
        from: e.from,
        to: e.to,
        sentAtMs: e.sentAtMs,
        deliverAtMs: e.deliverAtMs,
      };
      if (e.inReplyTo !== undefined) m.inReplyTo = e.inReplyTo;
      const role = fetchRoleOf(e.kind, e.to, e.body);
      if (role) m.fetchRole = role;
      open.set(e.id, m);
    } else if (e.type === 'rpc.delivered' || e.type === 'rpc.dropped') open.delete(e.id);
  }
  return [...open.values()].sort((a, b) => a.sentAtMs - b.sentAtMs || a.id - b.id);
}

const withoutDrop = (list: InFlightMessage[]) => list.map(({ drop: _drop, ...m }) => m);

describe('the messages in flight', () => {
  it('are exactly those the trace has sent and not yet delivered or dropped', () => {
    const sim = busyCluster();
    let seen = 0;
    const roles = new Set<string | undefined>();
    sim.dispatch({ type: 'producer.send', producer: 'p', topic: 't', key: 'k', value: 'more' });
    for (let i = 0; i < 300; i++) {
      sim.step();
      const listed = sim.snapshot().inFlight;
      seen += listed.length;
      expect(withoutDrop(listed)).toEqual(inFlightFromTrace(sim.events()));
      for (const m of listed) expect(m.deliverAtMs).toBeGreaterThanOrEqual(sim.now());
      for (const m of listed) roles.add(m.fetchRole);
    }
    expect(seen).toBeGreaterThan(300); // the network was busy, not vacuously empty
    // Fetches say what they do without their bodies (a view drawn after a jump has none).
    expect([...roles]).toEqual(expect.arrayContaining(['metadata', 'replica']));
  });

  it('are the same after a seek back and forward as when playing to that point', () => {
    const sim = busyCluster();
    const start = sim.checkpoint();
    const seen: { atMs: number; inFlight: InFlightMessage[] }[] = [];
    for (let i = 0; i < 10; i++) {
      sim.runFor(13);
      seen.push({ atMs: sim.now(), inFlight: sim.snapshot().inFlight });
    }
    for (const point of [seen[6]!, seen[2]!, seen[9]!]) {
      sim.restore(start);
      sim.runFor(point.atMs - sim.now());
      expect(sim.snapshot().inFlight).toEqual(point.inFlight);
    }
  });
});

describe('causal ids', () => {
  it('tie each producer.send to its batch, Produce request, append and ack', () => {
    const sim = busyCluster();
    sim.runFor(2000);
    const events = sim.events();
    const produces = new Map(
      events.flatMap((e) => (e.type === 'rpc.sent' && e.kind === 'Produce' ? [[e.id, e]] : [])),
    );
    const sent = events.filter((e) => e.type === 'producer.batchSent');
    const appended = events.filter((e) => e.type === 'partition.appended');
    const acked = new Map(events.flatMap((e) => (e.type === 'producer.acked' ? [[e.commandId, e]] : [])));
    expect(sent.length).toBeGreaterThan(0);
    for (const b of sent) {
      expect(produces.get(b.requestId)?.from).toBe('producer:p');
      expect(b.commandIds.length).toBe(b.records);
      const append = appended.find((a) => a.requestId === b.requestId && a.partition === b.partition);
      expect(append, `append of request ${b.requestId}`).toBeDefined();
      // Each send's ack names the offset its record got in that append.
      b.commandIds.forEach((id, i) => expect(acked.get(id)?.offset).toBe(append!.baseOffset + i));
    }
    expect(new Set(sent.flatMap((b) => b.commandIds)).size).toBe(50);
  });

  it('a follower learning a higher high watermark is an event', () => {
    const sim = busyCluster();
    sim.runFor(2000);
    const moves = sim.events().filter((e) => e.type === 'replica.highWatermarkMoved');
    expect(moves.length).toBeGreaterThan(0);
    const snap = sim.snapshot();
    // Each follower's last reported HW is its HW now.
    const last = new Map(moves.map((m) => [`${m.broker}/${m.topic}-${m.partition}`, m.highWatermark]));
    for (const [key, hw] of last) {
      const [broker, tp] = key.split('/');
      const topic = snap.topics.find((t) => tp!.startsWith(`${t.name}-`))!;
      const p = topic.partitions[Number(tp!.slice(topic.name.length + 1))]!;
      const replica = p.replicaStates.find((r) => r.broker === Number(broker))!;
      expect(replica.highWatermark).toBe(hw);
    }
  });
});
