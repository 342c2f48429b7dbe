/**
 * The account service's business rule, pure: an `InitiateTransaction` command (a request that may
 * be refused) becomes events (facts that happened): `AccountBalanceChanged` for each account
 * touched and `TransactionCompleted`, or a single `TransactionFailed`. Data only: a command is
 * parsed as JSON and never run.
 */
import type { AccountRecord, Decision } from './service-state';

export interface InitiateTransaction {
  type: 'InitiateTransaction';
  transactionId: string;
  from: string;
  to: string;
  amount: number;
}

/** The command as JSON, for senders and lessons. */
export function initiateTransaction(transactionId: string, from: string, to: string, amount: number): string {
  return JSON.stringify({ type: 'InitiateTransaction', transactionId, from, to, amount });
}

function parse(body: string): InitiateTransaction | string {
  let v: unknown;
  try {
    v = JSON.parse(body);
  } catch {
    return 'the command is not JSON';
  }
  if (typeof v !== 'object' || v === null) return 'the command is not an object';
  const c = v as Record<string, unknown>;
  if (c.type !== 'InitiateTransaction') return `unknown command type ${JSON.stringify(c.type ?? null)}`;
  if (typeof c.transactionId !== 'string' || c.transactionId === '') return 'no transactionId';
  if (typeof c.from !== 'string' || typeof c.to !== 'string') return 'from and to must be account names';
  if (!Number.isSafeInteger(c.amount) || (c.amount as number) <= 0)
    return 'amount must be a whole number > 0';
  return c as unknown as InitiateTransaction;
}

function record(fields: Record<string, unknown> & { type: AccountRecord['type'] }): AccountRecord {
  return { type: fields.type, value: JSON.stringify(fields) };
}

/** Decide one command against the balances. Never mutates `balances`. */
export function decideTransaction(
  balances: Readonly<Record<string, number>>,
  body: string,
  messageId: string,
): Decision {
  const cmd = parse(body);
  if (typeof cmd === 'string') {
    const transactionId = transactionIdOf(body) ?? messageId;
    return failed(balances, transactionId, cmd);
  }
  const { transactionId, from, to, amount } = cmd;
  if (!(from in balances)) return failed(balances, transactionId, `unknown account ${from}`, cmd);
  if (!(to in balances)) return failed(balances, transactionId, `unknown account ${to}`, cmd);
  if (from === to) return failed(balances, transactionId, 'from and to are the same account', cmd);
  const fromBalance = balances[from]!;
  if (fromBalance < amount) return failed(balances, transactionId, 'insufficient funds', cmd);
  const next = { ...balances, [from]: fromBalance - amount, [to]: balances[to]! + amount };
  return {
    transactionId,
    outcome: 'completed',
    reason: null,
    key: transactionId,
    balances: next,
    records: [
      record({
        type: 'AccountBalanceChanged',
        transactionId,
        account: from,
        change: -amount,
        balance: next[from],
      }),
      record({
        type: 'AccountBalanceChanged',
        transactionId,
        account: to,
        change: amount,
        balance: next[to],
      }),
      record({ type: 'TransactionCompleted', transactionId, from, to, amount }),
    ],
  };
}

function failed(
  balances: Readonly<Record<string, number>>,
  transactionId: string,
  reason: string,
  cmd?: InitiateTransaction,
): Decision {
  const detail = cmd
    ? { from: cmd.from, to: cmd.to, amount: cmd.amount, balance: balances[cmd.from] ?? null }
    : {};
  return {
    transactionId,
    outcome: 'failed',
    reason,
    key: transactionId,
    balances: { ...balances },
    records: [record({ type: 'TransactionFailed', transactionId, reason, ...detail })],
  };
}

function transactionIdOf(body: string): string | null {
  try {
    const v = JSON.parse(body) as unknown;
    const id = typeof v === 'object' && v !== null ? (v as Record<string, unknown>).transactionId : undefined;
    return typeof id === 'string' && id !== '' ? id : null;
  } catch {
    return null;
  }
}
