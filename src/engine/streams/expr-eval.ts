/**
 * The interpreter of the expression language (expr.ts parses, and compiles with evalExpr): walks a
 * parsed tree over one record. Data never throws: a missing field is null, arithmetic on text is
 * null, and field access reads only a value's own properties, never its prototype.
 */
import type { BinaryOp, Expr, ExprRecord, FunctionName, StreamValue } from './expr-types';

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

export const isTruthy = truthy;
export const valueAsNumber = toNumber;
export const valueAsText = toText;
