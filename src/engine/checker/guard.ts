/**
 * "A violation in any lesson or sweep is a test failure": one helper the lesson driver and the
 * sweeps share. Feed it the trace as it grows; it throws at the first violation, with its sentences.
 */
import type { EngineEvent } from '../types';
import { GuaranteeChecker } from './checker';

export class ViolationError extends Error {
  override name = 'ViolationError';
}

export function guaranteeGuard(label: string): {
  feed(events: readonly EngineEvent[]): void;
  checker: GuaranteeChecker;
} {
  const checker = new GuaranteeChecker();
  return {
    checker,
    feed(events) {
      const found = checker.feed(events).filter((f) => f.verdict === 'violation');
      if (found.length === 0) return;
      const lines = found.map((f) => `${f.kind} (seq ${f.seq}): ${f.sentences.join(' ')} ${f.because}`);
      throw new ViolationError(`${label}: guarantee violated\n${lines.join('\n')}`);
    },
  };
}
