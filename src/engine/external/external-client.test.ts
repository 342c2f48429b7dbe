import { describe, expect, it } from 'vitest';
import { createSimulation, replaySimulation, type EngineEvent, type Simulation } from '../index';

function ready(): Simulation {
  const sim = createSimulation({ seed: 11, brokers: 3 });
  sim.runUntil((s) => s.snapshot().brokers.every((b) => b.state === 'unfenced'), 60_000);
  return sim;
}

const of = <T extends EngineEvent['type']>(events: EngineEvent[], type: T) =>
  events.filter((e): e is Extract<EngineEvent, { type: T }> => e.type === type);

describe('an external client node', () => {
  it('sends its request over the simulated network and reports the broker’s answer', () => {
    const sim = ready();
    sim.dispatch({ type: 'client.connect', client: 'app' });
    sim.dispatch({
      type: 'client.request',
      client: 'app',
      to: 'broker-2',
      kind: 'Metadata',
      body: { topics: null },
      requestId: 42,
    });
    const events = sim.runFor(100);
    const sent = of(sim.events(), 'rpc.sent').filter((e) => e.from === 'client:app');
    expect(sent.map((e) => [e.to, e.kind])).toEqual([['broker-2', 'Metadata']]);
    const answer = of(events, 'client.responded');
    expect(answer.map((e) => [e.requestId, e.kind])).toEqual([[42, 'MetadataResponse']]);
    expect((answer[0]!.body as { brokers: unknown[] }).brokers.length).toBeGreaterThan(0);
  });

  it('learns at once that a crashed broker is unreachable (a reset connection)', () => {
    const sim = ready();
    sim.dispatch({ type: 'client.connect', client: 'app' });
    sim.dispatch({ type: 'broker.crash', broker: 1 });
    sim.dispatch({
      type: 'client.request',
      client: 'app',
      to: 'broker-1',
      kind: 'Metadata',
      body: { topics: null },
      requestId: 7,
    });
    const events = sim.runFor(100);
    expect(of(events, 'client.requestUndelivered').map((e) => [e.requestId, e.to])).toEqual([
      [7, 'broker-1'],
    ]);
    expect(of(events, 'client.responded')).toEqual([]);
  });

  it('is subject to network faults: a cut link drops its request', () => {
    const sim = ready();
    sim.dispatch({ type: 'client.connect', client: 'app' });
    sim.dispatch({ type: 'network.cut', from: 'client:app', to: 'broker-3' });
    sim.dispatch({
      type: 'client.request',
      client: 'app',
      to: 'broker-3',
      kind: 'Metadata',
      body: { topics: null },
      requestId: 1,
    });
    const events = sim.runFor(100);
    expect(of(events, 'rpc.dropped').some((e) => e.from === 'client:app' && e.reason === 'cut')).toBe(true);
    expect(of(events, 'client.responded')).toEqual([]);
  });

  it('rejects requests that are not client requests, or to nodes that are not brokers', () => {
    const sim = ready();
    sim.dispatch({ type: 'client.connect', client: 'app' });
    const bad = (kind: string, to: string) => () =>
      sim.dispatch({
        type: 'client.request',
        client: 'app',
        to,
        kind: kind as 'Metadata',
        body: {},
        requestId: 1,
      });
    expect(bad('Vote', 'broker-1')).toThrow(/not a client request/);
    expect(bad('Metadata', 'controller-1')).toThrow(/not a broker/);
    expect(() => sim.dispatch({ type: 'client.connect', client: 'app' })).toThrow(/already connected/);
  });

  it('replays from the command log event for event', () => {
    const sim = ready();
    sim.dispatch({ type: 'client.connect', client: 'app' });
    sim.dispatch({
      type: 'client.request',
      client: 'app',
      to: 'broker-1',
      kind: 'Metadata',
      body: { topics: null },
      requestId: 1,
    });
    sim.runFor(50);
    sim.dispatch({ type: 'client.disconnect', client: 'app' });
    sim.runFor(50);
    const again = replaySimulation(sim.options, sim.commandLog());
    again.runFor(sim.now() - again.now());
    expect(again.events()).toEqual(sim.events());
  });
});
