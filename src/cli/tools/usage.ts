/**
 * Kafka's usage errors (CommandLineUtils.printUsageAndExit): the message on stderr, then
 * joptsimple's option table, exit 1. StreamLab prints the message and leaves the table out
 * (docs/cli.md says why).
 */
import { stackTrace } from '../common';
import { OptionError, parseOptions, type Opts, type OptionSpecs, type ParsedOptions } from '../options';
import { done, type CliResult } from '../types';

export const usage = (message: string): CliResult => done('', `${message}\n`, 1);

/**
 * Parse, turning joptsimple's exception into what the tool prints: tools that parse inside a
 * try print a usage error (`'usage'`); the others let it escape main (`'uncaught'`).
 */
export function parseWith(
  specs: OptionSpecs,
  args: readonly string[],
  onError: 'usage' | 'uncaught',
): ParsedOptions | CliResult {
  try {
    return parseOptions(specs, args);
  } catch (e) {
    if (!(e instanceof OptionError)) throw e;
    if (onError === 'usage') return usage(e.message);
    return done('', `${e.message}\n${stackTrace(e.exception, e.message)}`, 1);
  }
}

/** joptsimple prints an option spec as `[name]`. */
const spec = (name: string) => `[${name}]`;

/** CommandLineUtils.checkRequiredArgs. */
export function requireArg(o: Opts, name: string): CliResult | null {
  return o.has(name) ? null : usage(`Missing required argument "${spec(name)}"`);
}

/** CommandLineUtils.checkInvalidArgs: `used` may not be given with any of `invalid`. */
export function forbid(o: Opts, used: string, invalid: readonly string[]): CliResult | null {
  if (!o.has(used)) return null;
  const clash = invalid.find((i) => o.has(i));
  return clash === undefined
    ? null
    : usage(`Option "${spec(used)}" can't be used with option "${spec(clash)}"`);
}
