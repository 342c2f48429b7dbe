/**
 * An estimate of how wide a string renders in DejaVu Sans (the app's font, set in CSS), from the
 * font's advance widths grouped into a few classes. SVG text neither wraps nor clips, so the layout
 * sizes boxes from these estimates; the estimate errs wide so a name always fits the box it was
 * sized for (the Playwright layout test measures the real text to hold this to account).
 */
const NARROW = new Set("ijl.,:;!|'`");
const THIN = new Set('ft r()[]/ ·');
const WIDE = new Set('mwMW@%');

function em(ch: string): number {
  if (NARROW.has(ch)) return 0.32;
  if (ch === '-') return 0.37;
  if (THIN.has(ch)) return 0.45;
  if (WIDE.has(ch)) return 1.0;
  if (ch >= 'A' && ch <= 'Z') return 0.76;
  if (ch >= '0' && ch <= '9') return 0.64;
  if (ch.charCodeAt(0) > 0x2000) return 0.9; // ★, ✓, arrows and other symbols
  return 0.63;
}

/** Width in px of `text` at `fontPx`, bold text being about 10% wider. */
export function textWidth(text: string, fontPx: number, bold = false): number {
  let sum = 0;
  for (const ch of text) sum += em(ch);
  return sum * fontPx * (bold ? 1.12 : 1);
}

/** The first of `choices` (most informative first) that fits `widthPx`, else the last. */
export function fitWidth(widthPx: number, fontPx: number, bold: boolean, ...choices: string[]): string {
  return choices.find((c) => textWidth(c, fontPx, bold) <= widthPx) ?? choices.at(-1) ?? '';
}

/**
 * `text` if it fits `widthPx`, else its start and end around a "…" (a topic's application prefix
 * and its `-changelog` suffix both stay readable), as long as fits.
 */
export function middleEllipsis(text: string, widthPx: number, fontPx: number, bold = false): string {
  if (textWidth(text, fontPx, bold) <= widthPx) return text;
  const chars = [...text];
  for (let keep = chars.length - 1; keep > 1; keep--) {
    const head = Math.floor(keep / 2);
    const candidate = `${chars.slice(0, head).join('')}…${chars.slice(chars.length - (keep - head)).join('')}`;
    if (textWidth(candidate, fontPx, bold) <= widthPx) return candidate;
  }
  return '…';
}
