import { describe, expect, it } from 'vitest';
import { compileExpr, parseExpr, parseRecordValue } from './expr';

const rec = {
  key: 'alice',
  value: parseRecordValue('{"amount": 12, "item": "book", "tags": ["a"]}'),
  timestamp: 5000,
};

describe('the expression language', () => {
  it('evaluates predicates over key, value fields and timestamp', () => {
    expect(compileExpr('value.amount > 10 && key == "alice"')(rec)).toBe(true);
    expect(compileExpr('value.amount * 2 + 1')(rec)).toBe(25);
    expect(compileExpr("upper(value.item) + '!'")(rec)).toBe('BOOK!');
    expect(compileExpr('timestamp % 1000 == 0 || !(value.amount > 1)')(rec)).toBe(true);
    expect(compileExpr('split("a b  c", " ")')(rec)).toEqual(['a', 'b', 'c']);
    expect(compileExpr('value.missing.deeper')(rec)).toBeNull();
    expect(compileExpr('coalesce(value.missing, "none")')(rec)).toBe('none');
  });

  it('respects precedence: * before +, comparison before &&', () => {
    expect(compileExpr('1 + 2 * 3')(rec)).toBe(7);
    expect(compileExpr('(1 + 2) * 3 == 9 && 2 > 1')(rec)).toBe(true);
  });

  it('never evaluates JavaScript: unknown names and syntax are clear errors with a column', () => {
    expect(() => parseExpr('vlaue.amount > 1')).toThrow(/column 1: unknown name 'vlaue'/);
    expect(() => parseExpr('value.amount >')).toThrow(/ends too early/);
    expect(() => parseExpr('alert(1)')).toThrow(/unknown function alert\(\)/);
    expect(() => parseExpr('value["constructor"]')).toThrow(/unexpected character '\['/);
    expect(() => parseExpr('key.length')).toThrow(/only value has fields/);
    expect(() => parseExpr('upper(1, 2)')).toThrow(/takes 1 argument/);
    expect(() => parseExpr('1 2')).toThrow(/after a complete expression/);
    expect(() => parseExpr('')).toThrow(/required/);
    try {
      parseExpr('value >> 2');
    } catch (e) {
      expect((e as { code: string }).code).toBe('INVALID_COMMAND');
    }
  });

  it('does not reach prototype properties of values', () => {
    expect(compileExpr('value.constructor')(rec)).toBeNull();
    expect(compileExpr('value.__proto__')(rec)).toBeNull();
  });

  it('reads plain strings as strings and JSON as JSON', () => {
    expect(parseRecordValue('hello')).toBe('hello');
    expect(parseRecordValue('42')).toBe(42);
    expect(parseRecordValue('{bad json')).toBe('{bad json');
    expect(parseRecordValue(null)).toBeNull();
  });
});
