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
   * equal the previous record's is read as a copy of that record with only these fields new,
   * sharing its strings, rather than split afresh — a fraction of the time and garbage.
   */
  varying: number[] | null = null;
  private previous: string[] | null = null;
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
   * that cannot be read; the records before it are already in `out`.
   */
  push(text: string, final: boolean, out: string[][]): void {
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
        else if (this.varying === null) out.push(buffer.slice(start, lineEnd).split(this.delimiter));
        else out.push((this.previous = this.repeated(buffer, start, lineEnd) ?? buffer.slice(start, lineEnd).split(this.delimiter)));
        start = this.next(buffer, lineEnd);
        continue;
      }
      const parsed = this.quoted(buffer, start, final);
      if (parsed === null) break; // a quoted field runs past the text so far
      if (this.column === null) out.push((this.previous = parsed.cells));
      else this.distinct(parsed.cells[this.column] ?? "", out);
      start = parsed.next;
    }
    this.pending = start < n ? buffer.slice(start) : "";
    if (this.pending.length > this.maxRecordChars) throw new CsvSyntaxError("CSV_MAX_RECORD_SIZE");
    if (final && this.pending) throw new CsvSyntaxError("CSV_QUOTE_NOT_CLOSED");
  }

  /** Varying mode: the line as a copy of the previous record if only the varying fields differ, else null. */
  private repeated(buffer: string, start: number, end: number): string[] | null {
    const previous = this.previous;
    if (previous === null) return null;
    const varying = this.varying!;
    const cells = previous.slice();
    let from = start;
    for (let k = 0; k < previous.length; k++) {
      let to = buffer.indexOf(this.delimiter, from);
      if (to < 0 || to > end) to = end;
      // Fewer fields than the previous record, or more: read the line afresh.
      if ((to === end) !== (k === previous.length - 1)) return null;
      if (varying.includes(k)) cells[k] = buffer.slice(from, to);
      else if (to - from !== previous[k].length || !buffer.startsWith(previous[k], from)) return null;
      from = to + 1;
    }
    return cells;
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
    if (last !== null && buffer.startsWith(last, from)) {
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
