/**
 * Column tables that fit a width: the widest columns give way first and a
 * cut cell ends in an ellipsis, so every row stays one line. Cells may carry
 * colour codes; widths are measured without them.
 */

const ESCAPES = /\x1b\[[0-9;]*m/g;
const GAP = '  ';
/** No column is cut below this, so a header stays recognisable. */
const MIN_COLUMN = 4;

export type Row = readonly string[];

export function visibleLength(text: string): number {
  return [...text.replace(ESCAPES, '')].length;
}

/** Cuts text to `width` visible characters, ending in … when it had to cut. */
export function truncate(text: string, width: number): string {
  if (visibleLength(text) <= width) return text;
  const plain = [...text.replace(ESCAPES, '')];
  return width <= 1 ? plain.slice(0, width).join('') : `${plain.slice(0, width - 1).join('')}…`;
}

/** The widths each column gets: natural widths, the widest shrunk until the row fits. */
export function fitWidths(natural: readonly number[], width: number): number[] {
  const widths = [...natural];
  const total = () => widths.reduce((sum, w) => sum + w, 0) + GAP.length * Math.max(0, widths.length - 1);
  while (total() > width) {
    const widest = widths.indexOf(Math.max(...widths));
    if ((widths[widest] ?? 0) <= MIN_COLUMN) break;
    widths[widest] = (widths[widest] ?? 0) - 1;
  }
  return widths;
}

export function renderTable(header: Row, rows: readonly Row[], width: number): string {
  const all = [header, ...rows];
  const natural = header.map((_, column) => Math.max(...all.map((row) => visibleLength(row[column] ?? ''))));
  const widths = fitWidths(natural, width);
  const lines = all.map((row) =>
    row
      .map((cell, i) => {
        const cut = truncate(cell, widths[i] ?? 0);
        return i === row.length - 1 ? cut : cut + ' '.repeat((widths[i] ?? 0) - visibleLength(cut));
      })
      .join(GAP)
      .trimEnd(),
  );
  return `${lines.join('\n')}\n`;
}

/** `--output text`, as the AWS CLI prints it: tab-separated, never cut, no header. */
export function renderText(rows: readonly Row[]): string {
  return rows.map((row) => row.join('\t')).join('\n') + (rows.length > 0 ? '\n' : '');
}

/**
 * The short ids of ARNs (the part after the last `/`) when those are
 * unique in the list, and the ARNs themselves otherwise.
 */
export function shortIds(arns: readonly string[]): string[] {
  const short = arns.map((arn) => arn.slice(arn.lastIndexOf('/') + 1) || arn);
  return new Set(short).size === short.length ? short : [...arns];
}
