/**
 * The only markup lesson text has: `**bold**` and `` `code` ``. Split into plain segments that the
 * UI renders as elements with text content — never as HTML.
 */
export interface Segment {
  kind: 'text' | 'bold' | 'code';
  text: string;
}

const TOKEN = /(\*\*[^*]+\*\*|`[^`]+`)/;

export function segments(text: string): Segment[] {
  return text
    .split(TOKEN)
    .filter((part) => part.length > 0)
    .map((part) => {
      if (part.length > 4 && part.startsWith('**') && part.endsWith('**'))
        return { kind: 'bold', text: part.slice(2, -2) };
      if (part.length > 2 && part.startsWith('`') && part.endsWith('`'))
        return { kind: 'code', text: part.slice(1, -1) };
      return { kind: 'text', text: part };
    });
}
