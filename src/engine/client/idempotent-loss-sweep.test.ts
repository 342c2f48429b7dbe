/**
 * The lost-responses sweep (issue 13): an idempotent producer, most of the leaders' answers to it
 * lost for a few seconds, then a clean link. Every record must end up in the log exactly once, in
 * send order, and acknowledged — the producer never wedges retrying one batch with
 * OUT_OF_ORDER_SEQUENCE_NUMBER (responses come back in order per connection, and a request timeout
 * resets the connection: producer-connection.ts).
 */
import { describe, expect, it } from 'vitest';
import { idempotentLossRun } from '../testing/idempotent-loss';
import { tail } from '../testing/scenario';

const SEEDS = 60;

describe('idempotent producer under heavy response loss', () => {
  it(`every record lands exactly once, in order, acknowledged (${SEEDS} seeds)`, () => {
    let resets = 0;
    for (let seed = 1; seed <= SEEDS; seed++) {
      const lossRate = [0.5, 0.7, 0.9][seed % 3]!;
      const r = idempotentLossRun(seed, { lossRate });
      expect(r.problem, `seed ${seed} (loss ${lossRate}): ${r.problem}\n${tail(r.sim, 60)}`).toBeNull();
      expect(r.acked).toBe(r.sent);
      resets += r.sim.events().filter((e) => e.type === 'producer.connectionReset').length;
    }
    // The loss really bit: connections were reset many times across the sweep.
    expect(resets).toBeGreaterThan(SEEDS);
  });

  it('an idempotent producer never wedges after lost responses (seed 5 retried one batch forever before)', () => {
    const r = idempotentLossRun(5);
    expect(r.problem).toBeNull();
    expect(r.acked).toBe(r.sent);
  });
});
