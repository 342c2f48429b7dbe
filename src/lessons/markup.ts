/**
 * The only markup lesson text has: `**bold**`, `` `code` `` and glossary links `[[isr]]` or
 * `[[isr|in-sync replicas]]` (issue 16: an entry of src/ui/glossary, shown as a tooltip). Split into
 * plain segments that the UI renders as elements with text content — never as HTML.
 */
export interface Segment {
  kind: 'text' | 'bold' | 'code' | 'term';
  text: string;
  /** kind 'term': the glossary entry's id (the UI shows plain text for an id it does not know). */
  term?: string;
}

const TERM = /^\[\[([a-z0-9-]+)(?:\|([^\]|]+))?\]\]$/;
const TOKEN = /(\*\*[^*]+\*\*|`[^`]+`|\[\[[a-z0-9-]+(?:\|[^\]|]+)?\]\])/;

export function segments(text: string): Segment[] {
  return text
    .split(TOKEN)
    .filter((part) => part.length > 0)
    .map((part) => {
      if (part.length > 4 && part.startsWith('**') && part.endsWith('**'))
        return { kind: 'bold', text: part.slice(2, -2) };
      if (part.length > 2 && part.startsWith('`') && part.endsWith('`'))
        return { kind: 'code', text: part.slice(1, -1) };
      const link = TERM.exec(part);
      if (link) return { kind: 'term', term: link[1]!, text: link[2] ?? link[1]! };
      return { kind: 'text', text: part };
    });
}
