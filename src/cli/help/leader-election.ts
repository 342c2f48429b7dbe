/** kafka-leader-election's options as LeaderElectionCommandOptions declares them (Kafka 4.0). */
import { DEFAULT_OPTIONS } from './common';
import type { HelpOption } from './format';

export const ELECTION_HELP: HelpOption[] = [
  ...DEFAULT_OPTIONS,
  {
    name: 'bootstrap-server',
    description:
      'A hostname and port for the broker to connect to, in the form host:port. Multiple comma separated URLs can be given. REQUIRED.',
    arg: 'required',
    argDescription: 'host:port',
  },
  {
    name: 'admin.config',
    description: 'Configuration properties files to pass to the admin client',
    arg: 'required',
    argDescription: 'config file',
  },
  {
    name: 'path-to-json-file',
    description:
      'The JSON file with the list  of partition for which leader elections should be performed. This is an example format. \n{"partitions":\n\t[{"topic": "foo", "partition": 1},\n\t {"topic": "foobar", "partition": 2}]\n}\nNot allowed if --all-topic-partitions or --topic flags are specified.',
    arg: 'required',
    argDescription: 'Path to JSON file',
  },
  {
    name: 'topic',
    description:
      'Name of topic for which to perform an election. Not allowed if --path-to-json-file or --all-topic-partitions is specified.',
    arg: 'required',
    argDescription: 'topic name',
  },
  {
    name: 'partition',
    description: 'Partition id for which to perform an election. REQUIRED if --topic is specified.',
    arg: 'required',
    argDescription: 'partition id',
    type: 'Integer',
  },
  {
    name: 'all-topic-partitions',
    description:
      'Perform election on all of the eligible topic partitions based on the type of election (see the --election-type flag). Not allowed if --topic or --path-to-json-file is specified.',
  },
  {
    name: 'election-type',
    description:
      'Type of election to attempt. Possible values are "preferred" for preferred leader election or "unclean" for unclean leader election. If preferred election is selection, the election is only performed if the current leader is not the preferred leader for the topic partition. If unclean election is selected, the election is only performed if there are no leader for the topic partition. REQUIRED.',
    arg: 'required',
    argDescription: 'election type',
    // joptsimple's EnumConverter names the values as its type (valuePattern).
    type: '[PREFERRED,UNCLEAN]',
  },
];
