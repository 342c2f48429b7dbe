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
  x: number;
  y: number;
  w: number;
  h: number;
  boxes: TopBox[];
}

export interface TopBand {
  groups: TopGroup[];
  /** Bottom edge of the band. */
  bottom: number;
}

export const TOP_BOX_H = 42;
/** A crowded band's client boxes: one line, the name then what fits of the details. */
export const TOP_BOX_H_COMPACT = 24;
export const NAME_PX = 12.5;
export const CAPTION_PX = 11.5;
const GROUP_PAD = 5;
const CAPTION_H = 16;
const BOX_GAP = 6;
const GROUP_GAP = 10;
const LINE_GAP = 8;
/** Widths a box may take, widest first: room for its details when there is room at all. */
const CLIENT_WIDTHS = [150, 128, 112, 96, 84, 72, 64];
const COMPACT_WIDTHS = [96, 84, 72, 64, 56, 48];
/** More lines than this and the client boxes go compact (one line each). */
const MAX_FULL_LINES = 2;
const CONTROLLER_WIDTHS = [176, 150, 132, 120];
const NAME_PAD = 20;

/** The narrowest a box may be: its name in full, plus padding. */
export function nameWidth(name: string): number {
  return Math.ceil(textWidth(name, NAME_PX, true)) + NAME_PAD;
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

function size(input: TopGroupInput, preferred: number, lineW: number, boxH: number): Sized {
  const need = Math.max(0, ...input.boxes.map((b) => nameWidth(b.name)));
  const titleMin = textWidth(input.titles.at(-1) ?? '', CAPTION_PX, true) + 2 * GROUP_PAD;
  const boxW = Math.min(Math.max(preferred, need), Math.max(need, lineW - 2 * GROUP_PAD));
  const n = Math.max(1, input.boxes.length);
  const fit = Math.max(1, Math.floor((lineW - 2 * GROUP_PAD + BOX_GAP) / (boxW + BOX_GAP)));
  const cols = Math.min(n, fit);
  const rows = Math.ceil(n / cols);
  const w = Math.max(titleMin, 2 * GROUP_PAD + cols * boxW + (cols - 1) * BOX_GAP);
  const h = GROUP_PAD + CAPTION_H + rows * boxH + (rows - 1) * BOX_GAP + GROUP_PAD;
  return { input, boxW, cols, rows, boxH, w, h };
}

function flow(sized: Sized[], left: number, right: number, top: number): TopBand {
  const groups: TopGroup[] = [];
  let x = left;
  let y = top;
  let lineH = 0;
  sized.forEach((s, i) => {
    if (x > left && x + s.w > right) {
      x = left;
      y += lineH + LINE_GAP;
      lineH = 0;
    }
    // The quorum, last, keeps the right end of its line (where learners met it in lesson 4);
    // alone in the band it sits over the middle.
    const last = i === sized.length - 1 && s.input.kind === 'controllers';
    const gx = sized.length === 1 ? left + (right - left - s.w) / 2 : last ? right - s.w : x;
    const boxes = s.input.boxes.map((b, j) => ({
      id: b.id,
      x: gx + GROUP_PAD + (j % s.cols) * (s.boxW + BOX_GAP),
      y: y + GROUP_PAD + CAPTION_H + Math.floor(j / s.cols) * (s.boxH + BOX_GAP),
      w: s.boxW,
      h: s.boxH,
    }));
    const title =
      s.input.titles.find((t) => textWidth(t, CAPTION_PX, true) <= s.w - 2 * GROUP_PAD) ??
      s.input.titles.at(-1) ??
      '';
    groups.push({ key: s.input.key, kind: s.input.kind, title, x: gx, y, w: s.w, h: s.h, boxes });
    x = gx + s.w + GROUP_GAP;
    lineH = Math.max(lineH, s.h);
  });
  return { groups, bottom: groups.length > 0 ? y + lineH : top };
}

function lines(band: TopBand): number {
  return new Set(band.groups.map((g) => g.y)).size + band.groups.reduce((n, g) => n + rowsOf(g) - 1, 0);
}

function rowsOf(g: TopGroup): number {
  return new Set(g.boxes.map((b) => b.y)).size;
}

/**
 * Lay out the band between `left` and `right` from `top`: the widest boxes that need the fewest
 * lines; past two lines, one-line client boxes, whichever candidate is shortest.
 */
export function layoutTopBand(
  inputs: readonly TopGroupInput[],
  left: number,
  right: number,
  top: number,
): TopBand {
  const present = inputs.filter((g) => g.boxes.length > 0);
  const lineW = right - left;
  const attempt = (widths: readonly number[], clientH: number, step: number) =>
    flow(
      present.map((g) => {
        const controllers = g.kind === 'controllers';
        const ws = controllers ? CONTROLLER_WIDTHS : widths;
        return size(g, ws[Math.min(step, ws.length - 1)]!, lineW, controllers ? TOP_BOX_H : clientH);
      }),
      left,
      right,
      top,
    );
  const full = CLIENT_WIDTHS.map((_, s) => attempt(CLIENT_WIDTHS, TOP_BOX_H, s));
  const fewest = Math.min(...full.map(lines));
  const best = full.find((b) => lines(b) === fewest)!;
  if (fewest <= MAX_FULL_LINES) return best;
  const height = (b: TopBand) => b.bottom - top;
  const compact = COMPACT_WIDTHS.map((_, s) => attempt(COMPACT_WIDTHS, TOP_BOX_H_COMPACT, s));
  const shortest = Math.min(...compact.map(height));
  const pick = compact.find((b) => height(b) === shortest)!;
  return height(pick) < height(best) ? pick : best;
}
