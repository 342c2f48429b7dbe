/**
 * Which form field an engine error belongs to, so that it is shown inline next to that field.
 * The text itself is the engine's (Kafka's words); only its place is decided here.
 */
import type { DispatchResult } from '../../bridge/engine-client';

export type TopicField = 'topic' | 'partitions' | 'replicationFactor' | 'minIsr' | 'form';

type Failure = Extract<DispatchResult, { ok: false }>;

export function topicErrorField(failure: Failure): TopicField {
  switch (failure.code) {
    case 'INVALID_TOPIC_EXCEPTION':
    case 'TOPIC_ALREADY_EXISTS':
      return 'topic';
    case 'INVALID_PARTITIONS':
      return 'partitions';
    case 'INVALID_REPLICATION_FACTOR':
      return 'replicationFactor';
    case 'INVALID_CONFIG':
      return 'minIsr';
    case 'INVALID_COMMAND':
      // Shape errors name the field: `topic.create: "partitions" must be ...`.
      if (failure.message.includes('"partitions"')) return 'partitions';
      if (failure.message.includes('"replicationFactor"')) return 'replicationFactor';
      if (failure.message.includes('"topic"')) return 'topic';
      return 'form';
    default:
      return 'form';
  }
}

/** `INVALID_REPLICATION_FACTOR: The target replication factor of 4 cannot be reached ...` */
export function errorText(failure: Failure): string {
  return failure.code === 'FAULT' ? failure.message : `${failure.code}: ${failure.message}`;
}
