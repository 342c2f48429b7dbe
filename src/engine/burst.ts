/**
 * `producer.sendMany` (a burst) as the sends it stands for. The burst is what the command log
 * keeps (one entry, however many sends); the sends are what the producer sees, each with its own
 * command id, exactly as if they had been dispatched one by one at the same instant.
 */
import type { Command, CommandOf } from './types';

export function expandCommand(command: Command): Command[] {
  if (command.type !== 'producer.sendMany') return [command];
  return burstSends(command);
}

/** The sends of a burst: values numbered `value-1` … `value-count`. */
export function burstSends(burst: CommandOf<'producer.sendMany'>): CommandOf<'producer.send'>[] {
  const { count, value, type: _type, ...send } = burst;
  return Array.from({ length: count }, (_, i) => ({
    type: 'producer.send' as const,
    ...structuredClone(send),
    value: `${value}-${i + 1}`,
  }));
}
