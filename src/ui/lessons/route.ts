/**
 * Which page the URL asks for: the course's home (`?lessons` or `#lessons`), one lesson
 * (`?lesson=<id>`), or the free sandbox (anything else; its own parameters — `?seed`, `?at`,
 * `?paused`, `#scenario=` — are read by the sandbox as before). Full page loads between them keep
 * each page's engine session separate and a reload exact.
 */
export type Route =
  { page: 'sandbox' } | { page: 'home'; unknownLesson?: string } | { page: 'lesson'; id: string };

const LESSON_ID = /^[a-z0-9-]{1,40}$/;

export function routeOf(location: Pick<Location, 'search' | 'hash'>, known: (id: string) => boolean): Route {
  const params = new URLSearchParams(location.search);
  const id = params.get('lesson');
  if (id !== null) {
    if (LESSON_ID.test(id) && known(id)) return { page: 'lesson', id };
    return { page: 'home', unknownLesson: id.slice(0, 40) };
  }
  if (params.has('lessons') || location.hash === '#lessons') return { page: 'home' };
  return { page: 'sandbox' };
}

export const HOME_HREF = '?lessons';
export const SANDBOX_HREF = './';
export const lessonHref = (id: string) => `?lesson=${encodeURIComponent(id)}`;
