/**
 * The Code tool's code in a share link: it comes back exactly as written, and a damaged, foreign
 * or oversized one is refused with a message that says what was wrong (and that nothing was lost).
 */
import { describe, expect, it } from 'vitest';
import type { Scenario } from '../../bridge/scenario';
import { decodeScenarioFromLink, scenarioCodeIn, toBase64Url } from '../../bridge/scenario-codec';
import { shareLink } from '../sharing';
import { EXAMPLES } from './examples';
import { CODE_LINK_LIMITS, codeParamIn, decodeCodeFromLink, encodeCodeForLink } from './code-link';

const deflate = async (bytes: Uint8Array<ArrayBuffer>) =>
  new Uint8Array(
    await new Response(
      new Blob([bytes]).stream().pipeThrough(new CompressionStream('deflate-raw')),
    ).arrayBuffer(),
  );

describe('code in a link', () => {
  it('round-trips every example and non-ASCII text, compressed', async () => {
    for (const code of [...EXAMPLES.map((e) => e.code), 'console.log("héllo → 世界 <b>not html</b>")\n']) {
      const encoded = await encodeCodeForLink(code);
      expect(encoded.startsWith('z1.')).toBe(true);
      expect(encoded).toMatch(/^[A-Za-z0-9_.-]+$/); // safe in a URL as it is
      expect(await decodeCodeFromLink(encoded)).toEqual({ ok: true, code });
    }
  });

  it('reads the uncompressed form too', async () => {
    const code = "const { Kafka } = require('kafkajs')";
    expect(await decodeCodeFromLink('t1.' + toBase64Url(new TextEncoder().encode(code)))).toEqual({
      ok: true,
      code,
    });
  });

  it('refuses what it cannot read, saying why and that the editor kept its code', async () => {
    const cases: [string, RegExp][] = [
      ['x'.repeat(CODE_LINK_LIMITS.linkChars + 1), /too long/],
      ['q9.abc', /not in a format/],
      ['z1.not*base64', /not valid base64url/],
      ['z1.' + toBase64Url(new Uint8Array([0xff, 0xff, 0xff, 0xff])), /could not be decompressed/],
      ['t1.' + toBase64Url(new Uint8Array([0xc3, 0x28])), /not text/],
    ];
    for (const [encoded, why] of cases) {
      const decoded = await decodeCodeFromLink(encoded);
      expect(decoded.ok).toBe(false);
      if (decoded.ok) continue;
      expect(decoded.message).toMatch(why);
      expect(decoded.message).toContain('your own code is as you left it');
    }
  });

  it('refuses a small link that would expand past the size a code file may have', async () => {
    const bomb = await deflate(new Uint8Array(CODE_LINK_LIMITS.codeBytes + 1000).fill(0x61));
    const encoded = 'z1.' + toBase64Url(bomb);
    expect(encoded.length).toBeLessThan(CODE_LINK_LIMITS.linkChars);
    const decoded = await decodeCodeFromLink(encoded);
    expect(decoded).toEqual({ ok: false, message: expect.stringMatching(/too large/) as unknown as string });
  });

  it('is found next to a scenario in the hash, or alone, or in the query', () => {
    expect(codeParamIn({ search: '', hash: '#scenario=z1.abc&code=z1.def' })).toBe('z1.def');
    expect(codeParamIn({ search: '', hash: '#code=t1.eA' })).toBe('t1.eA');
    expect(codeParamIn({ search: '?seed=5&code=t1.eA', hash: '' })).toBe('t1.eA');
    expect(codeParamIn({ search: '?seed=5', hash: '#scenario=z1.abc' })).toBeUndefined();
  });
});

describe('a share link with the Code tool’s code', () => {
  const scenario: Scenario = {
    format: 'streamlab.scenario',
    version: 1,
    options: { seed: 5, brokers: 3 },
    commands: [],
    atMs: 4000,
    endMs: 4000,
  };
  const page = { origin: 'https://streamlab.example', pathname: '/' };

  it('carries the scenario and the code side by side, each read back whole', async () => {
    const code = EXAMPLES.find((e) => e.id === 'transaction')!.code;
    const link = await shareLink(scenario, page, await encodeCodeForLink(code));
    expect(typeof link).toBe('string');
    const url = new URL(link as string);
    expect(await decodeCodeFromLink(codeParamIn(url)!)).toEqual({ ok: true, code });
    expect(await decodeScenarioFromLink(scenarioCodeIn(url)!)).toEqual({ ok: true, scenario });
    expect(codeParamIn(new URL(String(await shareLink(scenario, page))))).toBeUndefined();
  });

  it('is refused, with a way out, when the code would not fit in a link', async () => {
    const link = await shareLink(scenario, page, 'z1.' + 'A'.repeat(CODE_LINK_LIMITS.linkChars));
    expect(link).toEqual({
      error: expect.stringMatching(/too large for a link.*Close the Code tool/) as unknown as string,
    });
  });
});
