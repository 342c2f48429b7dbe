/** kafka-console-consumer's options as ConsoleConsumerOptions declares them (Kafka 4.0). */
import { DEFAULT_OPTIONS } from './common';
import type { HelpOption } from './format';

const PROPERTY =
  'The properties to initialize the message formatter. Default properties include: \n' +
  ' print.timestamp=true|false\n' +
  ' print.key=true|false\n' +
  ' print.offset=true|false\n' +
  ' print.epoch=true|false\n' +
  ' print.partition=true|false\n' +
  ' print.headers=true|false\n' +
  ' print.value=true|false\n' +
  ' key.separator=<key.separator>\n' +
  ' line.separator=<line.separator>\n' +
  ' headers.separator=<line.separator>\n' +
  ' null.literal=<null.literal>\n' +
  ' key.deserializer=<key.deserializer>\n' +
  ' value.deserializer=<value.deserializer>\n' +
  ' header.deserializer=<header.deserializer>\n' +
  "\nUsers can also pass in customized properties for their formatter; more specifically, users can pass in properties keyed with 'key.deserializer.', 'value.deserializer.' and 'headers.deserializer.' prefixes to configure their deserializers.";

export const CONSUMER_HELP: HelpOption[] = [
  ...DEFAULT_OPTIONS,
  { name: 'topic', description: 'The topic to consume on.', arg: 'required', argDescription: 'topic' },
  {
    name: 'include',
    description: 'Regular expression specifying list of topics to include for consumption.',
    arg: 'required',
    argDescription: 'Java regex (String)',
  },
  {
    name: 'partition',
    description:
      "The partition to consume from. Consumption starts from the end of the partition unless '--offset' is specified.",
    arg: 'required',
    argDescription: 'partition',
    type: 'Integer',
  },
  {
    name: 'offset',
    description:
      "The offset to consume from (a non-negative number), or 'earliest' which means from beginning, or 'latest' which means from end",
    arg: 'required',
    argDescription: 'consume offset',
    defaults: ['latest'],
  },
  {
    name: 'consumer-property',
    description: 'A mechanism to pass user-defined properties in the form key=value to the consumer.',
    arg: 'required',
    argDescription: 'consumer_prop',
  },
  {
    name: 'consumer.config',
    description:
      'Consumer config properties file. Note that [consumer-property] takes precedence over this config.',
    arg: 'required',
    argDescription: 'config file',
  },
  {
    name: 'formatter',
    description: 'The name of a class to use for formatting kafka messages for display.',
    arg: 'required',
    argDescription: 'class',
    defaults: ['org.apache.kafka.tools.consumer.DefaultMessageFormatter'],
  },
  { name: 'property', description: PROPERTY, arg: 'required', argDescription: 'prop' },
  {
    name: 'formatter-config',
    description:
      'Config properties file to initialize the message formatter. Note that [property] takes precedence over this config.',
    arg: 'required',
    argDescription: 'config file',
  },
  {
    name: 'from-beginning',
    description:
      'If the consumer does not already have an established offset to consume from, start with the earliest message present in the log rather than the latest message.',
  },
  {
    name: 'max-messages',
    description:
      'The maximum number of messages to consume before exiting. If not set, consumption is continual.',
    arg: 'required',
    argDescription: 'num_messages',
    type: 'Integer',
  },
  {
    name: 'timeout-ms',
    description: 'If specified, exit if no message is available for consumption for the specified interval.',
    arg: 'required',
    argDescription: 'timeout_ms',
    type: 'Long',
  },
  {
    name: 'skip-message-on-error',
    description: 'If there is an error when processing a message, skip it instead of halt.',
  },
  {
    name: 'bootstrap-server',
    description: 'REQUIRED: The server(s) to connect to.',
    arg: 'required',
    argDescription: 'server to connect to',
  },
  { name: 'key-deserializer', description: '', arg: 'required', argDescription: 'deserializer for key' },
  { name: 'value-deserializer', description: '', arg: 'required', argDescription: 'deserializer for values' },
  {
    name: 'enable-systest-events',
    description:
      'Log lifecycle events of the consumer in addition to logging consumed messages. (This is specific for system tests.)',
  },
  {
    name: 'isolation-level',
    description:
      'Set to read_committed in order to filter out transactional messages which are not committed. Set to read_uncommitted to read all messages.',
    arg: 'required',
    defaults: ['read_uncommitted'],
  },
  {
    name: 'group',
    description: 'The consumer group id of the consumer.',
    arg: 'required',
    argDescription: 'consumer group id',
  },
];
