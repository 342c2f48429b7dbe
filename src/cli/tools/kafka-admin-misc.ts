/**
 * kafka-transactions list|describe (TransactionsCommand.java), and what the other admin tools
 * share. kafka-configs and kafka-leader-election live in their own files.
 */
import { checkBootstrap } from '../common';
import { done, type CliResult, type CliTarget } from '../types';
import { prettyTable } from './kafka-metadata-quorum';

function bootstrapOf(args: string[]): string | undefined {
  const i = args.indexOf('--bootstrap-server');
  if (i >= 0) return args[i + 1];
  return args.find((a) => a.startsWith('--bootstrap-server='))?.slice('--bootstrap-server='.length);
}

export const timeout = (call: string): CliResult =>
  done(
    '',
    `org.apache.kafka.common.errors.TimeoutException: Timed out waiting for a node assignment. Call: ${call}\n`,
    1,
  );

export function kafkaTransactions(target: CliTarget, args: string[]): CliResult {
  const argErr = (msg: string) =>
    done(
      '',
      `usage: kafka-transactions [-h] [-v] [--command-config FILE] --bootstrap-server host:port COMMAND ...\nkafka-transactions: error: ${msg}\n`,
      1,
    );
  const bootstrap = bootstrapOf(args);
  const rest = args.filter(
    (a, i) =>
      a !== '--bootstrap-server' &&
      args[i - 1] !== '--bootstrap-server' &&
      !a.startsWith('--bootstrap-server='),
  );
  if (bootstrap === undefined) return argErr('argument --bootstrap-server is required');
  const command = rest[0];
  if (command !== 'list' && command !== 'describe') {
    return argErr(
      command === undefined
        ? 'too few arguments'
        : `invalid choice: '${command}' (choose from 'list', 'describe', 'describe-producers', 'abort', 'find-hanging', 'force-terminate')`,
    );
  }
  const snapshot = target.snapshot();
  if (!checkBootstrap(snapshot, bootstrap).ok)
    return timeout(command === 'list' ? 'listTransactions' : 'describeTransactions');
  const txns = snapshot.transactions ?? [];
  if (command === 'list') {
    const rows = [...txns]
      .sort((a, b) => a.coordinator - b.coordinator)
      .map((t) => [t.transactionalId, String(t.coordinator), String(t.producerId), t.state]);
    return done(prettyTable(['TransactionalId', 'Coordinator', 'ProducerId', 'TransactionState'], rows));
  }
  const idAt = rest.indexOf('--transactional-id');
  const id = idAt >= 0 ? rest[idAt + 1] : undefined;
  if (id === undefined) return argErr('argument --transactional-id is required');
  const t = txns.find((x) => x.transactionalId === id);
  if (!t) {
    return done(
      '',
      `Failed to describe transaction state of transactional-id \`${id}\`: The transactionalId could not be found\n`,
      1,
    );
  }
  const started = t.partitions.length > 0;
  return done(
    prettyTable(
      [
        'CoordinatorId',
        'TransactionalId',
        'ProducerId',
        'ProducerEpoch',
        'TransactionState',
        'TransactionTimeoutMs',
        'CurrentTransactionStartTimeMs',
        'TransactionDurationMs',
        'TopicPartitions',
      ],
      [
        [
          String(t.coordinator),
          id,
          String(t.producerId),
          String(t.producerEpoch),
          t.state,
          String(t.timeoutMs),
          started ? String(t.txnStartMs) : 'None',
          started ? String(snapshot.nowMs - t.txnStartMs) : 'None',
          t.partitions.map((p) => `${p.topic}-${p.partition}`).join(','),
        ],
      ],
    ),
  );
}
