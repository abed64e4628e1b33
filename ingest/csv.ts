// CSV records from decoded text, chunk by chunk (RFC 4180: quoted fields may hold delimiters,
// doubled quotes and line breaks; lines end in CRLF, LF or CR). Lines without a quote — nearly
// all of a trust's export — are split with String#split, several times faster than a general
// parser (docs/benchmarks.md); lines with quotes go through a character-by-character parser.

export type CsvErrorCode = "CSV_QUOTE_NOT_CLOSED" | "CSV_MAX_RECORD_SIZE" | "CSV_INVALID_CLOSING_QUOTE" | "CSV_INVALID_OPENING_QUOTE";

export class CsvSyntaxError extends Error {
  constructor(readonly code: CsvErrorCode) {
    super(code);
  }
}

const QUOTE = 34;

/**
 * Whether `text` holds `part` at `at`. A slice and a comparison: several times faster in V8 than
 * startsWith with a position, or a loop over the characters, on the text of a long export.
 */
function textAt(text: string, at: number, part: string): boolean {
  if (part.length === 1) return text.charCodeAt(at) === part.charCodeAt(0);
  return text.slice(at, at + part.length) === part;
}
const CR = 13;
const LF = 10;

export class CsvSplitter {
  private pending = "";
  private readonly delimiterCode: number;
  /**
   * When set, each record is only this field (0-based), and a record equal to the one before it
   * is left out: a quick pass for the distinct values of one column (e.g. which organisations a
   * file holds) without splitting every line.
   */
  column: number | null = null;
  /**
   * When set, the fields that change from row to row (e.g. capability and rating in a long
   * export, where a respondent's columns repeat on each of their rows): a line whose other fields
   * equal the previous record's is not split afresh but read as a repeat of it — only these
   * fields' values, in this order, appended to the record's entry in `runs` (see push). A
   * fraction of the time, and no array or record per line.
   */
  varying: number[] | null = null;
  private previous: string[] | null = null;
  /** Varying mode: where `previous` is in the current `out`, if it is there. */
  private owner = -1;
  /** Column mode: the last value given (records equal to it are left out). */
  last: string | null = null;

  /** `maxRecordChars`: a longer record is an unclosed quote swallowing the file. */
  constructor(
    private readonly delimiter: string,
    private readonly maxRecordChars = 1 << 20,
  ) {
    this.delimiterCode = delimiter.charCodeAt(0);
  }

  /**
   * Appends text and moves its complete records to `out`. With `final`, the text is the end of
   * the file: a last record without a line end counts. Throws CsvSyntaxError at the first record
   * that cannot be read; the records before it are already in `out`. In varying mode, `runs` is
   * kept parallel to `out`: for each record, the varying values of the lines after it that repeat
   * it (null for none). The caller empties both together.
   */
  push(text: string, final: boolean, out: string[][], runs?: (string[] | null)[]): void {
    const buffer = this.pending ? this.pending + text : text;
    const hasCr = buffer.indexOf("\r") >= 0;
    let start = 0;
    const n = buffer.length;
    // The next quote and CR are found once and reused line after line, not searched for per line.
    let quote = buffer.indexOf('"');
    let cr = hasCr ? buffer.indexOf("\r") : -1;
    while (start < n) {
      let end = buffer.indexOf("\n", start);
      if (cr >= 0 && cr < start) cr = buffer.indexOf("\r", start);
      if (cr >= 0 && (end < 0 || cr < end)) end = cr;
      const lineEnd = end < 0 ? n : end;
      if (quote >= 0 && quote < start) quote = buffer.indexOf('"', start);
      if (quote < 0 || quote >= lineEnd) {
        if (end < 0 && !final) break; // the rest of the record is still to come
        if (end === n - 1 && buffer.charCodeAt(end) === CR && !final) break; // CR, and LF may follow
        if (lineEnd - start > this.maxRecordChars) throw new CsvSyntaxError("CSV_MAX_RECORD_SIZE");
        if (this.column !== null) this.field(buffer, start, lineEnd, out);
        else if (runs === undefined) out.push(buffer.slice(start, lineEnd).split(this.delimiter));
        else if (this.varying === null || !this.repeated(buffer, start, lineEnd, out, runs)) this.record(buffer.slice(start, lineEnd).split(this.delimiter), out, runs);
        start = this.next(buffer, lineEnd);
        continue;
      }
      const parsed = this.quoted(buffer, start, final);
      if (parsed === null) break; // a quoted field runs past the text so far
      if (this.column !== null) this.distinct(parsed.cells[this.column] ?? "", out);
      else if (runs === undefined) out.push(parsed.cells);
      else this.record(parsed.cells, out, runs);
      start = parsed.next;
    }
    this.pending = start < n ? buffer.slice(start) : "";
    if (this.pending.length > this.maxRecordChars) throw new CsvSyntaxError("CSV_MAX_RECORD_SIZE");
    if (final && this.pending) throw new CsvSyntaxError("CSV_QUOTE_NOT_CLOSED");
  }

  /** Varying mode: a record of its own, which later lines may repeat. */
  private record(cells: string[], out: string[][], runs: (string[] | null)[]): void {
    this.previous = cells;
    this.owner = out.length;
    out.push(cells);
    runs.push(null);
  }

  /**
   * Varying mode: if only the varying fields of the line differ from the previous record's, adds
   * the line as a repeat of it (a record of its own if the previous record was given out in an
   * earlier push) and returns true. The line is matched against the previous record's text
   * between its varying fields (segmentsOf), so a repeat costs a few comparisons, not a split.
   */
  private repeated(buffer: string, start: number, end: number, out: string[][], runs: (string[] | null)[]): boolean {
    const previous = this.previous;
    if (previous === null) return false;
    if (this.segmentsFor !== previous) {
      this.segments = this.segmentsOf(previous);
      this.segmentsFor = previous;
    }
    const segments = this.segments;
    if (segments === null || !textAt(buffer, start, segments[0])) return false;
    const { columns, slots } = this.order!;
    // The values go straight onto the run when its record is in `out`; taken back if not a repeat.
    const inOut = out[this.owner] === previous;
    const run = inOut ? (runs[this.owner] ??= []) : new Array<string>();
    const base = run.length;
    let from = start + segments[0].length;
    let same = true;
    for (let i = 0; i < columns.length && same; i++) {
      let to = buffer.indexOf(this.delimiter, from);
      if (to < 0 || to > end) to = end;
      const after = segments[i + 1];
      // What follows the value: the next fixed text, or the line end when the field is last.
      same = after.length === 0 ? to === end : textAt(buffer, to, after);
      run[base + slots[i]] = buffer.slice(from, to);
      from = to + after.length;
    }
    if (!same || from !== end) {
      run.length = base;
      if (inOut && base === 0) runs[this.owner] = null;
      return false;
    }
    if (!inOut) {
      // The record was given out in an earlier push: this line starts a record of its own.
      const cells = previous.slice();
      for (let v = 0; v < run.length; v++) cells[this.varying![v]] = run[v];
      this.record(cells, out, runs);
    }
    return true;
  }

  /** The varying fields in column order, and each one's place in `varying`; kept while `varying` is. */
  private order: { for: number[]; columns: number[]; slots: number[] } | null = null;
  private segments: string[] | null = null;
  private segmentsFor: string[] | null = null;

  /**
   * A record's text around its varying fields, in column order: the fields before the first
   * (each with its delimiter), then what lies between each varying field and the next (the
   * delimiters and fixed fields), then what follows the last. A line repeats the record when it
   * is these segments with any values (holding no delimiter) in between. Null when no line can
   * repeat the record that way: too few fields, or a field holding a delimiter, quote or line
   * break (from a quoted record), which would make the text ambiguous.
   */
  private segmentsOf(cells: string[]): string[] | null {
    const varying = this.varying!;
    if (this.order?.for !== varying) {
      const columns = [...varying].sort((a, b) => a - b);
      this.order = { for: varying, columns, slots: columns.map((c) => varying.indexOf(c)) };
    }
    const { columns } = this.order;
    if (columns[columns.length - 1] >= cells.length) return null;
    const d = this.delimiter;
    for (let k = 0; k < cells.length; k++) {
      const cell = cells[k];
      if (cell.includes(d) || cell.includes('"') || cell.includes("\n") || cell.includes("\r")) return null;
    }
    const segments: string[] = [];
    let from = 0;
    for (const column of columns) {
      let text = from === 0 ? "" : d;
      for (let k = from; k < column; k++) text += cells[k] + d;
      segments.push(text);
      from = column + 1;
    }
    let text = "";
    for (let k = from; k < cells.length; k++) text += d + cells[k];
    segments.push(text);
    return segments;
  }

  /** Column mode, a line without quotes: its field `column`, found without splitting the line. */
  private field(buffer: string, start: number, end: number, out: string[][]): void {
    let from = start;
    for (let k = 0; k < this.column!; k++) {
      const at = buffer.indexOf(this.delimiter, from);
      if (at < 0 || at >= end) return this.distinct("", out);
      from = at + 1;
    }
    const last = this.last;
    // The same value as the line before: compared in place, nothing allocated.
    if (last !== null && textAt(buffer, from, last)) {
      const after = from + last.length;
      if (after === end || buffer.charCodeAt(after) === this.delimiterCode) return;
    }
    let to = buffer.indexOf(this.delimiter, from);
    if (to < 0 || to > end) to = end;
    this.distinct(buffer.slice(from, to), out);
  }

  private distinct(value: string, out: string[][]): void {
    if (value === this.last) return;
    this.last = value;
    out.push([value]);
  }

  /** Where the record after a line end at `at` starts (CRLF is one line end). */
  private next(buffer: string, at: number): number {
    if (at >= buffer.length) return buffer.length;
    return buffer.charCodeAt(at) === CR && buffer.charCodeAt(at + 1) === LF ? at + 2 : at + 1;
  }

  /** One record holding quotes, from `start`; null when it does not end within the text. */
  private quoted(buffer: string, start: number, final: boolean): { cells: string[]; next: number } | null {
    const cells: string[] = [];
    const n = buffer.length;
    let i = start;
    for (;;) {
      // At the start of a field.
      let value: string;
      if (buffer.charCodeAt(i) === QUOTE) {
        let text = "";
        let from = i + 1;
        for (;;) {
          const q = buffer.indexOf('"', from);
          if (q < 0) {
            if (final) throw new CsvSyntaxError("CSV_QUOTE_NOT_CLOSED");
            return null;
          }
          if (q + 1 >= n && !final) return null; // a doubled quote may be cut by the chunk
          if (buffer.charCodeAt(q + 1) === QUOTE) {
            text += buffer.slice(from, q + 1);
            from = q + 2;
            continue;
          }
          text += buffer.slice(from, q);
          i = q + 1;
          break;
        }
        value = text;
        const c = i < n ? buffer.charCodeAt(i) : -1;
        if (c !== -1 && c !== this.delimiterCode && c !== LF && c !== CR) throw new CsvSyntaxError("CSV_INVALID_CLOSING_QUOTE");
      } else {
        let j = i;
        while (j < n) {
          const c = buffer.charCodeAt(j);
          if (c === this.delimiterCode || c === LF || c === CR) break;
          if (c === QUOTE) throw new CsvSyntaxError("CSV_INVALID_OPENING_QUOTE");
          j++;
        }
        value = buffer.slice(i, j);
        i = j;
      }
      if (i - start > this.maxRecordChars) throw new CsvSyntaxError("CSV_MAX_RECORD_SIZE");
      cells.push(value);
      if (i >= n) {
        if (!final) return null;
        return { cells, next: n };
      }
      const c = buffer.charCodeAt(i);
      if (c === this.delimiterCode) {
        i++;
        if (i >= n && !final) return null;
        if (i >= n) {
          cells.push("");
          return { cells, next: n };
        }
        continue;
      }
      // A line end: CR may be followed by LF in the next chunk.
      if (c === CR && i + 1 >= n && !final) return null;
      return { cells, next: this.next(buffer, i) };
    }
  }
}
