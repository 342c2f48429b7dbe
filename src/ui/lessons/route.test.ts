import { describe, expect, it } from 'vitest';
import { routeOf } from './route';

const known = (id: string) => id === '04-cluster';
const at = (search: string, hash = '') => routeOf({ search, hash }, known);

describe('routes', () => {
  it('keeps the sandbox and its own parameters by default', () => {
    expect(at('')).toEqual({ page: 'sandbox' });
    expect(at('?seed=3&at=1000&paused')).toEqual({ page: 'sandbox' });
    expect(at('', '#scenario=abc')).toEqual({ page: 'sandbox' });
  });

  it('opens the home page and known lessons; an unknown lesson goes home with a note', () => {
    expect(at('?lessons')).toEqual({ page: 'home' });
    expect(at('', '#lessons')).toEqual({ page: 'home' });
    expect(at('?lesson=04-cluster')).toEqual({ page: 'lesson', id: '04-cluster' });
    expect(at('?lesson=%3Cscript%3E')).toEqual({ page: 'home', unknownLesson: '<script>' });
  });
});
