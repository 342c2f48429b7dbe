/**
 * The protocol inspector's byte view, computed: which labelled field each shown byte belongs to
 * (the innermost range that holds it), the rows of a hex dump, and a field's value read back from
 * its bytes. Pure, so it is tested without a browser.
 */
import type { ByteRange, WireImage } from '../../wire/image';

/** Bytes shown at most: a Fetch response can carry a megabyte of records. */
export const SHOWN_BYTES = 1024;
/** Fields listed at most (a big batch has a range per record field). */
export const SHOWN_FIELDS = 300;

export interface ByteCell {
  index: number;
  hex: string;
  /** Index into the image's ranges of the innermost field holding this byte, -1 if none. */
  field: number;
}

export interface ByteView {
  rows: ByteCell[][];
  /** Ranges that start in the shown bytes, with their index in the image. */
  fields: { index: number; range: ByteRange }[];
  shownBytes: number;
  totalBytes: number;
  moreFields: number;
}

export function byteView(image: WireImage, perRow = 16): ByteView {
  const shown = Math.min(image.bytes.length, SHOWN_BYTES);
  const owner = new Int32Array(shown).fill(-1);
  // Ranges come outer first, so a later (inner) range overwrites its parent's claim.
  image.ranges.forEach((r, i) => {
    for (let b = r.start; b < Math.min(r.end, shown); b++) owner[b] = i;
  });
  const rows: ByteCell[][] = [];
  for (let b = 0; b < shown; b++) {
    if (b % perRow === 0) rows.push([]);
    rows.at(-1)!.push({ index: b, hex: image.bytes[b]!.toString(16).padStart(2, '0'), field: owner[b]! });
  }
  const starting = image.ranges
    .map((range, index) => ({ index, range }))
    .filter((f) => f.range.start < shown);
  return {
    rows,
    fields: starting.slice(0, SHOWN_FIELDS),
    shownBytes: shown,
    totalBytes: image.bytes.length,
    moreFields: Math.max(0, image.ranges.length - SHOWN_FIELDS),
  };
}

/** A short reading of a field's bytes: the number for fixed-width integers, else its length. */
export function fieldValue(image: WireImage, r: ByteRange): string {
  const n = r.end - r.start;
  const view = new DataView(image.bytes.buffer, image.bytes.byteOffset + r.start, n);
  if (r.type === 'int8' && n === 1) return String(view.getInt8(0));
  if (r.type === 'bool' && n === 1) return view.getInt8(0) ? 'true' : 'false';
  if (r.type === 'int16' && n === 2) return String(view.getInt16(0));
  if (r.type === 'int32' && n === 4) return String(view.getInt32(0));
  if (r.type.startsWith('uint32') && n === 4) return `0x${view.getUint32(0).toString(16).padStart(8, '0')}`;
  if (r.type === 'int64' && n === 8) return String(view.getBigInt64(0));
  if ((r.type === 'string' || r.type === 'nstring') && n >= 2) {
    const len = view.getInt16(0);
    if (len < 0) return 'null';
    const text = new TextDecoder().decode(image.bytes.subarray(r.start + 2, r.end));
    return JSON.stringify(text.length > 40 ? `${text.slice(0, 40)}…` : text);
  }
  return `${n} byte${n === 1 ? '' : 's'}`;
}
