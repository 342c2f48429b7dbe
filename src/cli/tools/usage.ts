/**
 * Kafka's usage errors (CommandLineUtils.printUsageAndExit): the message on stderr, then
 * joptsimple's option table (src/cli/help), exit 1. A tool whose table is not written yet passes
 * none and prints the message alone (docs/cli.md lists which).
 */
import { stackTrace } from '../common';
import { formatHelp, type HelpOption } from '../help/format';
import { OptionError, parseOptions, type Opts, type OptionSpecs, type ParsedOptions } from '../options';
import { done, type CliResult } from '../types';

const tables = new WeakMap<readonly HelpOption[], string>();

/** The option table printHelpOn prints for `help` (formatted once per table). */
export function helpText(help: readonly HelpOption[]): string {
  let text = tables.get(help);
  if (text === undefined) {
    text = formatHelp(help);
    tables.set(help, text);
  }
  return text;
}

export const usage = (message: string, help?: readonly HelpOption[]): CliResult =>
  done('', `${message}\n${help ? helpText(help) : ''}`, 1);

/**
 * Parse, turning joptsimple's exception into what the tool prints: tools that parse inside a
 * try print a usage error (`'usage'`); the others let it escape main (`'uncaught'`).
 */
export function parseWith(
  specs: OptionSpecs,
  args: readonly string[],
  onError: 'usage' | 'uncaught',
  help?: readonly HelpOption[],
): ParsedOptions | CliResult {
  try {
    return parseOptions(specs, args);
  } catch (e) {
    if (!(e instanceof OptionError)) throw e;
    if (onError === 'usage') return usage(e.message, help);
    return done('', `${e.message}\n${stackTrace(e.exception, e.message)}`, 1);
  }
}

/** joptsimple prints an option spec as `[name]`. */
const spec = (name: string) => `[${name}]`;

/** CommandLineUtils.checkRequiredArgs. */
export function requireArg(o: Opts, name: string, help?: readonly HelpOption[]): CliResult | null {
  return o.has(name) ? null : usage(`Missing required argument "${spec(name)}"`, help);
}

/** CommandLineUtils.checkInvalidArgs: `used` may not be given with any of `invalid`. */
export function forbid(
  o: Opts,
  used: string,
  invalid: readonly string[],
  help?: readonly HelpOption[],
): CliResult | null {
  if (!o.has(used)) return null;
  const clash = invalid.find((i) => o.has(i));
  return clash === undefined
    ? null
    : usage(`Option "${spec(used)}" can't be used with option "${spec(clash)}"`, help);
}
