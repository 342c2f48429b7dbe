import { describe, expect, it } from 'vitest';
import { transactionScenario } from '../testing/checker-scenarios';
import { busyCluster } from '../testing/scenario';
import { isRpcKind, responseTo, RPC_NARRATION, RPC_REQUEST_KINDS } from './rpc-kinds';

describe('the list of RPC kinds', () => {
  it('narrates every request in a sentence', () => {
    expect(RPC_REQUEST_KINDS.length).toBeGreaterThan(25);
    for (const kind of RPC_REQUEST_KINDS) expect(RPC_NARRATION[kind]).toMatch(/^[A-Z].{10,}\.$/);
  });

  it('holds every kind the cluster really sends (requests and responses)', () => {
    const seen = new Set<string>();
    for (const sim of [busyCluster(), transactionScenario()]) {
      sim.runFor(5000);
      for (const e of sim.events()) if (e.type === 'rpc.sent') seen.add(e.kind);
    }
    expect(seen.size).toBeGreaterThan(15);
    for (const kind of seen) expect(isRpcKind(kind), kind).toBe(true);
  });

  it('pairs a request with its response and refuses what is not on the wire', () => {
    expect(responseTo('Produce')).toBe('ProduceResponse');
    expect(isRpcKind('ProduceResponse')).toBe(true);
    expect(isRpcKind('Produce2')).toBe(false);
    expect(() => responseTo('ProduceResponse')).toThrow();
    expect(() => responseTo('Nonsense')).toThrow();
  });
});
