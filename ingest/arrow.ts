// Arrow IPC exports (pandas, R, DuckDB, Polars) read as rows of text cells, so they go through the
// same checks as CSV. The file is read a record batch at a time (random access for the file
// format, sequentially for the stream format): memory follows the largest batch, not the file.
import type { FileHandle } from "node:fs/promises";
import { open } from "node:fs/promises";
import { CompressionType, compressionRegistry, DataType, Precision, RecordBatchReader, type Vector } from "apache-arrow";
import lz4 from "lz4js";
import type { CsvRecord } from "./read";
import { SourceError } from "./source-error";

// pandas' and R's write_feather compress with LZ4 by default: apache-arrow reads it once given a
// codec (each buffer is one LZ4 frame). lz4js is pure JavaScript, so nothing native to install.
// ZSTD stays refused with advice: Node 20's zlib has no zstd, and without an encoder a decoder could
// not be tested against real compressed batches.
compressionRegistry.set(CompressionType.LZ4_FRAME, {
  encode: (data: Uint8Array) => lz4.compress(data),
  decode: (data: Uint8Array) => lz4.decompress(data),
});

/** Rows per yielded batch: a writer may put a whole table in one record batch. */
const ROWS_PER_BATCH = 8192;
const DAY_MS = 86_400_000;

type Format = (value: unknown) => string;

/** Header (field names) as row 1, then each record as text cells, row 2 onwards. */
export async function* arrowRecords(file: string, maxRows: number, progress: { bytes: number }): AsyncGenerator<CsvRecord[]> {
  const handle = await open(file, "r");
  try {
    const reader = await asSourceError(async () => {
      const r = await RecordBatchReader.from(counting(handle, progress));
      return r.open();
    });
    const fields = reader.schema.fields;
    const formats = fields.map((f) => formatFor(f.type, f.name));
    yield [{ row: 1, cells: fields.map((f) => f.name) }];

    let row = 1;
    const batches = reader[Symbol.asyncIterator]();
    for (;;) {
      const next = await asSourceError(() => batches.next());
      if (next.done) break;
      const batch = next.value;
      const columns = fields.map((_, i) => batch.getChildAt(i) as Vector);
      for (let start = 0; start < batch.numRows; start += ROWS_PER_BATCH) {
        const end = Math.min(batch.numRows, start + ROWS_PER_BATCH);
        if (row - 1 + (end - start) > maxRows) {
          throw new SourceError(`the file has more than ${maxRows.toLocaleString("en-GB")} rows; the limit is ${maxRows.toLocaleString("en-GB")} (raise it with --max-rows or INGEST_MAX_ROWS, or split the file)`, maxRows + 2);
        }
        const records: CsvRecord[] = [];
        for (let i = start; i < end; i++) {
          const cells = new Array<string>(columns.length);
          for (let c = 0; c < columns.length; c++) cells[c] = formats[c](columns[c].get(i));
          records.push({ row: ++row, cells });
        }
        yield records;
      }
    }
  } finally {
    await handle.close().catch(() => {}); // the reader may have closed it already
  }
}

async function asSourceError<T>(step: () => Promise<T>): Promise<T> {
  try {
    return await step();
  } catch (error) {
    if (error instanceof SourceError) throw error;
    const message = (error as Error).message ?? String(error);
    if (/compressed/i.test(message)) {
      throw new SourceError(
        "the Arrow file is compressed with ZSTD, which cannot be read here: write it uncompressed or with LZ4 " +
          '(pandas: to_feather(path, compression="uncompressed"); R: write_feather(df, path, compression = "uncompressed"))',
      );
    }
    throw new SourceError(`the Arrow IPC file cannot be read (${message}): it may be cut short or damaged; export it again`);
  }
}

/** The reader's file handle, counting the bytes it reads for the progress bar (the reader calls only these). */
function counting(handle: FileHandle, progress: { bytes: number }): FileHandle {
  const counted = {
    fd: handle.fd,
    stat: () => handle.stat(),
    close: () => handle.close(),
    read: async (buffer: Uint8Array, offset: number, length: number, position: number) => {
      const result = await handle.read(buffer, offset, length, position);
      progress.bytes += result.bytesRead;
      return result;
    },
  };
  return counted as unknown as FileHandle;
}

/** How a column's values become cells; a type that has no single text form is refused, naming the column. */
function formatFor(type: DataType, column: string): Format {
  if (DataType.isDictionary(type)) return formatFor(type.dictionary, column);
  if (DataType.isNull(type)) return () => "";
  if (DataType.isUtf8(type) || DataType.isLargeUtf8(type) || DataType.isUtf8View(type)) return (v) => (v == null ? "" : (v as string));
  if (DataType.isInt(type)) return (v) => (v == null ? "" : String(v)); // number, or bigint for 64-bit
  if (DataType.isBool(type)) return (v) => (v == null ? "" : v ? "true" : "false");
  if (DataType.isFloat(type)) {
    // pandas writes a missing number as NaN; single precision is printed as its shortest exact form (0.1, not 0.10000000149011612).
    const text = type.precision === Precision.DOUBLE ? String : type.precision === Precision.SINGLE ? shortestSingle : (n: number) => String(Number(n.toPrecision(5)));
    return (v) => (v == null || Number.isNaN(v) ? "" : text(v as number));
  }
  if (DataType.isDecimal(type)) {
    const scale = type.scale;
    return (v) => (v == null ? "" : decimalText(String(v), scale));
  }
  if (DataType.isDate(type)) return (v) => (v == null ? "" : isoDate(v as number));
  if (DataType.isTimestamp(type)) {
    // Values are milliseconds since the epoch in UTC (a time zone in the type only says how to display them).
    return (v) => {
      if (v == null) return "";
      const ms = v as number;
      return ms % DAY_MS === 0 ? isoDate(ms) : isoDateTime(ms);
    };
  }
  throw new SourceError(
    `column "${column}" holds Arrow type ${String(type)}, which has no single text form: export it as text, whole or decimal numbers, true/false or dates`,
  );
}

function isoDate(ms: number): string {
  const d = new Date(ms);
  return Number.isNaN(d.getTime()) ? String(ms) : d.toISOString().slice(0, 10);
}

function isoDateTime(ms: number): string {
  const d = new Date(ms);
  return Number.isNaN(d.getTime()) ? String(ms) : d.toISOString().slice(0, 19);
}

function shortestSingle(n: number): string {
  if (!Number.isFinite(n)) return String(n);
  for (let p = 1; p < 9; p++) {
    const shorter = Number(n.toPrecision(p));
    if (Math.fround(shorter) === n) return String(shorter);
  }
  return String(n);
}

/** An unscaled decimal integer with its scale applied, without trailing zeros: 300 at scale 2 is "3". */
function decimalText(unscaled: string, scale: number): string {
  if (scale <= 0) return scale === 0 || unscaled === "0" ? unscaled : unscaled + "0".repeat(-scale);
  const negative = unscaled.startsWith("-");
  const digits = (negative ? unscaled.slice(1) : unscaled).padStart(scale + 1, "0");
  const whole = digits.slice(0, -scale);
  const fraction = digits.slice(-scale).replace(/0+$/, "");
  return (negative ? "-" : "") + whole + (fraction ? `.${fraction}` : "");
}
