import { describe, expect, it } from 'vitest';
import { lzCompress, lzDecompress } from './lz';

describe('the LZ byte compressor', () => {
  it('gives back exactly what it was given, for empty, short, random and repetitive input', () => {
    let seed = 7;
    const random = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) >>> 16) & 0xff;
    const inputs = [
      new Uint8Array(0),
      new Uint8Array([1, 2, 3]),
      Uint8Array.from({ length: 5000 }, random),
      new TextEncoder().encode('{"type":"rpc.sent","kind":"Fetch"},'.repeat(800) + 'tail'),
      new Uint8Array(70_000).fill(9), // matches longer than 255 and offsets near the window
      Uint8Array.from({ length: 80_000 }, (_, i) => (i % 66_001 < 40 ? random() : i % 251)),
    ];
    for (const input of inputs) expect(lzDecompress(lzCompress(input))).toEqual(input);
  });

  it('shrinks repetitive JSON many times over', () => {
    const page = JSON.stringify(
      Array.from({ length: 2000 }, (_, i) => ({
        seq: i,
        type: 'rpc.sent',
        kind: 'Fetch',
        body: { offset: i % 5 },
      })),
    );
    const bytes = new TextEncoder().encode(page);
    expect(lzCompress(bytes).length).toBeLessThan(bytes.length / 5);
  });

  it('refuses a corrupt block instead of returning wrong bytes', () => {
    const block = lzCompress(new TextEncoder().encode('abcdabcdabcdabcdabcdabcdabcd'));
    expect(() => lzDecompress(block.slice(0, block.length - 3))).toThrow();
  });
});
