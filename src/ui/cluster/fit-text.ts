/**
 * The longest of `choices` (most informative first) that fits `widthPx` in 11 px DejaVu Sans.
 * SVG text does not wrap or clip, so narrow boxes (many brokers, a tablet) get shorter wording
 * instead of text spilling over their border. DejaVu Sans averages ~6.4 px a character at 11 px.
 */
const CHAR_PX = 6.4;

export function fitText(widthPx: number, ...choices: string[]): string {
  return fitTextAt(CHAR_PX, widthPx, ...choices);
}

/** The same for another font size: `charPx` is its average character width (bold 12.5 px: ~8). */
export function fitTextAt(charPx: number, widthPx: number, ...choices: string[]): string {
  return choices.find((c) => c.length * charPx <= widthPx) ?? choices.at(-1) ?? '';
}
