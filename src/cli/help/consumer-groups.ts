/** kafka-consumer-groups' options as ConsumerGroupCommandOptions declares them (Kafka 4.0). */
import { DEFAULT_OPTIONS } from './common';
import type { HelpOption } from './format';

const NL = '\n';
const flag = (name: string, description: string): HelpOption => ({ name, description });

export const GROUPS_HELP: HelpOption[] = [
  ...DEFAULT_OPTIONS,
  {
    name: 'bootstrap-server',
    description: 'REQUIRED: The server(s) to connect to.',
    arg: 'required',
    argDescription: 'server to connect to',
  },
  {
    name: 'group',
    description: 'The consumer group we wish to act on.',
    arg: 'required',
    argDescription: 'consumer group',
  },
  {
    name: 'topic',
    description:
      'The topic whose consumer group information should be deleted or topic whose should be included in the reset offset process. ' +
      'In `reset-offsets` case, partitions can be specified using this format: `topic1:0,1,2`, where 0,1,2 are the partition to be included in the process. ' +
      'Reset-offsets also supports multiple topic inputs.',
    arg: 'required',
    argDescription: 'topic',
  },
  flag('all-topics', 'Consider all topics assigned to a group in the `reset-offsets` process.'),
  flag('list', 'List all consumer groups.'),
  flag(
    'describe',
    'Describe consumer group and list offset lag (number of messages not yet processed) related to given group.',
  ),
  flag('all-groups', 'Apply to all consumer groups.'),
  flag(
    'delete',
    'Pass in groups to delete topic partition offsets and ownership information over the entire consumer group. For instance --group g1 --group g2',
  ),
  {
    name: 'timeout',
    description:
      'The timeout that can be set for some use cases. For example, it can be used when describing the group ' +
      'to specify the maximum amount of time in milliseconds to wait before the group stabilizes (when the group is just created, ' +
      'or is going through some changes).',
    arg: 'required',
    argDescription: 'timeout (ms)',
    type: 'Long',
    defaults: ['5000'],
  },
  {
    name: 'command-config',
    description: 'Property file containing configs to be passed to Admin Client and Consumer.',
    arg: 'required',
    argDescription: 'command config property file',
  },
  flag(
    'reset-offsets',
    'Reset offsets of consumer group. Supports one consumer group at the time, and instances should be inactive' +
      NL +
      'Has 2 execution options: --dry-run (the default) to plan which offsets to reset, and --execute to update the offsets. ' +
      'Additionally, the --export option is used to export the results to a CSV format.' +
      NL +
      'You must choose one of the following reset specifications: --to-datetime, --by-duration, --to-earliest, ' +
      '--to-latest, --shift-by, --from-file, --to-current, --to-offset.' +
      NL +
      "To define the scope use --all-topics or --topic. One scope must be specified unless you use '--from-file'.",
  ),
  flag(
    'delete-offsets',
    'Delete offsets of consumer group. Supports one consumer group at the time, and multiple topics.',
  ),
  flag(
    'dry-run',
    'Only show results without executing changes on Consumer Groups. Supported operations: reset-offsets.',
  ),
  flag('execute', 'Execute operation. Supported operations: reset-offsets.'),
  flag('export', 'Export operation execution to a CSV file. Supported operations: reset-offsets.'),
  {
    name: 'to-offset',
    description: 'Reset offsets to a specific offset.',
    arg: 'required',
    argDescription: 'offset',
    type: 'Long',
  },
  {
    name: 'from-file',
    description: 'Reset offsets to values defined in CSV file.',
    arg: 'required',
    argDescription: 'path to CSV file',
  },
  {
    name: 'to-datetime',
    description: "Reset offsets to offset from datetime. Format: 'YYYY-MM-DDTHH:mm:SS.sss'",
    arg: 'required',
    argDescription: 'datetime',
  },
  {
    name: 'by-duration',
    description: "Reset offsets to offset by duration from current timestamp. Format: 'PnDTnHnMnS'",
    arg: 'required',
    argDescription: 'duration',
  },
  flag('to-earliest', 'Reset offsets to earliest offset.'),
  flag('to-latest', 'Reset offsets to latest offset.'),
  flag('to-current', 'Reset offsets to current offset.'),
  {
    name: 'shift-by',
    description: "Reset offsets shifting current offset by 'n', where 'n' can be positive or negative.",
    arg: 'required',
    argDescription: 'number-of-offsets',
    type: 'Long',
  },
  flag(
    'members',
    "Describe members of the group. This option may be used with '--describe' and '--bootstrap-server' options only." +
      NL +
      'Example: --bootstrap-server localhost:9092 --describe --group group1 --members',
  ),
  flag(
    'verbose',
    'Provide additional information, if any, when describing the group. This option may be used ' +
      "with '--offsets'/'--members'/'--state' and '--bootstrap-server' options only." +
      NL +
      'Example: --bootstrap-server localhost:9092 --describe --group group1 --members --verbose',
  ),
  flag(
    'offsets',
    'Describe the group and list all topic partitions in the group along with their offset lag. ' +
      "This is the default sub-action of and may be used with '--describe' and '--bootstrap-server' options only." +
      NL +
      'Example: --bootstrap-server localhost:9092 --describe --group group1 --offsets',
  ),
  {
    name: 'state',
    description:
      "When specified with '--describe', includes the state of the group." +
      NL +
      'Example: --bootstrap-server localhost:9092 --describe --group group1 --state' +
      NL +
      "When specified with '--list', it displays the state of all groups. It can also be used to list groups with specific states." +
      NL +
      'Example: --bootstrap-server localhost:9092 --list --state stable,empty' +
      NL +
      "This option may be used with '--describe', '--list' and '--bootstrap-server' options only.",
    arg: 'optional',
  },
  {
    name: 'type',
    description:
      "When specified with '--list', it displays the types of all the groups. It can also be used to list groups with specific types." +
      NL +
      'Example: --bootstrap-server localhost:9092 --list --type classic,consumer' +
      NL +
      "This option may be used with the '--list' option only.",
    arg: 'optional',
  },
];
