/**
 * The Code tool's code in a share link: `#scenario=…&code=<code>` (or `#code=` alone; `?code=` is
 * read too). The code is `z1.` + base64url(deflate-raw(UTF-8)) where CompressionStream exists, else
 * `t1.` + base64url(UTF-8), the scheme scenario links use (scenario-codec.ts). Decoding checks the
 * link's length, then the text's size after decompression, then that it is UTF-8 text.
 *
 * What comes out is only ever text for the editor: it is never rendered as HTML, and it runs only
 * when the learner presses Run (CodeTool.svelte says so next to it).
 */
import { fromBase64Url, pipeThrough, toBase64Url, TooLarge } from '../../bridge/scenario-codec';

export const CODE_LINK_LIMITS = {
  /** The encoded code in a link. */
  linkChars: 100_000,
  /** The code itself, decoded: the size a file opened in the Code tool may have. */
  codeBytes: 200_000,
} as const;

const DEFLATED = 'z1.';
const PLAIN = 't1.';

export type LinkedCode = { ok: true; code: string } | { ok: false; message: string };

export async function encodeCodeForLink(code: string): Promise<string> {
  const bytes = new TextEncoder().encode(code);
  if (typeof CompressionStream === 'undefined') return PLAIN + toBase64Url(bytes);
  return DEFLATED + toBase64Url(await pipeThrough(bytes, new CompressionStream('deflate-raw')));
}

export async function decodeCodeFromLink(encoded: string): Promise<LinkedCode> {
  const what = 'The code in this link';
  const kept = 'Nothing was loaded into the editor; your own code is as you left it.';
  if (encoded.length > CODE_LINK_LIMITS.linkChars) {
    return {
      ok: false,
      message: `${what} is too long (${encoded.length} characters; the limit is ${CODE_LINK_LIMITS.linkChars}). ${kept}`,
    };
  }
  const prefix = encoded.slice(0, 3);
  if (prefix !== DEFLATED && prefix !== PLAIN)
    return { ok: false, message: `${what} is not in a format StreamLab knows. ${kept}` };
  const bytes = fromBase64Url(encoded.slice(3));
  if (!bytes) return { ok: false, message: `${what} is damaged (it is not valid base64url). ${kept}` };
  let text: Uint8Array<ArrayBuffer> = bytes;
  if (prefix === DEFLATED) {
    if (typeof DecompressionStream === 'undefined')
      return { ok: false, message: `${what} is compressed, and this browser cannot decompress it. ${kept}` };
    try {
      text = await pipeThrough(bytes, new DecompressionStream('deflate-raw'), CODE_LINK_LIMITS.codeBytes);
    } catch (e) {
      return {
        ok: false,
        message:
          e instanceof TooLarge
            ? `${what} is too large (over ${CODE_LINK_LIMITS.codeBytes} bytes). ${kept}`
            : `${what} is damaged (it could not be decompressed). ${kept}`,
      };
    }
  } else if (text.length > CODE_LINK_LIMITS.codeBytes) {
    return { ok: false, message: `${what} is too large (over ${CODE_LINK_LIMITS.codeBytes} bytes). ${kept}` };
  }
  try {
    return { ok: true, code: new TextDecoder('utf-8', { fatal: true }).decode(text) };
  } catch {
    return { ok: false, message: `${what} is damaged (it is not text). ${kept}` };
  }
}

/** The encoded code in a location's hash (`#code=`) or query (`?code=`), if any. */
export function codeParamIn(location: { search: string; hash: string }): string | undefined {
  const hash = new URLSearchParams(location.hash.replace(/^#/, ''));
  return hash.get('code') ?? new URLSearchParams(location.search).get('code') ?? undefined;
}
