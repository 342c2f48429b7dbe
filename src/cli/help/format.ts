/**
 * joptsimple's option table, as Kafka's tools print it after a usage error
 * (CommandLineUtils.printUsageAndExit → OptionParser.printHelpOn → BuiltinHelpFormatter, jopt-simple
 * 5.0.4, the version Kafka 4.0 ships). The layout rules, read from that source:
 * - options sorted by their (first) name, as Java's String.compareTo does;
 * - a header `Option` / `Description` (`Option (* = required)` when one is required), underlined;
 * - the left cell is `--name`, then ` <Type: description>` for a required argument (`[…]` for an
 *   optional one; the type is the value class's short name, `String` when none is given);
 * - the right cell is the description, then ` (default: v)` when the option has defaults;
 * - 80 columns, 2 between the columns: the option column is min(39, widest option), the description
 *   column min(80 - that - 2, widest description); each cell is split on line breaks and then
 *   wrapped word by word (Java's line BreakIterator), continuation lines indented by 2;
 * - every cell is padded to its column's width, so lines end in spaces, as Kafka's do.
 */
import { lineBreakWords } from './words';

export interface HelpOption {
  /** The option's name without `--`. */
  name: string;
  description: string;
  /** Argument: 'required' (`<…>`), 'optional' (`[…]`) or absent for a flag. */
  arg?: 'required' | 'optional';
  /** Short name of the value class (`Integer`, `Long`); `String` when absent. */
  type?: string;
  /** describedAs(…). */
  argDescription?: string;
  /** defaultsTo(…), as Java's toString prints each value. */
  defaults?: string[];
  required?: boolean;
}

const OVERALL = 80;
const SEPARATOR = 2;
const INDENT = 2;

interface Row {
  option: string;
  description: string;
}

function optionCell(o: HelpOption): string {
  let cell = `${o.required ? '* ' : ''}${o.name.length > 1 ? '--' : '-'}${o.name}`;
  if (o.arg || o.argDescription) {
    const [open, close] = o.arg === 'optional' ? ['[', ']'] : ['<', '>'];
    const type = o.type ?? 'String';
    cell += ` ${open}${type}${o.argDescription ? `: ${o.argDescription}` : ''}${close}`;
  }
  return cell;
}

function descriptionCell(o: HelpOption): string {
  const d = o.defaults ?? [];
  if (d.length === 0) return o.description;
  const shown = d.length === 1 ? d[0]! : `[${d.join(', ')}]`;
  return `${o.description} (default: ${shown})`.trim();
}

/** Columns.piecesOf: split on line separators, then wrap each line at `width`. */
function pieces(raw: string, width: number): string[] {
  const out: string[] = [];
  // Java's String.split drops trailing empty strings.
  const lines = raw.trim().split('\n');
  while (lines.length > 1 && lines[lines.length - 1] === '') lines.pop();
  for (const line of lines) {
    let piece = '';
    for (const word of lineBreakWords(line)) {
      if (piece.length + word.length > width) {
        out.push(piece.replace(/\s+$/, ''));
        piece = ' '.repeat(INDENT) + word;
      } else piece += word;
    }
    if (piece.length > 0) out.push(piece);
  }
  return out;
}

const widest = (rows: Row[], key: keyof Row) => Math.max(0, ...rows.map((r) => r[key].length));

function widths(rows: Row[]): [number, number] {
  const option = Math.min(Math.floor((OVERALL - SEPARATOR) / 2), widest(rows, 'option'));
  return [option, Math.min(OVERALL - option - SEPARATOR, widest(rows, 'description'))];
}

/** The table printHelpOn writes, ending in a newline. */
export function formatHelp(options: readonly HelpOption[]): string {
  const sorted = [...options].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const required = sorted.some((o) => o.required);
  const rows: Row[] = [
    { option: required ? 'Option (* = required)' : 'Option', description: 'Description' },
    { option: required ? '---------------------' : '------', description: '-----------' },
    ...sorted.map((o) => ({ option: optionCell(o), description: descriptionCell(o) })),
  ];
  // Rows.fitToWidth: wrap with the widths of the unwrapped rows, then render with the fitted ones.
  const [ow, dw] = widths(rows);
  const fitted: Row[] = [];
  for (const row of rows) {
    const left = pieces(row.option, ow);
    const right = pieces(row.description, dw);
    for (let i = 0; i < Math.max(left.length, right.length); i++) {
      fitted.push({ option: left[i] ?? '', description: right[i] ?? '' });
    }
  }
  const [fow, fdw] = widths(fitted);
  const pad = (s: string, n: number) => s + ' '.repeat(Math.max(0, n - s.length));
  return fitted
    .map((r) => `${pad(r.option, fow)}${' '.repeat(SEPARATOR)}${pad(r.description, fdw)}\n`)
    .join('');
}
