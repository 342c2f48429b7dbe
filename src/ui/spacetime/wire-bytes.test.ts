import { describe, expect, it } from 'vitest';
import { apiByName } from '../../wire/apis';
import { requestImage } from '../../wire/image';
import { byteView, fieldValue, SHOWN_BYTES } from './wire-bytes';

const heartbeat = requestImage(apiByName('Heartbeat'), 3, 42, 'c1', {
  groupId: 'billing',
  generationId: 7,
  memberId: 'c1-1',
  groupInstanceId: null,
});

describe('the byte view of a wire image', () => {
  it('gives each byte its innermost field and reads the fields back', () => {
    const view = byteView(heartbeat);
    const cells = view.rows.flat();
    expect(cells).toHaveLength(heartbeat.bytes.length);
    const named = (path: string) => heartbeat.ranges.findIndex((r) => r.path === path);
    // Byte 4 is the first of the header's apiKey (after the int32 size).
    expect(cells[4]!.field).toBe(named('header.apiKey'));
    const generation = heartbeat.ranges[named('generationId')]!;
    expect(cells[generation.start]!.field).toBe(named('generationId'));
    expect(fieldValue(heartbeat, generation)).toBe('7');
    expect(fieldValue(heartbeat, heartbeat.ranges[named('groupId')]!)).toBe('"billing"');
    expect(fieldValue(heartbeat, heartbeat.ranges[named('groupInstanceId')]!)).toBe('null');
    expect(fieldValue(heartbeat, heartbeat.ranges[named('header.correlationId')]!)).toBe('42');
    expect(fieldValue(heartbeat, heartbeat.ranges[named('size')]!)).toBe(String(heartbeat.bytes.length - 4));
  });

  it('shows at most the first kilobyte of a big message, and says so', () => {
    const big = requestImage(apiByName('Metadata'), 6, 1, 'p', {
      topics: Array.from({ length: 200 }, (_, i) => ({ name: `topic-with-a-long-name-${i}` })),
    });
    const view = byteView(big);
    expect(view.totalBytes).toBeGreaterThan(SHOWN_BYTES);
    expect(view.shownBytes).toBe(SHOWN_BYTES);
    expect(view.rows.flat()).toHaveLength(SHOWN_BYTES);
    expect(view.fields.every((f) => f.range.start < SHOWN_BYTES)).toBe(true);
  });
});
