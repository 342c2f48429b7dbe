/** `n` sends of one message, numbered in their values, so a burst's records can be told apart. */
import type { Command } from '../../engine';

export function burst(
  send: { producer: string; topic: string; key: string | null; value: string },
  n: number,
): Command[] {
  return Array.from({ length: n }, (_, i) => ({
    type: 'producer.send' as const,
    ...send,
    value: `${send.value}-${i + 1}`,
  }));
}
