// Reading a trust's file: its content hash, and its rows as arrays of cells with row numbers, in
// whichever encoding and dialect Excel or a survey tool wrote it, or from Arrow IPC.
//
// Row numbers are what a spreadsheet shows: every record counts, blank ones included, and the
// header is row 1 when the file starts with it. A record spanning several lines (a quoted field
// with line breaks) is one row. Blank records — empty lines, or only delimiters and spaces, as
// Excel leaves below the data — are skipped but still counted, so later rows keep their numbers.
// Arrow has no blank rows: the header (field names) is row 1 and record i (from 0) is row i + 2.
import { createHash } from "node:crypto";
import { open, stat } from "node:fs/promises";
import { isAscii, isUtf8 } from "node:buffer";
import { CsvSplitter, CsvSyntaxError } from "./csv";
import { arrowRecords } from "./arrow";
import {
  createDecoder,
  type DecodeFailure,
  decodeHead,
  decodeWindows1252,
  type Decoder,
  type Delimiter,
  detectDelimiter,
  readChunks,
  scanText,
  sniff,
  type TextEncoding,
  type TextScan,
  TextScanner,
} from "./decode";
import { SAVE_AS_CSV, SourceError } from "./source-error";

export { SourceError } from "./source-error";

/** A file's SHA-256 and its text scan (see scanText) from one read of it, for OpenOptions.scan. */
export async function fingerprintFile(file: string): Promise<{ sha256: string; scan: TextScan }> {
  const hash = createHash("sha256");
  const scanner = new TextScanner();
  for await (const chunk of readChunks(file)) {
    hash.update(chunk);
    scanner.push(chunk);
  }
  return { sha256: hash.digest("hex"), scan: scanner.result() };
}

export type SourceFormat =
  | { kind: "csv"; encoding: TextEncoding; bom: boolean; delimiter: Delimiter }
  | { kind: "arrow"; ipc: "file" | "stream" };

export interface CsvRecord {
  /** 1-based row number, the header being row 1 (what a spreadsheet shows). */
  row: number;
  cells: string[];
  /**
   * Only when reading with OpenOptions.varying: the rows right after this one that repeat it but
   * for the varying columns, as those columns' values in the order `varying` gave them (so k
   * values a row, rows row + 1, row + 2, …); null or absent for none.
   */
  repeats?: string[] | null;
}

export interface OpenedTable {
  format: SourceFormat;
  /** Batches of records; the first record of the first batch is the header. Throws SourceError mid-way (e.g. row limit, undecodable bytes). */
  records: AsyncGenerator<CsvRecord[]>;
  /** Bytes of the file consumed so far (for a progress bar). */
  bytesRead(): number;
  size: number;
}

export interface OpenOptions {
  /** Read as this whatever the file looks like (--layout arrow); otherwise detected. */
  format?: "csv" | "arrow";
  /** Data rows allowed (the header not counted); more is a SourceError. */
  maxRows?: number;
  /**
   * Read one column only: given the header's cells, the column to read. Each record after the
   * header is then that one cell, and a record equal to the one before it is left out (row
   * numbers and the row limit do not apply). Much quicker than reading whole rows.
   */
  column?: (header: string[]) => number;
  /** Given the header's cells, the columns that change on every row, if any (see CsvSplitter.varying). */
  varying?: (header: string[]) => number[] | null;
  /** The file's scanText answer, when a pass over it made one already (fingerprintFile): saves a read. */
  scan?: TextScan;
}

/** A legitimate row is well under a kilobyte: a longer one is an unclosed quote swallowing the file. */
const MAX_RECORD_BYTES = 1 << 20;
const HEAD_BYTES = 1 << 16;

/** Opens a trust export. `format` forces CSV or Arrow (from --layout arrow); otherwise detected. Throws SourceError. */
export async function openTable(file: string, options: OpenOptions = {}): Promise<OpenedTable> {
  const maxRows = options.maxRows ?? Infinity;
  const { size, head } = await readHead(file);
  const progress = { bytes: 0 };
  const bytesRead = () => Math.min(progress.bytes, size);
  if (size === 0) {
    const format: SourceFormat = options.format === "arrow" ? { kind: "arrow", ipc: "file" } : UTF8_COMMA;
    return { format, records: nothing(), bytesRead, size };
  }

  const signature = sniff(head);
  switch (signature) {
    case "excel-workbook":
      throw new SourceError(`the file is an Excel workbook, not a CSV file: open it in Excel and ${SAVE_AS_CSV}`);
    case "excel-97":
      throw new SourceError(`the file is an Excel 97-2003 workbook (.xls), not a CSV file: open it in Excel and ${SAVE_AS_CSV}`);
    case "zip":
      throw new SourceError(
        `the file is a ZIP archive, not a CSV file: unzip it and load the CSV files inside; if it is a spreadsheet, open it and ${SAVE_AS_CSV}`,
      );
  }
  const arrow = signature === "arrow-file" || signature === "arrow-stream";
  if (options.format === "arrow" && !arrow) {
    throw new SourceError("the file is not an Arrow IPC file: it starts with neither the Arrow file marker (ARROW1) nor the stream marker");
  }
  if (arrow) {
    if (options.format === "csv") throw new SourceError("the file is in Arrow IPC format, not CSV text: load it as Arrow (--layout arrow)");
    const ipc = signature === "arrow-file" ? "file" : "stream";
    return { format: { kind: "arrow", ipc }, records: options.column ? oneColumn(arrowRecords(file, Infinity, progress), options.column) : arrowRecords(file, maxRows, progress), bytesRead, size };
  }

  let encoding: TextEncoding;
  const bom = signature !== "none";
  if (options.column && (signature === "none" || signature === "utf-8-bom")) {
    // One column only (codes, in ASCII): no check of the whole file's encoding first; each chunk
    // is read as what it can be (see chunkText).
    const format = { kind: "csv", encoding: "utf-8", bom, delimiter: detectDelimiter(decodeHead(head, "utf-8", bom)) } as const;
    return { format, records: csvRecords(file, format, createDecoder("utf-8", bom, true), Infinity, progress, options), bytesRead, size };
  }
  if (signature === "utf-8-bom") encoding = "utf-8";
  else if (signature === "utf-16le-bom") encoding = "utf-16le";
  else if (signature === "utf-16be-bom") encoding = "utf-16be";
  else {
    const scan = options.scan ?? (await scanText(file));
    if (scan.nulAt >= 0) {
      throw new SourceError(
        "the file contains binary data (NUL bytes), so it is not a CSV text file: export the data again and " + SAVE_AS_CSV,
      );
    }
    encoding = scan.encoding;
  }
  const format = { kind: "csv", encoding, bom, delimiter: detectDelimiter(decodeHead(head, encoding, bom)) } as const;
  // Without a BOM the scan has checked every byte; with one, bytes are checked as they are read.
  const decoder = createDecoder(encoding, bom, !bom);
  return { format, records: csvRecords(file, format, decoder, options.column ? Infinity : maxRows, progress, options), bytesRead, size };
}

const UTF8_COMMA: SourceFormat = { kind: "csv", encoding: "utf-8", bom: false, delimiter: "," };

const ENCODING_NAMES: Record<TextEncoding, string> = {
  "utf-8": "UTF-8",
  "windows-1252": "Windows-1252",
  "utf-16le": "UTF-16 LE",
  "utf-16be": "UTF-16 BE",
};
const DELIMITER_NAMES: Record<Delimiter, string> = { ",": "comma", ";": "semicolon", "\t": "tab" };

/** E.g. "CSV, Windows-1252, semicolon-separated", "CSV, UTF-8 with BOM, comma-separated", "Arrow IPC file". */
export function describeFormat(f: SourceFormat): string {
  if (f.kind === "arrow") return `Arrow IPC ${f.ipc}`;
  // UTF-16 is only recognised by its BOM, so naming it there says nothing.
  const bom = f.bom && f.encoding === "utf-8" ? " with BOM" : "";
  return `CSV, ${ENCODING_NAMES[f.encoding]}${bom}, ${DELIMITER_NAMES[f.delimiter]}-separated`;
}

/** The records of a file (see openTable), for callers that need no more. */
export async function* readCsv(file: string): AsyncGenerator<CsvRecord[]> {
  yield* (await openTable(file)).records;
}

async function readHead(file: string): Promise<{ size: number; head: Buffer }> {
  let handle;
  try {
    const info = await stat(file);
    if (!info.isFile()) throw new SourceError(info.isDirectory() ? "this is a folder, not a file" : "this is not a regular file");
    handle = await open(file, "r");
    const size = (await handle.stat()).size;
    const head = Buffer.alloc(Math.min(size, HEAD_BYTES));
    await handle.read(head, 0, head.length, 0);
    return { size, head };
  } catch (error) {
    if (error instanceof SourceError) throw error;
    throw new SourceError(`the file cannot be opened (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  } finally {
    await handle?.close();
  }
}

async function* nothing(): AsyncGenerator<CsvRecord[]> {}

/**
 * Streams the file a chunk at a time: each chunk is decoded, split into records synchronously
 * (ingest/csv.ts), and its records yielded as one batch, so a batch costs one await however many
 * records it holds.
 */
async function* csvRecords(
  file: string,
  format: Extract<SourceFormat, { kind: "csv" }>,
  decoder: Decoder,
  maxRows: number,
  progress: { bytes: number },
  { column, varying }: Pick<OpenOptions, "column" | "varying">,
): AsyncGenerator<CsvRecord[]> {
  const splitter = new CsvSplitter(format.delimiter, MAX_RECORD_BYTES);
  // The decoder hands over checked UTF-8: this only turns it into text.
  const utf8 = new TextDecoder("utf-8");
  const records: string[][] = [];
  // Varying mode: each record's repeating rows (CsvSplitter.push), and the values per row.
  const runs: (string[] | null)[] | undefined = varying ? [] : undefined;
  let perRow = 1;
  let row = 0;
  let dataRows = 0;
  let header = false;

  const takeRecords = (): CsvRecord[] => {
    const batch: CsvRecord[] = [];
    for (let i = 0; i < records.length; i++) {
      const cells = records[i];
      const repeats = runs?.[i] ?? null;
      const repeated = repeats === null ? 0 : repeats.length / perRow;
      row++;
      if (isBlank(cells)) {
        row += repeated;
        continue;
      }
      if (!header) {
        header = true;
        const columns = varying?.(cells) ?? null;
        splitter.varying = columns;
        perRow = columns?.length || 1;
        if (column) {
          // The rest of this text was split whole: keep only the column of those records.
          const at = column(cells);
          const rest = oneColumnOf(records.slice(i + 1), at);
          records.length = i + 1;
          records.push(...rest);
          splitter.column = at;
          splitter.last = rest.length ? rest[rest.length - 1][0] : null;
        }
      } else if ((dataRows += 1 + repeated) > maxRows) {
        const over = row + (maxRows - (dataRows - 1 - repeated)); // the first row past the limit
        throw new SourceError(`the file has more than ${maxRows.toLocaleString("en-GB")} rows; the limit is ${maxRows.toLocaleString("en-GB")} (raise it with --max-rows or INGEST_MAX_ROWS, or split the file)`, over);
      }
      batch.push(repeats === null ? { row, cells } : { row, cells, repeats });
      row += repeated;
    }
    records.length = 0;
    if (runs) runs.length = 0;
    return batch;
  };
  /** Splits text into `records`; a syntax error is in the record after those already there. */
  // Text goes to the splitter cut at the chunk's last line end, the rest of the line carried over as
  // bytes: a partial line carried over as text would be joined to the next chunk's, and V8
  // searches such a two-part string several times more slowly.
  let carry: Buffer | null = null;
  // True while the UTF-8 decoder holds part of a character (only after a piece not cut at a line end).
  let midCharacter = false;
  const text = (data: Buffer, final: boolean, whole: boolean): string => {
    if (column) return chunkText(data);
    // ASCII, the usual case, reads three times faster as Latin-1, to the same text.
    if (!midCharacter && whole && data.length < LATIN1_MAX && isAscii(data)) return data.toString("latin1");
    midCharacter = !whole && !final;
    return utf8.decode(data, { stream: !final });
  };
  const split = (bytes: Buffer, final: boolean): SourceError | null => {
    if (carry?.length) {
      // The carried part of a line is joined with the rest of that line only: joining it to the
      // whole piece copied every byte of the file once more.
      const lf = final ? -1 : bytes.indexOf(10);
      const joined = Buffer.concat([carry, lf >= 0 ? bytes.subarray(0, lf + 1) : bytes]);
      carry = null;
      if (lf < 0) return splitText(joined, final);
      const error = splitText(joined, false);
      if (error) return error;
      bytes = bytes.subarray(lf + 1);
    }
    return splitText(bytes, final);
  };
  const splitText = (bytes: Buffer, final: boolean): SourceError | null => {
    let data = bytes;
    carry = null;
    let whole = true; // data ends at a line end or the file's end: no character is cut
    if (!final) {
      const cut = data.lastIndexOf(10) + 1;
      // No line feed at all (lines ended by CR alone, or a very long line): the splitter carries it.
      if (cut > 0 || data.length < MAX_RECORD_BYTES) {
        carry = data.subarray(cut);
        data = data.subarray(0, cut);
      } else whole = false;
    }
    try {
      splitter.push(text(data, final, whole), final, records, runs);
      return null;
    } catch (error) {
      if (!(error instanceof CsvSyntaxError)) throw error;
      takeRecords();
      return new SourceError(parseMessage(error, row + 1), row + 1);
    }
  };
  // Records before the undecodable byte are complete; the byte is in the record after them.
  const decodeFailure = (failure: DecodeFailure) => {
    takeRecords();
    const at = row + 1;
    return new SourceError(decodeMessage(failure, at, format.encoding), failure === "odd-length" ? undefined : at);
  };

  for await (const chunk of readChunks(file, (n) => (progress.bytes += n))) {
    const decoded = decoder.push(chunk);
    const error = split(decoded.bytes, false);
    if (error) throw error;
    if (decoded.failure) throw decodeFailure(decoded.failure);
    const batch = takeRecords();
    if (batch.length) yield batch;
  }
  const last = decoder.end();
  if (last.failure) {
    const error = split(last.bytes, false);
    throw error ?? decodeFailure(last.failure);
  }
  const error = split(last.bytes, true);
  if (error) throw error;
  const batch = takeRecords();
  if (batch.length) yield batch;
}

/** Node makes Latin-1 text of a longer buffer an external string, which V8 searches slowly. */
const LATIN1_MAX = 1_000_000;

/**
 * Text of a piece of a file read for one column (OpenOptions.column), whose encoding was not
 * checked: ASCII as it is, else UTF-8 when the piece is valid UTF-8, else Windows-1252. Only the
 * non-ASCII characters of a piece can differ from a full read, and codes are ASCII.
 */
function chunkText(data: Buffer): string {
  if (data.length < LATIN1_MAX && isAscii(data)) return data.toString("latin1");
  if (isUtf8(data)) return data.toString("utf8");
  return decodeWindows1252(data);
}

/** Records reduced to one column, leaving out each equal to the one before. */
function oneColumnOf(records: string[][], at: number): string[][] {
  const out: string[][] = [];
  let last: string | null = null;
  for (const cells of records) {
    const value = cells[at] ?? "";
    if (value !== last) out.push([value]);
    last = value;
  }
  return out;
}

/** An Arrow file's records after the header reduced to one column (see OpenOptions.column). */
async function* oneColumn(records: AsyncGenerator<CsvRecord[]>, column: (header: string[]) => number): AsyncGenerator<CsvRecord[]> {
  let at = -1;
  for await (const batch of records) {
    if (at < 0) {
      at = column(batch[0].cells);
      yield [batch[0], ...oneColumnOf(batch.slice(1).map((r) => r.cells), at).map((cells) => ({ row: 0, cells }))];
    } else {
      yield oneColumnOf(batch.map((r) => r.cells), at).map((cells) => ({ row: 0, cells }));
    }
  }
}

function isBlank(cells: string[]): boolean {
  for (const cell of cells) if (cell !== "" && cell.trim() !== "") return false;
  return true;
}

function decodeMessage(failure: DecodeFailure, row: number, encoding: TextEncoding): string {
  switch (failure) {
    case "nul":
      return `row ${row} contains binary data (a NUL character), so the file is not a CSV text file: export the data again and ${SAVE_AS_CSV}`;
    case "not-utf-8":
      return `row ${row} holds bytes that are not UTF-8, although the file starts with the UTF-8 byte-order mark: open the file in Excel and ${SAVE_AS_CSV}`;
    case "odd-length":
      return `the file is marked as ${ENCODING_NAMES[encoding]} text but ends in half a character (an odd number of bytes), so it is cut short or damaged: export it again`;
    case "unpaired-surrogate":
      return `row ${row} holds a broken ${ENCODING_NAMES[encoding]} character (half of a surrogate pair), so the file is damaged: export it again`;
  }
}

const STRAY_QUOTE = 'check that row for a stray double quote (")';

function parseMessage(error: Error, row: number): string {
  switch ((error as { code?: string }).code) {
    case "CSV_QUOTE_NOT_CLOSED":
      return `a quoted field that starts on row ${row} is never closed: ${STRAY_QUOTE}`;
    case "CSV_MAX_RECORD_SIZE":
      return `row ${row} is longer than ${MAX_RECORD_BYTES >> 20} MB, so a quoted field is probably never closed: ${STRAY_QUOTE}`;
    case "CSV_INVALID_CLOSING_QUOTE":
      return `row ${row} has text straight after the closing double quote of a field: a double quote inside a quoted field must be written twice ("")`;
    case "INVALID_OPENING_QUOTE":
    case "CSV_INVALID_OPENING_QUOTE":
      return `row ${row} has a double quote (") inside a field that is not in quotes: put the whole field in double quotes and write the quote twice (""), or remove it`;
    default:
      return `row ${row} cannot be read as CSV (${error.message})`;
  }
}
