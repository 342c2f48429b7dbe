import { describe, expect, it } from 'vitest';
import type { EngineEvent } from '../types';
import { guaranteeGuard, ViolationError } from './guard';
import { retryScenario } from '../testing/checker-scenarios';

describe('guaranteeGuard (lessons and sweeps)', () => {
  const events = retryScenario({ idempotent: false }).events();

  it('lets allowed anomalies through', () => {
    const guard = guaranteeGuard('test');
    expect(() => guard.feed(events)).not.toThrow();
    expect(guard.checker.findings().some((f) => f.kind === 'duplicate')).toBe(true);
  });

  it('throws at the first violation, fed in slices as the lesson driver feeds it', () => {
    const forged: EngineEvent[] = events.map((e) =>
      e.type === 'command.accepted' && e.command.type === 'producer.create'
        ? { ...e, command: { ...e.command, config: { ...e.command.config, 'enable.idempotence': true } } }
        : e,
    );
    const guard = guaranteeGuard('lesson x');
    const slices = () => {
      for (let i = 0; i < forged.length; i += 50) guard.feed(forged.slice(i, i + 50));
    };
    expect(slices).toThrow(ViolationError);
    expect(() => guaranteeGuard('lesson x').feed(forged)).toThrow(/lesson x: guarantee violated\nduplicate/);
  });
});
