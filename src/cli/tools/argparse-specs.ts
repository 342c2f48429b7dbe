/**
 * The argparse4j parsers of kafka-transactions (TransactionsCommand.java) and
 * kafka-metadata-quorum (MetadataQuorumCommand.java) at Kafka 4.0's line, with the usage text
 * argparse4j 0.7.0 prints for each at width 75 (checked against argparse4j itself).
 */
import type { ArgParser } from './argparse';

const TXN_MAIN_USAGE =
  'usage: kafka-transactions.sh [-h] [-v] [--command-config FILE]\n' +
  '                             --bootstrap-server host:port COMMAND ...\n';
const TXN_PREFIX = 'usage: kafka-transactions.sh --bootstrap-server host:port';
const INDENT = '\n                             ';

/** TransactionsCommand's parser: prog `kafka-transactions.sh`, sub-commands in the order Kafka adds them. */
export const TRANSACTIONS_PARSER: ArgParser = {
  usage: TXN_MAIN_USAGE,
  args: [
    { flags: ['-v', '--version'] },
    { flags: ['--command-config'], value: true },
    { flags: ['--bootstrap-server'], value: true, required: true },
  ],
  commands: [
    [
      'list',
      {
        usage: `${TXN_PREFIX} list [-h]${INDENT}[--duration-filter DURATION_FILTER]\n`,
        args: [{ flags: ['--duration-filter'], value: true, type: 'Long' }],
      },
    ],
    [
      'describe',
      {
        usage: `${TXN_PREFIX} describe [-h]${INDENT}--transactional-id TRANSACTIONAL_ID\n`,
        args: [{ flags: ['--transactional-id'], value: true, required: true }],
      },
    ],
    [
      'describe-producers',
      {
        usage: `${TXN_PREFIX}${INDENT}describe-producers [-h]${INDENT}[--broker-id BROKER_ID] --topic TOPIC${INDENT}--partition PARTITION\n`,
        args: [
          { flags: ['--broker-id'], value: true, type: 'Integer' },
          { flags: ['--topic'], value: true, required: true },
          { flags: ['--partition'], value: true, required: true, type: 'Integer' },
        ],
      },
    ],
    [
      'abort',
      {
        usage: `${TXN_PREFIX} abort [-h]${INDENT}--topic TOPIC --partition PARTITION${INDENT}[--start-offset START_OFFSET]${INDENT}[--producer-id PRODUCER_ID]${INDENT}[--producer-epoch PRODUCER_EPOCH]${INDENT}[--coordinator-epoch COORDINATOR_EPOCH]\n`,
        args: [
          { flags: ['--topic'], value: true, required: true },
          { flags: ['--partition'], value: true, required: true, type: 'Integer' },
          { flags: ['--start-offset'], value: true, type: 'Long' },
          { flags: ['--producer-id'], value: true, type: 'Long' },
          { flags: ['--producer-epoch'], value: true, type: 'Short' },
          { flags: ['--coordinator-epoch'], value: true, type: 'Integer' },
        ],
      },
    ],
    [
      'find-hanging',
      {
        usage: `${TXN_PREFIX} find-hanging [-h]${INDENT}[--broker-id BROKER_ID]${INDENT}[--max-transaction-timeout MAX_TRANSACTION_TIMEOUT]${INDENT}[--topic TOPIC] [--partition PARTITION]\n`,
        args: [
          { flags: ['--broker-id'], value: true, type: 'Integer' },
          { flags: ['--max-transaction-timeout'], value: true, type: 'Integer' },
          { flags: ['--topic'], value: true },
          { flags: ['--partition'], value: true, type: 'Integer' },
        ],
      },
    ],
  ],
};

const MQ_CONNECT =
  'usage: kafka-metadata-quorum (--bootstrap-server BOOTSTRAP_SERVER |' +
  `${INDENT}--bootstrap-controller BOOTSTRAP_CONTROLLER)`;

/** MetadataQuorumCommand's parser: a required exclusive group of the two bootstrap options. */
export const QUORUM_PARSER: ArgParser = {
  usage:
    `usage: kafka-metadata-quorum [-h] [--command-config COMMAND_CONFIG]${INDENT}` +
    `(--bootstrap-server BOOTSTRAP_SERVER |${INDENT}--bootstrap-controller BOOTSTRAP_CONTROLLER)` +
    `${INDENT}{describe,add-controller,remove-controller}${INDENT}...\n`,
  args: [
    { flags: ['--bootstrap-server'], value: true, mutex: true },
    { flags: ['--bootstrap-controller'], value: true, mutex: true },
    { flags: ['--command-config'], value: true },
  ],
  commands: [
    [
      'describe',
      {
        usage: `${MQ_CONNECT}${INDENT}describe [-h] [--status] [--replication]${INDENT}[--human-readable]\n`,
        args: [{ flags: ['--status'] }, { flags: ['--replication'] }, { flags: ['--human-readable'] }],
      },
    ],
    [
      'add-controller',
      { usage: `${MQ_CONNECT}${INDENT}add-controller [-h] [--dry-run]\n`, args: [{ flags: ['--dry-run'] }] },
    ],
    [
      'remove-controller',
      {
        usage: `${MQ_CONNECT}${INDENT}remove-controller [-h]${INDENT}--controller-id CONTROLLER_ID${INDENT}--controller-directory-id CONTROLLER_DIRECTORY_ID${INDENT}[--dry-run]\n`,
        args: [
          { flags: ['--controller-id', '-i'], value: true, required: true, type: 'Integer' },
          { flags: ['--controller-directory-id', '-d'], value: true, required: true },
          { flags: ['--dry-run'] },
        ],
      },
    ],
  ],
};
