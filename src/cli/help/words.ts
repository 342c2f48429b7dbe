/**
 * Java's line BreakIterator (the JDK's own rules, which joptsimple wraps help text with), for the
 * ASCII text of Kafka's option help. A piece is: opening punctuation, a word (letters, digits,
 * `1,000`/`1.5` inside numbers), closing punctuation (`.,:;!?%)]}`), then the spaces after it, or
 * one tab. A run of dashes ends a piece when a word follows (`--|export`, `partition-|to`), except
 * `-1` at a piece's start, which is a number (`-3|>`); a leading dash or a quote sticks to the
 * opening punctuation after it. Checked against JDK 17's BreakIterator on every help text in
 * src/cli/help (the golden tables) and on the cases in help.test.ts.
 */
const isSpace = (c: string) => c === ' ' || c === '\r';
const isPre = (c: string) => c === '(' || c === '[' || c === '{' || c === '$';
const isPost = (c: string) => ').,:;!?%]}'.includes(c);
const isDigit = (c: string) => c >= '0' && c <= '9';
const isNumPunct = (c: string | undefined) => c === '.' || c === ',';
const isWordChar = (c: string) =>
  c !== undefined && !isSpace(c) && c !== '\t' && c !== '\n' && c !== '-' && !isPre(c) && !isPost(c);

export function lineBreakWords(line: string): string[] {
  const out: string[] = [];
  let i = 0;
  while (i < line.length) {
    let j = i;
    while (j < line.length && isPre(line[j]!)) j++;
    const bodyStart = j;
    let dashBreak = false;
    let more = true;
    while (more) {
      more = false;
      j = body(line, j, bodyStart);
      if (j < 0) {
        j = -j;
        dashBreak = true;
        break;
      }
      // Closing punctuation; a `"` after it sticks to it, an apostrophe after it goes on with the word.
      const postStart = j;
      while (j < line.length && isPost(line[j]!)) j++;
      if (j > postStart && line[j] === '"') j++;
      else if (j > postStart && line[j] === "'") {
        j++;
        more = true;
      }
    }
    if (!dashBreak) {
      if (line[j] === '\t') j++;
      else while (j < line.length && isSpace(line[j]!)) j++;
    }
    if (j === i) j++;
    out.push(line.slice(i, j));
    i = j;
  }
  return out;
}

/** The word's letters and digits from `j`; a negative index when it ends after dashes (a break). */
function body(line: string, j: number, bodyStart: number): number {
  for (;;) {
    const c = line[j];
    if (c === undefined) return j;
    if (isWordChar(c)) j++;
    else if ((c === '.' || c === ',') && j > bodyStart && isDigit(line[j - 1]!) && isDigit(line[j + 1] ?? ''))
      j++;
    else if (c === '-') {
      let k = j;
      while (line[k] === '-') k++;
      const next = line[k];
      if (next !== undefined && j === bodyStart && isDigit(next)) {
        // A leading `-3` is a number: its digits, then the word ends (`-3|>`).
        j = k;
        while (isDigit(line[j] ?? '') || (isNumPunct(line[j]) && isDigit(line[j + 1] ?? ''))) j++;
        return j;
      }
      if (next !== undefined && j === bodyStart && isPre(next)) {
        // A leading dash sticks to the opening punctuation after it (`-([0-`).
        j = k;
        while (isPre(line[j] ?? '')) j++;
        continue;
      }
      return next !== undefined && !isSpace(next) && next !== '\t' ? -k : k;
    } else if (isPre(c) && (line[j - 1] === "'" || line[j - 1] === '"')) {
      // A quote sticks to the opening punctuation after it (`'([^:,]`).
      while (isPre(line[j] ?? '')) j++;
    } else return j;
  }
}
