/** What the learner has selected for the inspector: a replica's log or one message. */
import type { Flight } from '../flight/flight-tracker';

export interface ReplicaSelection {
  type: 'replica';
  broker: number;
  topic: string;
  partition: number;
}

export interface MessageSelection {
  type: 'message';
  /** A copy taken when selected: the message stays inspectable after it lands. */
  flight: Flight;
}

export type Selection = ReplicaSelection | MessageSelection;

export function sameReplica(
  s: Selection | undefined,
  broker: number,
  topic: string,
  partition: number,
): boolean {
  return s?.type === 'replica' && s.broker === broker && s.topic === topic && s.partition === partition;
}
