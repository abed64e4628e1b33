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
        out.push(buffer.slice(start, lineEnd).split(this.delimiter));
        start = this.next(buffer, lineEnd);
        continue;
      }
      const parsed = this.quoted(buffer, start, final);
      if (parsed === null) break; // a quoted field runs past the text so far
      out.push(parsed.cells);
      start = parsed.next;
    }
    this.pending = start < n ? buffer.slice(start) : "";
    if (this.pending.length > this.maxRecordChars) throw new CsvSyntaxError("CSV_MAX_RECORD_SIZE");
    if (final && this.pending) throw new CsvSyntaxError("CSV_QUOTE_NOT_CLOSED");
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
