/** kafka-console-producer's options as ConsoleProducer.ConsoleProducerOptions declares them (Kafka 4.0). */
import { DEFAULT_OPTIONS } from './common';
import type { HelpOption } from './format';

const PROPERTY =
  'A mechanism to pass user-defined properties in the form key=value to the message reader. This allows custom configuration for a user-defined message reader.' +
  '\nDefault properties include:' +
  '\n parse.key=false' +
  '\n parse.headers=false' +
  '\n ignore.error=false' +
  '\n key.separator=\\t' +
  '\n headers.delimiter=\\t' +
  '\n headers.separator=,' +
  '\n headers.key.separator=:' +
  '\n null.marker=   When set, any fields (key, value and headers) equal to this will be replaced by null' +
  '\nDefault parsing pattern when:' +
  '\n parse.headers=true and parse.key=true:' +
  '\n  "h1:v1,h2:v2...\\tkey\\tvalue"' +
  '\n parse.key=true:' +
  '\n  "key\\tvalue"' +
  '\n parse.headers=true:' +
  '\n  "h1:v1,h2:v2...\\tvalue"';

export const PRODUCER_HELP: HelpOption[] = [
  ...DEFAULT_OPTIONS,
  {
    name: 'topic',
    description: 'REQUIRED: The topic name to produce messages to.',
    arg: 'required',
    argDescription: 'topic',
  },
  {
    name: 'bootstrap-server',
    description:
      'REQUIRED: The server(s) to connect to. The broker list string in the form HOST1:PORT1,HOST2:PORT2.',
    arg: 'required',
    argDescription: 'server to connect to',
  },
  {
    name: 'sync',
    description:
      'If set message send requests to the brokers are synchronously, one at a time as they arrive.',
  },
  {
    name: 'compression-codec',
    description:
      "The compression codec: either 'none', 'gzip', 'snappy', 'lz4', or 'zstd'.If specified without value, then it defaults to 'gzip'",
    arg: 'optional',
    argDescription: 'compression-codec',
  },
  {
    name: 'batch-size',
    description:
      'Number of messages to send in a single batch if they are not being sent synchronously. please note that this option will be replaced if max-partition-memory-bytes is also set',
    arg: 'required',
    argDescription: 'size',
    type: 'Integer',
    defaults: ['16384'],
  },
  {
    name: 'message-send-max-retries',
    description:
      'Brokers can fail receiving the message for multiple reasons, and being unavailable transiently is just one of them. This property specifies the number of retries before the producer give up and drop this message. This is the option to control `retries` in producer configs.',
    arg: 'required',
    type: 'Integer',
    defaults: ['3'],
  },
  {
    name: 'retry-backoff-ms',
    description:
      'Before each retry, the producer refreshes the metadata of relevant topics. Since leader election takes a bit of time, this property specifies the amount of time that the producer waits before refreshing the metadata. This is the option to control `retry.backoff.ms` in producer configs.',
    arg: 'required',
    type: 'Long',
    defaults: ['100'],
  },
  {
    name: 'timeout',
    description:
      'If set and the producer is running in asynchronous mode, this gives the maximum amount of time a message will queue awaiting sufficient batch size. The value is given in ms. This is the option to control `linger.ms` in producer configs.',
    arg: 'required',
    argDescription: 'timeout_ms',
    type: 'Long',
    defaults: ['1000'],
  },
  {
    name: 'request-required-acks',
    description: 'The required `acks` of the producer requests',
    arg: 'required',
    argDescription: 'request required acks',
    defaults: ['-1'],
  },
  {
    name: 'request-timeout-ms',
    description: 'The ack timeout of the producer requests. Value must be non-negative and non-zero.',
    arg: 'required',
    argDescription: 'request timeout ms',
    type: 'Integer',
    defaults: ['1500'],
  },
  {
    name: 'metadata-expiry-ms',
    description:
      "The period of time in milliseconds after which we force a refresh of metadata even if we haven't seen any leadership changes. This is the option to control `metadata.max.age.ms` in producer configs.",
    arg: 'required',
    argDescription: 'metadata expiration interval',
    type: 'Long',
    defaults: ['300000'],
  },
  {
    name: 'max-block-ms',
    description: 'The max time that the producer will block for during a send request.',
    arg: 'required',
    argDescription: 'max block on send',
    type: 'Long',
    defaults: ['60000'],
  },
  {
    name: 'max-memory-bytes',
    description:
      'The total memory used by the producer to buffer records waiting to be sent to the server. This is the option to control `buffer.memory` in producer configs.',
    arg: 'required',
    argDescription: 'total memory in bytes',
    type: 'Long',
    defaults: ['33554432'],
  },
  {
    name: 'max-partition-memory-bytes',
    description:
      'The buffer size allocated for a partition. When records are received which are smaller than this size the producer will attempt to optimistically group them together until this size is reached. This is the option to control `batch.size` in producer configs.',
    arg: 'required',
    argDescription: 'memory in bytes per partition',
    type: 'Integer',
    defaults: ['16384'],
  },
  {
    name: 'line-reader',
    description:
      'The class name of the class to use for reading lines from standard in. By default each line is read as a separate message.',
    arg: 'required',
    argDescription: 'reader_class',
    defaults: ['org.apache.kafka.tools.LineMessageReader'],
  },
  {
    name: 'socket-buffer-size',
    description:
      'The size of the tcp RECV size. This is the option to control `send.buffer.bytes` in producer configs.',
    arg: 'required',
    argDescription: 'size',
    type: 'Integer',
    defaults: ['102400'],
  },
  { name: 'property', description: PROPERTY, arg: 'required', argDescription: 'prop' },
  {
    name: 'reader-config',
    description:
      'Config properties file for the message reader. Note that [property] takes precedence over this config.',
    arg: 'required',
    argDescription: 'config file',
  },
  {
    name: 'producer-property',
    description: 'A mechanism to pass user-defined properties in the form key=value to the producer. ',
    arg: 'required',
    argDescription: 'producer_prop',
  },
  {
    name: 'producer.config',
    description:
      'Producer config properties file. Note that [producer-property] takes precedence over this config.',
    arg: 'required',
    argDescription: 'config file',
  },
];
