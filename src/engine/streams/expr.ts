/**
 * The small expression language of stream topologies: predicates (`value.amount > 10`), mappers
 * (`upper(value.user)`), key selectors (`value.user`). It is parsed into a tree and interpreted over
 * one record; it is never turned into JavaScript, so a topology from a share link or a file cannot
 * run code. Names: `key`, `value` (and `value.<field>…` when the value is a JSON object), `timestamp`.
 */
import { EngineError } from '../errors';

/** A record value as the expressions see it: the string from the log, parsed as JSON when it is JSON. */
export type StreamValue = string | number | boolean | null | StreamValue[] | { [field: string]: StreamValue };

export interface ExprRecord {
  key: string | null;
  value: StreamValue;
  timestamp: number;
}

export type Expr =
  | { kind: 'literal'; value: StreamValue }
  | { kind: 'path'; root: 'key' | 'value' | 'timestamp'; fields: string[] }
  | { kind: 'unary'; op: '!' | '-'; arg: Expr }
  | { kind: 'binary'; op: BinaryOp; left: Expr; right: Expr }
  | { kind: 'call'; fn: FunctionName; args: Expr[] };

type BinaryOp = '||' | '&&' | '==' | '!=' | '<' | '<=' | '>' | '>=' | '+' | '-' | '*' | '/' | '%';

/** Functions a learner may call, with their arity range [min, max]. */
const FUNCTIONS = {
  upper: [1, 1],
  lower: [1, 1],
  len: [1, 1],
  concat: [1, 8],
  split: [2, 2],
  contains: [2, 2],
  number: [1, 1],
  string: [1, 1],
  floor: [1, 1],
  abs: [1, 1],
  coalesce: [2, 8],
} as const satisfies Record<string, readonly [number, number]>;
export type FunctionName = keyof typeof FUNCTIONS;

const MAX_SOURCE_LENGTH = 500;

interface Token {
  t: 'num' | 'str' | 'name' | 'op' | 'end';
  v: string;
  at: number;
}

function fail(source: string, at: number, message: string): never {
  throw new EngineError('INVALID_COMMAND', `Expression "${source}", column ${at + 1}: ${message}`);
}

const OPERATORS = [
  '||',
  '&&',
  '==',
  '!=',
  '<=',
  '>=',
  '<',
  '>',
  '+',
  '-',
  '*',
  '/',
  '%',
  '!',
  '(',
  ')',
  ',',
  '.',
];

function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < source.length) {
    const c = source[i]!;
    if (c === ' ' || c === '\t' || c === '\n') {
      i++;
    } else if (/[0-9]/.test(c)) {
      const m = /^[0-9]+(\.[0-9]+)?/.exec(source.slice(i))!;
      tokens.push({ t: 'num', v: m[0], at: i });
      i += m[0].length;
    } else if (/[A-Za-z_]/.test(c)) {
      const m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(source.slice(i))!;
      tokens.push({ t: 'name', v: m[0], at: i });
      i += m[0].length;
    } else if (c === "'" || c === '"') {
      const end = source.indexOf(c, i + 1);
      if (end < 0) fail(source, i, 'this string is never closed');
      tokens.push({ t: 'str', v: source.slice(i + 1, end), at: i });
      i = end + 1;
    } else {
      const op = OPERATORS.find((o) => source.startsWith(o, i));
      if (!op) fail(source, i, `unexpected character '${c}'`);
      tokens.push({ t: 'op', v: op, at: i });
      i += op.length;
    }
  }
  tokens.push({ t: 'end', v: '', at: source.length });
  return tokens;
}

/** Parses (and so validates) an expression; errors name the column and what was expected. */
export function parseExpr(source: string): Expr {
  if (typeof source !== 'string' || source.trim() === '') {
    throw new EngineError('INVALID_COMMAND', 'An expression is required (for example value.amount > 10).');
  }
  if (source.length > MAX_SOURCE_LENGTH) {
    throw new EngineError('INVALID_COMMAND', `An expression may be at most ${MAX_SOURCE_LENGTH} characters.`);
  }
  const tokens = tokenize(source);
  let pos = 0;
  const peek = (): Token => tokens[pos]!;
  const next = (): Token => tokens[pos++]!;
  const isOp = (...ops: string[]): boolean => peek().t === 'op' && ops.includes(peek().v);
  const expect = (op: string): void => {
    if (!isOp(op)) fail(source, peek().at, `expected '${op}'`);
    pos++;
  };

  const binaryLevel =
    (ops: BinaryOp[], below: () => Expr, chain = true) =>
    (): Expr => {
      let left = below();
      while (isOp(...ops)) {
        const op = next().v as BinaryOp;
        left = { kind: 'binary', op, left, right: below() };
        if (!chain) break;
      }
      return left;
    };
  const primary = (): Expr => {
    const tok = next();
    if (tok.t === 'num') return { kind: 'literal', value: Number(tok.v) };
    if (tok.t === 'str') return { kind: 'literal', value: tok.v };
    if (tok.t === 'op' && tok.v === '(') {
      const inner = orExpr();
      expect(')');
      return inner;
    }
    if (tok.t === 'name') {
      if (tok.v === 'true' || tok.v === 'false') return { kind: 'literal', value: tok.v === 'true' };
      if (tok.v === 'null') return { kind: 'literal', value: null };
      if (tok.v === 'key' || tok.v === 'value' || tok.v === 'timestamp') {
        const fields: string[] = [];
        while (isOp('.')) {
          pos++;
          const f = next();
          if (f.t !== 'name') fail(source, f.at, 'expected a field name after "."');
          fields.push(f.v);
        }
        if (fields.length > 0 && tok.v !== 'value')
          fail(source, tok.at, `only value has fields, not ${tok.v}`);
        return { kind: 'path', root: tok.v, fields };
      }
      if (isOp('(')) {
        if (!Object.hasOwn(FUNCTIONS, tok.v)) {
          fail(source, tok.at, `unknown function ${tok.v}(); known: ${Object.keys(FUNCTIONS).join(', ')}`);
        }
        pos++;
        const args: Expr[] = [];
        if (!isOp(')')) {
          args.push(orExpr());
          while (isOp(',')) {
            pos++;
            args.push(orExpr());
          }
        }
        expect(')');
        const fn = tok.v as FunctionName;
        const [min, max] = FUNCTIONS[fn];
        if (args.length < min || args.length > max) {
          fail(source, tok.at, `${fn}() takes ${min === max ? min : `${min} to ${max}`} argument(s)`);
        }
        return { kind: 'call', fn, args };
      }
      fail(source, tok.at, `unknown name '${tok.v}' (use key, value, value.<field> or timestamp)`);
    }
    fail(source, tok.at, tok.t === 'end' ? 'the expression ends too early' : `unexpected '${tok.v}'`);
  };
  const unary = (): Expr => {
    if (isOp('!', '-')) {
      const op = next().v as '!' | '-';
      return { kind: 'unary', op, arg: unary() };
    }
    return primary();
  };
  const mul = binaryLevel(['*', '/', '%'], unary);
  const add = binaryLevel(['+', '-'], mul);
  const cmp = binaryLevel(['==', '!=', '<', '<=', '>', '>='], add, false);
  const andExpr = binaryLevel(['&&'], cmp);
  const orExpr = binaryLevel(['||'], andExpr);

  const tree = orExpr();
  if (peek().t !== 'end') fail(source, peek().at, `unexpected '${peek().v}' after a complete expression`);
  return tree;
}

/** A record value from the log: JSON objects, arrays and numbers are parsed; anything else stays a string. */
export function parseRecordValue(raw: string | null): StreamValue {
  if (raw === null) return null;
  const t = raw.trim();
  if (t.startsWith('{') || t.startsWith('[') || /^-?[0-9]+(\.[0-9]+)?$/.test(t)) {
    try {
      return JSON.parse(t) as StreamValue;
    } catch {
      return raw;
    }
  }
  return raw;
}

/** How a value is written back to a topic. */
export function formatValue(v: StreamValue): string | null {
  if (v === null) return null;
  return typeof v === 'string' ? v : JSON.stringify(v);
}

function toNumber(v: StreamValue): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v))) return Number(v);
  return Number.NaN;
}

function toText(v: StreamValue): string {
  return v === null ? 'null' : typeof v === 'string' ? v : JSON.stringify(v);
}

function truthy(v: StreamValue): boolean {
  return !(v === null || v === false || v === 0 || v === '');
}

function compare(op: BinaryOp, a: StreamValue, b: StreamValue): boolean {
  if (op === '==') return toText(a) === toText(b) && (a === null) === (b === null);
  if (op === '!=') return !compare('==', a, b);
  const bothNumbers = !Number.isNaN(toNumber(a)) && !Number.isNaN(toNumber(b));
  const x: number | string = bothNumbers ? toNumber(a) : toText(a);
  const y: number | string = bothNumbers ? toNumber(b) : toText(b);
  if (op === '<') return x < y;
  if (op === '<=') return x <= y;
  if (op === '>') return x > y;
  return x >= y;
}

function numeric(v: number): StreamValue {
  return Number.isFinite(v) ? v : null;
}

/** Interprets a parsed expression over one record. Never throws for data: missing fields are null. */
export function evalExpr(e: Expr, r: ExprRecord): StreamValue {
  switch (e.kind) {
    case 'literal':
      return e.value;
    case 'path': {
      if (e.root === 'key') return r.key;
      if (e.root === 'timestamp') return r.timestamp;
      let v: StreamValue = r.value;
      for (const f of e.fields) {
        if (v === null || typeof v !== 'object' || Array.isArray(v) || !Object.hasOwn(v, f)) return null;
        v = v[f]!;
      }
      return v;
    }
    case 'unary': {
      const a = evalExpr(e.arg, r);
      return e.op === '!' ? !truthy(a) : numeric(-toNumber(a));
    }
    case 'binary':
      return evalBinary(e.op, e.left, e.right, r);
    case 'call':
      return evalCall(
        e.fn,
        e.args.map((a) => evalExpr(a, r)),
      );
  }
}

function evalBinary(op: BinaryOp, le: Expr, re: Expr, r: ExprRecord): StreamValue {
  if (op === '&&') return truthy(evalExpr(le, r)) && truthy(evalExpr(re, r));
  if (op === '||') return truthy(evalExpr(le, r)) || truthy(evalExpr(re, r));
  const a = evalExpr(le, r);
  const b = evalExpr(re, r);
  switch (op) {
    case '+':
      if (typeof a === 'string' || typeof b === 'string') return toText(a) + toText(b);
      return numeric(toNumber(a) + toNumber(b));
    case '-':
      return numeric(toNumber(a) - toNumber(b));
    case '*':
      return numeric(toNumber(a) * toNumber(b));
    case '/':
      return numeric(toNumber(a) / toNumber(b));
    case '%':
      return numeric(toNumber(a) % toNumber(b));
    default:
      return compare(op, a, b);
  }
}

function evalCall(fn: FunctionName, args: StreamValue[]): StreamValue {
  const [a, b] = [args[0] ?? null, args[1] ?? null];
  switch (fn) {
    case 'upper':
      return toText(a).toUpperCase();
    case 'lower':
      return toText(a).toLowerCase();
    case 'len':
      return Array.isArray(a) ? a.length : toText(a).length;
    case 'concat':
      return args.map(toText).join('');
    case 'split':
      return toText(a)
        .split(toText(b))
        .filter((s) => s !== '');
    case 'contains':
      return toText(a).includes(toText(b));
    case 'number':
      return numeric(toNumber(a));
    case 'string':
      return toText(a);
    case 'floor':
      return numeric(Math.floor(toNumber(a)));
    case 'abs':
      return numeric(Math.abs(toNumber(a)));
    case 'coalesce':
      return args.find((x) => x !== null) ?? null;
  }
}

/** Source text → a function of a record, parsed once. */
export function compileExpr(source: string): (r: ExprRecord) => StreamValue {
  const tree = parseExpr(source);
  return (r) => evalExpr(tree, r);
}

export const isTruthy = truthy;
export const valueAsNumber = toNumber;
export const valueAsText = toText;
