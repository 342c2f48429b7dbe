/**
 * Which rows of a long list to render: only those in view plus a few either side, so a log of
 * 100 000 records costs the same as one of 30. Pure arithmetic, tested on its own.
 */
export interface RowWindow {
  /** First row rendered (inclusive) and last (exclusive). */
  start: number;
  end: number;
}

export function rowWindow(
  scrollTop: number,
  viewportPx: number,
  rowPx: number,
  total: number,
  overscan = 8,
): RowWindow {
  if (total <= 0 || rowPx <= 0) return { start: 0, end: 0 };
  const first = Math.floor(Math.max(0, scrollTop) / rowPx);
  const visible = Math.ceil(Math.max(0, viewportPx) / rowPx) + 1;
  const start = Math.max(0, Math.min(first - overscan, total - 1));
  const end = Math.min(total, first + visible + overscan);
  return { start, end: Math.max(start, end) };
}

/** The pages (of `pageSize` rows) that a window needs. */
export function pagesFor(window: RowWindow, pageSize: number): number[] {
  if (window.end <= window.start) return [];
  const first = Math.floor(window.start / pageSize);
  const last = Math.floor((window.end - 1) / pageSize);
  return Array.from({ length: last - first + 1 }, (_, i) => first + i);
}
