/** kafka-topics' options as TopicCommand.TopicCommandOptions declares them (Kafka 4.0). */
import { DEFAULT_OPTIONS, LOG_CONFIG_NAMES } from './common';
import type { HelpOption } from './format';

const ALTER_NOTE = ' (To alter topic configurations, the kafka-configs tool can be used.)';

const flag = (name: string, description: string): HelpOption => ({ name, description });

export const TOPICS_HELP: HelpOption[] = [
  ...DEFAULT_OPTIONS,
  {
    name: 'bootstrap-server',
    description: 'REQUIRED: The Kafka server to connect to.',
    arg: 'required',
    argDescription: 'server to connect to',
  },
  {
    name: 'command-config',
    description: 'Property file containing configs to be passed to Admin Client.',
    arg: 'required',
    argDescription: 'command config property file',
  },
  flag('list', 'List all available topics.'),
  flag('create', 'Create a new topic.'),
  flag('delete', 'Delete a topic.'),
  flag('alter', 'Alter the number of partitions and replica assignment.' + ALTER_NOTE),
  flag('describe', 'List details for the given topics.'),
  {
    name: 'topic',
    description:
      'The topic to create, alter, describe or delete. It also accepts a regular expression, except for --create option. Put topic name in double quotes and use the \'\\\' prefix to escape regular expression symbols; e.g. "test\\.topic".',
    arg: 'required',
    argDescription: 'topic',
  },
  { name: 'topic-id', description: 'The topic-id to describe.', arg: 'required', argDescription: 'topic-id' },
  {
    name: 'config',
    description:
      'A topic configuration override for the topic being created. The following is a list of valid configurations: \n' +
      LOG_CONFIG_NAMES.map((n) => `\t${n}`).join('\n') +
      '\nSee the Kafka documentation for full details on the topic configs. It is supported only in combination with --create.' +
      ALTER_NOTE,
    arg: 'required',
    argDescription: 'name=value',
  },
  {
    name: 'delete-config',
    description: 'This option is no longer supported and has been deprecated since 4.0',
    arg: 'required',
    argDescription: 'name',
  },
  {
    name: 'partitions',
    description:
      'The number of partitions for the topic being created or altered. If not supplied with --create, the topic uses the cluster default. (WARNING: If partitions are increased for a topic that has a key, the partition logic or ordering of the messages will be affected).',
    arg: 'required',
    argDescription: '# of partitions',
    type: 'Integer',
  },
  {
    name: 'replication-factor',
    description:
      'The replication factor for each partition in the topic being created. If not supplied, the topic uses the cluster default.',
    arg: 'required',
    argDescription: 'replication factor',
    type: 'Integer',
  },
  {
    name: 'replica-assignment',
    description: 'A list of manual partition-to-broker assignments for the topic being created or altered.',
    arg: 'required',
    argDescription:
      'broker_id_for_part1_replica1 : broker_id_for_part1_replica2 , broker_id_for_part2_replica1 : broker_id_for_part2_replica2 , ...',
  },
  flag(
    'under-replicated-partitions',
    'If set when describing topics, only show under-replicated partitions.',
  ),
  flag(
    'unavailable-partitions',
    'If set when describing topics, only show partitions whose leader is not available.',
  ),
  flag(
    'under-min-isr-partitions',
    'If set when describing topics, only show partitions whose isr count is less than the configured minimum.',
  ),
  flag(
    'at-min-isr-partitions',
    'If set when describing topics, only show partitions whose isr count is equal to the configured minimum.',
  ),
  flag(
    'topics-with-overrides',
    'If set when describing topics, only show topics that have overridden configs.',
  ),
  flag(
    'if-exists',
    'If set when altering or deleting or describing topics, the action will only execute if the topic exists.',
  ),
  flag(
    'if-not-exists',
    'If set when creating topics, the action will only execute if the topic does not already exist.',
  ),
  flag(
    'exclude-internal',
    'Exclude internal topics when listing or describing topics. By default, the internal topics are included.',
  ),
  {
    name: 'partition-size-limit-per-response',
    description: 'The maximum partition size to be included in one DescribeTopicPartitions response.',
    arg: 'required',
    argDescription: 'maximum number of partitions per response',
    type: 'Integer',
  },
];
