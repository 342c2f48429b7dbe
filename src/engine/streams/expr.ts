/**
 * The small expression language of stream topologies: predicates (`value.amount > 10`), mappers
 * (`upper(value.user)`), key selectors (`value.user`). It is parsed into a tree and interpreted over
 * one record; it is never turned into JavaScript, so a topology from a share link or a file cannot
 * run code. Names: `key`, `value` (and `value.<field>…` when the value is a JSON object), `timestamp`.
 */
import { EngineError } from '../errors';
import { evalExpr } from './expr-eval';
import type { BinaryOp, Expr, ExprRecord, FunctionName, StreamValue } from './expr-types';

export type { BinaryOp, Expr, ExprRecord, FunctionName, StreamValue } from './expr-types';

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
} as const satisfies Record<FunctionName, readonly [number, number]>;

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

/** Source text → a function of a record, parsed once. */
export function compileExpr(source: string): (r: ExprRecord) => StreamValue {
  const tree = parseExpr(source);
  return (r) => evalExpr(tree, r);
}

export { evalExpr, formatValue, isTruthy, parseRecordValue, valueAsNumber, valueAsText } from './expr-eval';
