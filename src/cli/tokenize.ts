/**
 * Splitting what the user typed, the way a POSIX shell would for the simple cases: words,
 * single and double quotes, backslash escapes, and the separators `;` and `&&`. Nothing is
 * expanded or evaluated: typed text is data.
 */

export interface Pipeline {
  /** The words of one command. */
  words: string[];
  /** How it joins the next command: `;` runs it regardless, `&&` only after a success. */
  then: ';' | '&&' | null;
}

export class ShellSyntaxError extends Error {}

export function parseLine(line: string): Pipeline[] {
  const out: Pipeline[] = [];
  let words: string[] = [];
  let word = '';
  let inWord = false;
  const endWord = () => {
    if (inWord) words.push(word);
    word = '';
    inWord = false;
  };
  const endCommand = (then: ';' | '&&' | null) => {
    endWord();
    if (words.length === 0) {
      if (then !== null) throw new ShellSyntaxError(`syntax error near unexpected token \`${then}'`);
    } else out.push({ words, then });
    words = [];
  };
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (c === "'") {
      const end = line.indexOf("'", i + 1);
      if (end < 0) throw new ShellSyntaxError("unexpected EOF while looking for matching `''");
      word += line.slice(i + 1, end);
      inWord = true;
      i = end;
    } else if (c === '"') {
      let j = i + 1;
      for (; j < line.length && line[j] !== '"'; j++) {
        if (line[j] === '\\' && j + 1 < line.length && '"\\$`'.includes(line[j + 1]!)) j++;
        word += line[j];
      }
      if (j >= line.length) throw new ShellSyntaxError('unexpected EOF while looking for matching `"\'');
      inWord = true;
      i = j;
    } else if (c === '\\' && i + 1 < line.length) {
      word += line[++i];
      inWord = true;
    } else if (c === ' ' || c === '\t') {
      endWord();
    } else if (c === ';') {
      endCommand(';');
    } else if (c === '&' && line[i + 1] === '&') {
      endCommand('&&');
      i++;
    } else {
      word += c;
      inWord = true;
    }
  }
  endCommand(null);
  return out;
}
