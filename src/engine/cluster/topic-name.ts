/**
 * Topic name rules, as Kafka's `Topic` class has them (reference §10): characters [a-zA-Z0-9._-],
 * 1 to 249 long, not "." or "..". Names that differ only by '.' versus '_' collide (metric names
 * would clash), and the KRaft controller rejects a new topic that collides with an existing one.
 */
import { EngineError } from '../errors';

export const MAX_NAME_LENGTH = 249;
const LEGAL = /^[a-zA-Z0-9._-]+$/;

export function validateTopicName(name: string): void {
  const fail = (why: string): never => {
    throw new EngineError('INVALID_TOPIC_EXCEPTION', `Topic name is invalid: ${why}`);
  };
  if (name.length === 0) fail('the empty string is not allowed');
  if (name === '.' || name === '..') fail(`'${name}' is not allowed`);
  if (name.length > MAX_NAME_LENGTH) {
    fail(`the length of '${name.slice(0, 20)}…' is longer than the max allowed length ${MAX_NAME_LENGTH}`);
  }
  if (!LEGAL.test(name)) {
    fail(`'${name}' contains one or more characters other than ASCII alphanumerics, '.', '_' and '-'`);
  }
}

export function hasCollisionChars(name: string): boolean {
  return name.includes('.') || name.includes('_');
}

export function unifyCollisionChars(name: string): string {
  return name.replaceAll('.', '_');
}

export function hasCollision(a: string, b: string): boolean {
  return unifyCollisionChars(a) === unifyCollisionChars(b);
}

/** An existing topic that `name` collides with (other than itself), if any. */
export function findCollision(name: string, existing: Iterable<string>): string | undefined {
  for (const other of existing) if (other !== name && hasCollision(name, other)) return other;
  return undefined;
}

export function isInternalTopic(name: string): boolean {
  return name === '__consumer_offsets' || name === '__transaction_state';
}
