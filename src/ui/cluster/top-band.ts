/**
 * The diagram's top band: producers, each consumer group, the queue's services and the controller
 * quorum, each drawn as a captioned group of boxes. Groups flow left to right and wrap onto new
 * lines; a group wider than a line wraps its own boxes; boxes shrink (never below the width their
 * name needs) before a line is added. The quorum keeps the right end of its line. Pure: the same
 * groups at the same width are the same picture.
 */
import { textWidth } from './text-width';

export interface TopGroupInput {
  key: string;
  /** Captions, most informative first; the widest that fits the group is used. */
  titles: readonly string[];
  /** Captions for a compact band, tried before `titles` (the quorum's key to its role badges). */
  compactTitles?: readonly string[];
  kind: 'clients' | 'controllers';
  /** Each box's id and the name it must show in full. */
  boxes: readonly { id: string; name: string }[];
}

export interface TopBox {
  id: string;
  x: number;
  y: number;
  w: number;
  h: number;
}

export interface TopGroup {
  key: string;
  kind: TopGroupInput['kind'];
  title: string;
  /** Baseline of the caption. */
  captionY: number;
  x: number;
  y: number;
  w: number;
  h: number;
  boxes: TopBox[];
}

/**
 * How tightly the band is drawn, chosen by the cluster layout from the height on screen
 * (./cluster-layout): `full` boxes of two lines; `compact`, one line each (the controllers a name
 * and a role badge) in tighter frames; `dense`, client boxes of their name alone (the details stay
 * in their tooltip and in the side panel), so the partition rows below keep the screen.
 */
export type BandDensity = 'full' | 'compact' | 'dense';
export const DENSITIES: readonly BandDensity[] = ['full', 'compact', 'dense'];

export interface TopBand {
  density: BandDensity;
  groups: TopGroup[];
  /** Bottom edge of the band. */
  bottom: number;
}

export const TOP_BOX_H = 42;
/** A crowded band's boxes: one line, the name then what fits of the details (or a badge). */
export const TOP_BOX_H_COMPACT = 24;
export const NAME_PX = 12.5;
export const CAPTION_PX = 11.5;
/** A compact controller's role badge: one glyph (★, ✕, …) or, with room, a word (./ControllerBox). */
export const BADGE_W = 20;
/** Widths a box may take, widest first: room for its details when there is room at all. */
const CLIENT_WIDTHS = [150, 128, 112, 96, 84, 72, 64];
const COMPACT_WIDTHS = [96, 84, 72, 64, 56, 48];
/** More lines than this and the client boxes go compact (one line each). */
const MAX_FULL_LINES = 2;
const CONTROLLER_WIDTHS = [176, 150, 132, 120];
/** One-line controllers: room for a role word beside the name, else the badge's glyph alone. */
const CONTROLLER_COMPACT_WIDTHS = [170, 150, 0];
const NAME_PAD = 20;
/** A dense client box is its name and this much room (the estimate errs wide already). */
const DENSE_NAME_PAD = 12;

interface Metrics {
  groupPad: number;
  captionH: number;
  boxGap: number;
  groupGap: number;
  lineGap: number;
  /** The caption's baseline below the group's top. */
  captionBase: number;
}

const FULL: Metrics = { groupPad: 5, captionH: 16, boxGap: 6, groupGap: 10, lineGap: 8, captionBase: 15 };
const TIGHT: Metrics = { groupPad: 3, captionH: 13, boxGap: 5, groupGap: 8, lineGap: 5, captionBase: 12 };

/** The narrowest a box may be: its name in full, plus padding. */
export function nameWidth(name: string, pad = NAME_PAD): number {
  return Math.ceil(textWidth(name, NAME_PX, true)) + pad;
}

/** The narrowest a box of this kind may be at this density: its name in full (and its badge). */
export function minBoxWidth(name: string, kind: TopGroupInput['kind'], density: BandDensity): number {
  if (kind === 'controllers') return nameWidth(name) + (density === 'full' ? 0 : BADGE_W);
  return nameWidth(name, density === 'dense' ? DENSE_NAME_PAD : NAME_PAD);
}

interface Sized {
  input: TopGroupInput;
  boxW: number;
  cols: number;
  rows: number;
  boxH: number;
  w: number;
  h: number;
}

function size(
  input: TopGroupInput,
  preferred: number,
  lineW: number,
  boxH: number,
  density: BandDensity,
  m: Metrics,
): Sized {
  const need = Math.max(0, ...input.boxes.map((b) => minBoxWidth(b.name, input.kind, density)));
  const titleMin = textWidth(input.titles.at(-1) ?? '', CAPTION_PX, true) + 2 * m.groupPad;
  const boxW = Math.min(Math.max(preferred, need), Math.max(need, lineW - 2 * m.groupPad));
  const n = Math.max(1, input.boxes.length);
  const fit = Math.max(1, Math.floor((lineW - 2 * m.groupPad + m.boxGap) / (boxW + m.boxGap)));
  const cols = Math.min(n, fit);
  const rows = Math.ceil(n / cols);
  const w = Math.max(titleMin, 2 * m.groupPad + cols * boxW + (cols - 1) * m.boxGap);
  const h = m.groupPad + m.captionH + rows * boxH + (rows - 1) * m.boxGap + m.groupPad;
  return { input, boxW, cols, rows, boxH, w, h };
}

function flow(
  sized: Sized[],
  left: number,
  right: number,
  top: number,
  density: BandDensity,
  m: Metrics,
): TopBand {
  const groups: TopGroup[] = [];
  let x = left;
  let y = top;
  let lineH = 0;
  sized.forEach((s, i) => {
    if (x > left && x + s.w > right) {
      x = left;
      y += lineH + m.lineGap;
      lineH = 0;
    }
    // The quorum, last, keeps the right end of its line (where learners met it in lesson 4);
    // alone in the band it sits over the middle.
    const last = i === sized.length - 1 && s.input.kind === 'controllers';
    const gx = sized.length === 1 ? left + (right - left - s.w) / 2 : last ? right - s.w : x;
    const boxes = s.input.boxes.map((b, j) => ({
      id: b.id,
      x: gx + m.groupPad + (j % s.cols) * (s.boxW + m.boxGap),
      y: y + m.groupPad + m.captionH + Math.floor(j / s.cols) * (s.boxH + m.boxGap),
      w: s.boxW,
      h: s.boxH,
    }));
    const titles = [...(density === 'full' ? [] : (s.input.compactTitles ?? [])), ...s.input.titles];
    const title =
      titles.find((t) => textWidth(t, CAPTION_PX, true) <= s.w - 2 * m.groupPad) ??
      s.input.titles.at(-1) ??
      '';
    const captionY = y + m.captionBase;
    groups.push({ key: s.input.key, kind: s.input.kind, title, captionY, x: gx, y, w: s.w, h: s.h, boxes });
    x = gx + s.w + m.groupGap;
    lineH = Math.max(lineH, s.h);
  });
  return { density, groups, bottom: groups.length > 0 ? y + lineH : top };
}

function lines(band: TopBand): number {
  return new Set(band.groups.map((g) => g.y)).size + band.groups.reduce((n, g) => n + rowsOf(g) - 1, 0);
}

function rowsOf(g: TopGroup): number {
  return new Set(g.boxes.map((b) => b.y)).size;
}

/**
 * Lay out the band between `left` and `right` from `top` at `density`. Full: the widest boxes that
 * need the fewest lines; past two lines, one-line client boxes, whichever candidate is shortest.
 * Compact and dense: the shortest band, then the widest boxes.
 */
export function layoutTopBand(
  inputs: readonly TopGroupInput[],
  left: number,
  right: number,
  top: number,
  density: BandDensity = 'full',
): TopBand {
  const present = inputs.filter((g) => g.boxes.length > 0);
  const lineW = right - left;
  const m = density === 'full' ? FULL : TIGHT;
  const attempt = (widths: readonly number[], clientH: number, step: number) =>
    flow(
      present.map((g) => {
        const controllers = g.kind === 'controllers';
        const ws = controllers
          ? density === 'full'
            ? CONTROLLER_WIDTHS
            : CONTROLLER_COMPACT_WIDTHS
          : widths;
        const boxH = controllers && density === 'full' ? TOP_BOX_H : clientH;
        return size(g, ws[Math.min(step, ws.length - 1)]!, lineW, boxH, density, m);
      }),
      left,
      right,
      top,
      density,
      m,
    );
  const height = (b: TopBand) => b.bottom - top;
  const shortest = (bands: TopBand[]) => {
    const least = Math.min(...bands.map(height));
    return bands.find((b) => height(b) === least)!;
  };
  if (density === 'compact')
    return shortest(COMPACT_WIDTHS.map((_, s) => attempt(COMPACT_WIDTHS, TOP_BOX_H_COMPACT, s)));
  if (density === 'dense')
    return shortest(CONTROLLER_COMPACT_WIDTHS.map((_, s) => attempt([0], TOP_BOX_H_COMPACT, s)));
  const full = CLIENT_WIDTHS.map((_, s) => attempt(CLIENT_WIDTHS, TOP_BOX_H, s));
  const fewest = Math.min(...full.map(lines));
  const best = full.find((b) => lines(b) === fewest)!;
  if (fewest <= MAX_FULL_LINES) return best;
  const pick = shortest(COMPACT_WIDTHS.map((_, s) => attempt(COMPACT_WIDTHS, TOP_BOX_H_COMPACT, s)));
  return height(pick) < height(best) ? pick : best;
}
