/** kafka-get-offsets' options as GetOffsetShell.GetOffsetShellOptions declares them (Kafka 4.0). */
import { DEFAULT_OPTIONS } from './common';
import type { HelpOption } from './format';

/** GetOffsetShell.TOPIC_PARTITION_PATTERN, as Pattern.toString prints it. */
const PATTERN = '([^:,]*)(?::(?:([0-9]*)|(?:([0-9]*)-([0-9]*))))?';

export const GET_OFFSETS_HELP: HelpOption[] = [
  ...DEFAULT_OPTIONS,
  {
    name: 'bootstrap-server',
    description: 'REQUIRED. The server(s) to connect to in the form HOST1:PORT1,HOST2:PORT2.',
    arg: 'required',
    argDescription: 'HOST1:PORT1,...,HOST3:PORT3',
  },
  {
    name: 'topic-partitions',
    description:
      `Comma separated list of topic-partition patterns to get the offsets for, with the format of '${PATTERN}'.` +
      ' The first group is an optional regex for the topic name, if omitted, it matches any topic name.' +
      " The section after ':' describes a 'partition' pattern, which can be: a number, a range in the format of 'NUMBER-NUMBER' (lower inclusive, upper exclusive), an inclusive lower bound in the format of 'NUMBER-', an exclusive upper bound in the format of '-NUMBER' or may be omitted to accept all partitions.",
    arg: 'required',
    argDescription: 'topic1:1,topic2:0-3,topic3,topic4:5-,topic5:-3',
  },
  {
    name: 'topic',
    description:
      'The topic to get the offsets for. It also accepts a regular expression. If not present, all authorized topics are queried. Cannot be used if --topic-partitions is present.',
    arg: 'required',
    argDescription: 'topic',
  },
  {
    name: 'partitions',
    description:
      'Comma separated list of partition ids to get the offsets for. If not present, all partitions of the authorized topics are queried. Cannot be used if --topic-partitions is present.',
    arg: 'required',
    argDescription: 'partition ids',
  },
  {
    name: 'time',
    description:
      'timestamp of the offsets before that. [Note: No offset is returned, if the timestamp greater than recently committed record timestamp is given.]',
    arg: 'required',
    argDescription:
      '<timestamp> / -1 or latest / -2 or earliest / -3 or max-timestamp / -4 or earliest-local / -5 or latest-tiered',
    defaults: ['latest'],
  },
  {
    name: 'command-config',
    description: 'Property file containing configs to be passed to Admin Client.',
    arg: 'required',
    argDescription: 'config file',
  },
  {
    name: 'exclude-internal-topics',
    description: 'By default, internal topics are included. If specified, internal topics are excluded.',
  },
];
