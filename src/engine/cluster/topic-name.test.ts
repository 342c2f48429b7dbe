import { describe, expect, it } from 'vitest';
import { EngineError } from '../errors';
import { findCollision, hasCollision, unifyCollisionChars, validateTopicName } from './topic-name';

// Kafka's TopicTest vectors (reference §10).
describe('topic names', () => {
  it.each(['valid', 'TOPIC', 'nAmEs', 'ar6', 'VaL1d', '_0-9_.', '...', 'a'.repeat(249)])(
    'accepts %s',
    (name) => {
      expect(() => validateTopicName(name)).not.toThrow();
    },
  );

  const invalid = ['', 'foo bar', '..', 'foo:bar', 'foo=bar', '.', 'a'.repeat(250)];
  for (const c of ['/', '\\', ',', '\u0000', ':', '"', "'", ';', '*', '?', ' ', '\t', '\r', '\n', '=']) {
    invalid.push(`is${c}illegal`);
  }
  it.each(invalid.map((n) => [JSON.stringify(n).slice(0, 40), n]))('rejects %s', (_label, name) => {
    try {
      validateTopicName(name);
      throw new Error('accepted');
    } catch (e) {
      expect(e).toBeInstanceOf(EngineError);
      expect((e as EngineError).code).toBe('INVALID_TOPIC_EXCEPTION');
    }
  });

  it("says why '..' is rejected", () => {
    expect(() => validateTopicName('..')).toThrow("Topic name is invalid: '..' is not allowed");
  });

  it('finds collisions between . and _', () => {
    expect(unifyCollisionChars('.topic')).toBe('_topic');
    expect(unifyCollisionChars('_.topic')).toBe('__topic');
    expect(hasCollision('to.pic', 'to_pic')).toBe(true);
    expect(hasCollision('.topic', 'topic_')).toBe(false);
    expect(findCollision('to.pic', ['orders', 'to_pic'])).toBe('to_pic');
    expect(findCollision('to.pic', ['to.pic'])).toBeUndefined();
  });
});
