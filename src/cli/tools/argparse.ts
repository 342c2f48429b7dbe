/**
 * The part of argparse4j 0.7.0 (the version Kafka 4.0 ships) that kafka-transactions and
 * kafka-metadata-quorum show on a usage error: ArgumentParserImpl.parseArgs' checks in its order
 * (flags matched exactly or by a unique prefix, mutually exclusive groups, required arguments
 * deferred until the end, a sub-command chosen by name or unique prefix), then handleError's
 * output: the failing parser's usage, `prog: error: message` wrapped and justified by
 * TextHelper.wrap at the format width, and "Did you mean:" candidates (Damerau–Levenshtein, git's
 * costs) for an unknown flag or command. The width is 75: argparse4j's default, and what it
 * computes for an 80-column terminal (columns - 5). Usage texts are per parser (the tools pass
 * them, printed by argparse4j for Kafka's parsers).
 */
import { lineBreakWords } from '../help/words';
import { done, type CliResult } from '../types';

const WIDTH = 75;

export interface ArgSpec {
  /** Flags in declaration order (`--controller-id`, `-i`). */
  flags: string[];
  /** Takes one value (store) or none (storeTrue). */
  value?: boolean;
  required?: boolean;
  /** Member of the parser's (required) mutually exclusive group. */
  mutex?: boolean;
  /** Value type, checked as ReflectArgumentType does (`Integer.valueOf`…). */
  type?: 'Integer' | 'Long' | 'Short';
}

export interface ArgParser {
  /** What handleError prints first: `usage: …` ending in a newline. */
  usage: string;
  args: ArgSpec[];
  /** Sub-commands, in the order they were added. */
  commands?: [string, ArgParser][];
}

export interface ArgsOk {
  values: Map<string, string | true>;
  command?: string;
}

class ParseError {
  constructor(
    readonly parser: ArgParser,
    readonly message: string,
    /** What the candidates are looked for: an unknown flag's body or command. */
    readonly candidates?: { body: string; subjects: string[] },
  ) {}
}

/** argparse4j's dest: the first long flag without dashes. */
const dest = (a: ArgSpec) => (a.flags.find((f) => f.startsWith('--')) ?? a.flags[0]!).replace(/^-+/, '');
const textual = (a: ArgSpec) => a.flags.join('/');
const HELP: ArgSpec = { flags: ['-h', '--help'] };

function levenshtein(a: string, b: string): number {
  const [swap, sub, add, del] = [0, 2, 1, 4];
  let prev2: number[] = new Array<number>(b.length + 1).fill(0);
  let prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const cur = new Array<number>(b.length + 1).fill(0);
    cur[0] = i;
    for (let j = 1; j <= b.length; j++) {
      cur[j] = prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : sub);
      if (i >= 2 && j >= 2 && a[i - 1] !== b[j - 1] && a[i - 2] === b[j - 1] && a[i - 1] === b[j - 2])
        cur[j] = Math.min(cur[j]!, prev2[j - 2]! + swap);
      cur[j] = Math.min(cur[j]!, prev[j]! + del, cur[j - 1]! + add);
    }
    prev2 = prev;
    prev = cur;
  }
  return prev[b.length]!;
}

function candidates(body: string, subjects: string[]): string {
  const scored = subjects
    .map((s) => ({
      s,
      d: s.replace(/^-+/, '').startsWith(body) ? 0 : levenshtein(body, s.replace(/^-+/, '')),
    }))
    .sort((x, y) => x.d - y.d || (x.s < y.s ? -1 : x.s > y.s ? 1 : 0));
  if (scored.length === 0 || scored[0]!.d >= 7) return '';
  const best = scored[0]!.d;
  return `\nDid you mean:\n${scored
    .filter((c) => c.d <= best)
    .map((c) => `\t${c.s}\n`)
    .join('')}`;
}

/** TextHelper.adjustSpace: trim, then widen the blocks of spaces to fill the line. */
function adjust(line: string, width: number): string {
  const s = line.replace(/^ +/, '').replace(/ +$/, '');
  const blocks = s.split(/( +)/);
  const numWs = blocks.filter((b) => b.startsWith(' ')).length;
  if (numWs === 0) return s;
  const need = width - s.length;
  const each = Math.floor(need / numWs);
  const rem = need % numWs;
  const remStart = Math.floor((numWs - rem + 1) / 2);
  let b = 0;
  return blocks
    .map((part) => {
      if (!part.startsWith(' ')) return part;
      const add = each + (remStart <= b && b < remStart + rem ? 1 : 0);
      b++;
      return part + ' '.repeat(add);
    })
    .join('');
}

/** TextHelper.wrap(s, width, 0, "", ""), words broken as the JDK's line BreakIterator does. */
export function wrap(s: string, width = WIDTH): string {
  let res = '';
  let line = '';
  let current = 0;
  // The JDK's BreakIterator keeps a line feed with the word before it (words.ts, written for
  // joptsimple's pre-split lines, gives it alone).
  const words: string[] = [];
  for (const w of lineBreakWords(s)) {
    if (w === '\n' && words.length > 0) words[words.length - 1] += w;
    else words.push(w);
  }
  for (const word of words) {
    current += word.length;
    if (current > width) {
      res += `${adjust(line, width)}\n`;
      line = '';
      current = word.length;
    }
    line += word;
    if (word.endsWith('\n')) {
      res += line;
      line = '';
      current = 0;
    }
  }
  return res + line;
}

function resolve(p: ArgParser, flag: string, all: ArgSpec[]): ArgSpec | undefined {
  const exact = all.find((a) => a.flags.includes(flag));
  if (exact) return exact;
  const cand = all.flatMap((a) => a.flags).filter((f) => f.startsWith(flag));
  if (cand.length === 1) return all.find((a) => a.flags.includes(cand[0]!));
  if (cand.length > 1)
    throw new ParseError(p, `ambiguous option: ${flag} could match ${[...cand].sort().join(', ')}`);
  return undefined;
}

function convert(a: ArgSpec, v: string): string | null {
  if (!a.type) return null;
  const [min, max] = {
    Integer: [-(2 ** 31), 2 ** 31 - 1],
    Long: [-(2 ** 63), 2 ** 63 - 1],
    Short: [-32768, 32767],
  }[a.type];
  const ok = /^[+-]?\d+$/.test(v) && Number(v) >= min! && Number(v) <= max!;
  if (ok) return null;
  const why = /^[+-]?\d+$/.test(v) ? `Value out of range. Value:"${v}" Radix:10` : `For input string: "${v}"`;
  return `could not convert '${v}' to ${a.type} (${why})`;
}

interface State {
  args: readonly string[];
  i: number;
  deferred?: ParseError;
  values: Map<string, string | true>;
  command?: string;
}

function parseLevel(p: ArgParser, main: ArgParser, st: State): void {
  const all = [HELP, ...p.args];
  const used = new Set<ArgSpec>();
  let mutexUsed: ArgSpec | undefined;
  const checkRequired = () => {
    if (st.deferred) return;
    for (const a of p.args)
      if (a.required && !used.has(a)) st.deferred = new ParseError(p, `argument ${textual(a)} is required`);
    const group = p.args.filter((a) => a.mutex);
    if (!st.deferred && group.length > 0 && mutexUsed === undefined)
      st.deferred = new ParseError(
        p,
        `one of the arguments ${group.map((a) => `${textual(a)} `).join('')}is required`,
      );
  };
  while (st.i < st.args.length) {
    const term = st.args[st.i]!;
    if (term.startsWith('-') && term.length > 1 && term !== '--') {
      const eq = term.indexOf('=');
      const flag = eq < 0 ? term : term.slice(0, eq);
      const embedded = eq < 0 ? undefined : term.slice(eq + 1);
      const a = resolve(p, flag, all);
      if (!a) {
        const body = term.replace(/^-+/, '');
        const subjects = all.flatMap((x) => x.flags).filter((f) => f.replace(/^-+/, '').length > 1);
        throw new ParseError(
          p,
          `unrecognized arguments: '${term}'`,
          term.startsWith('-') && body.length >= 2 ? { body, subjects } : undefined,
        );
      }
      st.i++;
      if (a.mutex) {
        if (mutexUsed && mutexUsed !== a)
          throw new ParseError(p, `argument ${textual(a)}: not allowed with argument ${textual(mutexUsed)}`);
        mutexUsed = a;
      }
      if (a === HELP) throw new ParseError(p, '');
      if (a.value) {
        const v = embedded ?? st.args[st.i];
        if (v === undefined || (embedded === undefined && v.startsWith('-') && v.length > 1))
          throw new ParseError(p, `argument ${textual(a)}: expected one argument`);
        if (embedded === undefined) st.i++;
        const bad = convert(a, v);
        if (bad) throw new ParseError(p, `argument ${textual(a)}: ${bad}`);
        st.values.set(dest(a), v);
      } else st.values.set(dest(a), true);
      used.add(a);
    } else if (term === '--') st.i++;
    else if (p.commands) {
      checkRequired();
      const names = p.commands.map(([n]) => n);
      const match = names.includes(term) ? [term] : names.filter((n) => n.startsWith(term));
      if (match.length > 1)
        throw new ParseError(main, `ambiguous command: ${term} could match ${[...match].sort().join(', ')}`);
      if (match.length === 0)
        throw new ParseError(
          main,
          `invalid choice: '${term}' (choose from ${names.map((n) => `'${n}'`).join(', ')})`,
          { body: term, subjects: names },
        );
      st.command = match[0]!;
      st.i++;
      parseLevel(p.commands.find(([n]) => n === st.command)![1], main, st);
      return;
    } else throw new ParseError(p, `unrecognized arguments: '${st.args.slice(st.i).join(' ')}'`);
  }
  if (p.commands) throw new ParseError(p, 'too few arguments');
  checkRequired();
}

/**
 * Parse as argparse4j would; on an error, what handleError prints (exit 1). `-h`/`--help` prints
 * the usage alone, exit 0 (argparse4j prints the whole help screen: not reproduced).
 */
export function parseArgparse(prog: string, parser: ArgParser, args: readonly string[]): ArgsOk | CliResult {
  const st: State = { args, i: 0, values: new Map() };
  try {
    parseLevel(parser, parser, st);
    if (st.deferred) throw st.deferred;
  } catch (e) {
    if (!(e instanceof ParseError)) throw e;
    if (e.message === '') return done(e.parser.usage);
    const more = e.candidates ? candidates(e.candidates.body, e.candidates.subjects) : '';
    return done('', `${e.parser.usage}${wrap(`${prog}: error: ${e.message}\n`)}${more}`, 1);
  }
  return { values: st.values, ...(st.command !== undefined ? { command: st.command } : {}) };
}
