/**
 * kafka-transactions list|describe (TransactionsCommand.java), and what the other admin tools
 * share. kafka-configs and kafka-leader-election live in their own files.
 */
import { checkBootstrap } from '../common';
import { done, type CliResult, type CliTarget } from '../types';
import { parseArgparse } from './argparse';
import { TRANSACTIONS_PARSER } from './argparse-specs';
import { prettyTable } from './kafka-metadata-quorum';

export const timeout = (call: string): CliResult =>
  done(
    '',
    `org.apache.kafka.common.errors.TimeoutException: Timed out waiting for a node assignment. Call: ${call}\n`,
    1,
  );

export function kafkaTransactions(target: CliTarget, args: string[]): CliResult {
  const parsed = parseArgparse('kafka-transactions.sh', TRANSACTIONS_PARSER, args);
  if ('exitCode' in parsed) return parsed;
  const bootstrap = String(parsed.values.get('bootstrap-server'));
  const command = parsed.command;
  if (command !== 'list' && command !== 'describe')
    return done('', `StreamLab's kafka-transactions simulates list and describe only, not ${command}.\n`, 1);
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
  const id = String(parsed.values.get('transactional-id'));
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
