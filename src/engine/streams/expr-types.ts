/**
 * The types of the expression language, shared by its parser (expr.ts) and its interpreter
 * (expr-eval.ts). A leaf module, so the two import it and never each other's types: expr.ts imports
 * the interpreter, and the interpreter imports nothing back.
 */

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

export type BinaryOp = '||' | '&&' | '==' | '!=' | '<' | '<=' | '>' | '>=' | '+' | '-' | '*' | '/' | '%';

/** Functions a learner may call; expr.ts's arity table must list exactly these (checked by its type). */
export type FunctionName =
  | 'upper'
  | 'lower'
  | 'len'
  | 'concat'
  | 'split'
  | 'contains'
  | 'number'
  | 'string'
  | 'floor'
  | 'abs'
  | 'coalesce';
