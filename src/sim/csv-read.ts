/**
 * A small RFC 4180 CSV reader for the files fabricsim reads back (traces, size distributions,
 * its own result files): `,` separators, `"` quoting with `""` escapes, `\n` or `\r\n` line ends.
 * Lines starting with `#` (outside quotes, at the start of a record) are comments when
 * `comments` is set.
 */

/** A parsed CSV file: the header and the records, each with its 1-based line number. */
export interface CsvTable {
  columns: string[];
  rows: string[][];
  /** `lines[i]` is the line number of `rows[i]` in the text (for error messages). */
  lines: number[];
}

/** Every record of `text` as a list of fields, with the line each starts on; empty lines are skipped. */
export function parseCsvRecords(text: string, options: { comments?: boolean } = {}): { records: string[][]; lines: number[] } {
  const records: string[][] = [];
  const lines: number[] = [];
  const n = text.length;
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  let line = 1;
  while (i < n) {
    const startLine = line;
    if (options.comments && text[i] === '#') {
      while (i < n && text[i] !== '\n') i++;
      i++;
      line++;
      continue;
    }
    const fields: string[] = [];
    let field = '';
    let quoted = false;
    let endOfRecord = false;
    while (i < n && !endOfRecord) {
      const c = text[i]!;
      if (quoted) {
        if (c === '"') {
          if (text[i + 1] === '"') {
            field += '"';
            i += 2;
          } else {
            quoted = false;
            i++;
          }
        } else {
          if (c === '\n') line++;
          field += c;
          i++;
        }
      } else if (c === '"' && field === '') {
        quoted = true;
        i++;
      } else if (c === ',') {
        fields.push(field);
        field = '';
        i++;
      } else if (c === '\n' || c === '\r') {
        if (c === '\r' && text[i + 1] === '\n') i++;
        i++;
        line++;
        endOfRecord = true;
      } else {
        field += c;
        i++;
      }
    }
    fields.push(field);
    if (fields.length === 1 && fields[0]!.trim() === '') continue;
    records.push(fields);
    lines.push(startLine);
  }
  return { records, lines };
}

/** A CSV file with a header line. */
export function parseCsv(text: string, options: { comments?: boolean } = {}): CsvTable {
  const { records, lines } = parseCsvRecords(text, options);
  const columns = (records.shift() ?? []).map((c) => c.trim());
  lines.shift();
  return { columns, rows: records, lines };
}
