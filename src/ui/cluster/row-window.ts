/**
 * Which partition rows to draw: the ones in (or near) the part of the diagram on screen. A cluster
 * of a thousand partitions then costs what the few dozen rows in view cost (issue 21 §6); rows
 * scrolled away are not in the DOM at all. Pure, so the choice is testable without a browser.
 */
export interface VisibleBand {
  /** The diagram's y range on screen, in diagram coordinates. */
  top: number;
  bottom: number;
}

/** Rows are drawn this far past the edges, so a quick scroll does not show blank rows. */
export const ROW_OVERSCAN_PX = 240;

/** Indices [from, to) of the rows of equal pitch starting at `firstY` that meet the band. */
export function rowRange(
  count: number,
  firstY: number,
  pitch: number,
  band: VisibleBand | undefined,
): { from: number; to: number } {
  if (!band || count === 0) return { from: 0, to: count };
  const from = Math.floor((band.top - ROW_OVERSCAN_PX - firstY) / pitch);
  const to = Math.ceil((band.bottom + ROW_OVERSCAN_PX - firstY) / pitch);
  return { from: Math.min(count, Math.max(0, from)), to: Math.min(count, Math.max(0, to)) };
}

/** The nearest ancestor that scrolls vertically (the stage's scroll box), or undefined for the page. */
export function scrollParent(el: Element): Element | undefined {
  for (let p = el.parentElement; p; p = p.parentElement) {
    const { overflowY } = getComputedStyle(p);
    if (overflowY === 'auto' || overflowY === 'scroll') return p;
  }
  return undefined;
}

/**
 * The part of `el` on screen, clipped by its scroll parent and the window, in `el`'s coordinates.
 * `clipBy`: the scroll parent found once by the caller; looking it up reads every ancestor's
 * computed style, which on each scroll frame forced a style pass over the whole diagram.
 */
export function visibleBand(el: Element, clipBy: Element | undefined = scrollParent(el)): VisibleBand {
  const rect = el.getBoundingClientRect();
  const clip = clipBy?.getBoundingClientRect();
  const top = Math.max(clip?.top ?? 0, 0);
  const bottom = Math.min(clip?.bottom ?? window.innerHeight, window.innerHeight);
  return { top: Math.max(0, top - rect.top), bottom: Math.max(0, bottom - rect.top) };
}
