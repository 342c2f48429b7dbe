/** Options every Kafka tool gets from CommandDefaultOptions. */
import type { HelpOption } from './format';

export const DEFAULT_OPTIONS: HelpOption[] = [
  { name: 'help', description: 'Print usage information.' },
  { name: 'version', description: 'Display Kafka version.' },
];
