/**
 * A small parser with joptsimple's rules, which Kafka's tools use: `--name value` or
 * `--name=value`, only full option names (Kafka turns abbreviations off), an
 * option that takes an argument takes the next word whatever it looks like, unknown options and
 * missing arguments fail with joptsimple's messages. Kafka prints those messages (then, for the
 * tools that catch them, the option table: src/cli/help).
 */

export interface OptionSpec {
  /** Takes an argument. */
  arg?: boolean;
}

export type OptionSpecs = Record<string, OptionSpec>;

export interface ParsedOptions {
  /** Every value given for each option seen, in order (`[]` for a flag). */
  values: Map<string, string[]>;
  /** Words that are not options (joptsimple's non-option arguments). */
  rest: string[];
}

export class OptionError extends Error {
  constructor(
    message: string,
    /** joptsimple's exception class, printed by tools that do not catch it. */
    readonly exception: string,
  ) {
    super(message);
  }
}

/**
 * Kafka 4.0's tools build `new OptionParser(false)` (CommandDefaultOptions): abbreviations are off,
 * so only a full option name is recognized (`--bootstrap` is not a recognized option).
 */
function resolve(specs: OptionSpecs, name: string): string {
  if (Object.hasOwn(specs, name)) return name;
  throw new OptionError(`${name} is not a recognized option`, 'joptsimple.UnrecognizedOptionException');
}

export function parseOptions(specs: OptionSpecs, words: readonly string[]): ParsedOptions {
  const values = new Map<string, string[]>();
  const rest: string[] = [];
  for (let i = 0; i < words.length; i++) {
    const w = words[i]!;
    if (w === '--') {
      rest.push(...words.slice(i + 1));
      break;
    }
    if (!w.startsWith('--') || w.length === 2) {
      rest.push(w);
      continue;
    }
    const eq = w.indexOf('=');
    const name = resolve(specs, eq < 0 ? w.slice(2) : w.slice(2, eq));
    const list = values.get(name) ?? [];
    values.set(name, list);
    if (!specs[name]!.arg) {
      if (eq >= 0) {
        throw new OptionError(
          `Option ${name} does not take an argument`,
          'joptsimple.UnrecognizedOptionException',
        );
      }
      continue;
    }
    if (eq >= 0) list.push(w.slice(eq + 1));
    else if (i + 1 < words.length) list.push(words[++i]!);
    else
      throw new OptionError(
        `Option ${name} requires an argument`,
        'joptsimple.OptionMissingRequiredArgumentException',
      );
  }
  return { values, rest };
}

/** Read helpers over a parse. */
export class Opts {
  constructor(readonly parsed: ParsedOptions) {}
  has(name: string): boolean {
    return this.parsed.values.has(name);
  }
  value(name: string): string | undefined {
    const v = this.parsed.values.get(name);
    return v && v.length > 0 ? v[v.length - 1] : undefined;
  }
  all(name: string): string[] {
    return this.parsed.values.get(name) ?? [];
  }
}
