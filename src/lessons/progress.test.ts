import { describe, expect, it } from 'vitest';
import { emptyProgress } from './lesson-machine';
import { segments } from './markup';
import { PROGRESS_KEY, readCourse, withLesson, writeCourse } from './progress';

function memoryStore(initial?: string) {
  const data = new Map<string, string>();
  if (initial !== undefined) data.set(PROGRESS_KEY, initial);
  return {
    getItem: (k: string) => data.get(k) ?? null,
    setItem: (k: string, v: string) => void data.set(k, v),
  };
}

describe('saved progress', () => {
  it('round-trips a lesson and marks it completed when finished', () => {
    const store = memoryStore();
    const course = withLesson(readCourse(store), '05-topics', { ...emptyProgress(), index: 2, done: [0, 1] });
    writeCourse(store, course);
    expect(readCourse(store)).toMatchObject({
      current: '05-topics',
      completed: [],
      lessons: { '05-topics': { index: 2 } },
    });
    writeCourse(
      store,
      withLesson(readCourse(store), '05-topics', { ...emptyProgress(), index: 3, finished: true }),
    );
    expect(readCourse(store).completed).toEqual(['05-topics']);
  });

  it('reads garbage, old shapes and blocked storage as no progress', () => {
    expect(readCourse(memoryStore('{not json'))).toEqual({
      current: undefined,
      completed: [],
      lessons: {},
      sessions: {},
    });
    expect(readCourse(memoryStore('{"lessons":{"x":{"index":-1}},"completed":[1,"a"]}'))).toEqual({
      current: undefined,
      completed: ['a'],
      lessons: {},
      sessions: {},
    });
    const blocked = {
      getItem: () => {
        throw new Error('SecurityError');
      },
      setItem: () => {
        throw new Error('full');
      },
    };
    expect(readCourse(blocked).lessons).toEqual({});
    expect(() => writeCourse(blocked, readCourse(undefined))).not.toThrow();
  });
});

describe('lesson text markup', () => {
  it('knows **bold** and `code` only; everything else, HTML included, is text', () => {
    expect(segments('a **b** `c` <img src=x onerror=alert(1)>')).toEqual([
      { kind: 'text', text: 'a ' },
      { kind: 'bold', text: 'b' },
      { kind: 'text', text: ' ' },
      { kind: 'code', text: 'c' },
      { kind: 'text', text: ' <img src=x onerror=alert(1)>' },
    ]);
    expect(segments('** not bold')).toEqual([{ kind: 'text', text: '** not bold' }]);
  });

  it('links glossary entries with [[id]] or [[id|words]]', () => {
    expect(segments('the [[isr]] and the [[hw|high watermark]].')).toEqual([
      { kind: 'text', text: 'the ' },
      { kind: 'term', term: 'isr', text: 'isr' },
      { kind: 'text', text: ' and the ' },
      { kind: 'term', term: 'hw', text: 'high watermark' },
      { kind: 'text', text: '.' },
    ]);
    expect(segments('[[<b>]]')).toEqual([{ kind: 'text', text: '[[<b>]]' }]);
  });
});
