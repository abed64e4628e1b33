// Reading a trust's file: its content hash, and its rows as arrays of cells with row numbers.
import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import { parse } from "csv-parse";

export async function hashFile(file: string): Promise<string> {
  const hash = createHash("sha256");
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest("hex");
}

export interface CsvRecord {
  /** 1-based row number, the header being row 1 (what a spreadsheet shows). */
  row: number;
  cells: string[];
}

/**
 * Streams a UTF-8 CSV (with or without BOM, CRLF or LF; blank lines skipped) in batches of
 * records: draining the parser synchronously costs a fraction of one await per record.
 */
export async function* readCsv(file: string): AsyncGenerator<CsvRecord[]> {
  const parser = createReadStream(file, { highWaterMark: 1 << 20 }).pipe(
    parse({ bom: true, relax_column_count: true, skip_empty_lines: true }),
  );
  let row = 0;
  let failure: Error | null = null;
  let ended = false;
  parser.on("error", (error) => (failure = error));
  parser.on("end", () => (ended = true));
  for (;;) {
    const batch: CsvRecord[] = [];
    for (let cells = parser.read(); cells !== null; cells = parser.read()) batch.push({ row: ++row, cells });
    if (failure) throw failure;
    if (batch.length) {
      yield batch;
      continue;
    }
    if (ended) return;
    await new Promise<void>((resolve) => {
      const done = () => {
        parser.off("readable", done).off("end", done).off("error", done);
        resolve();
      };
      parser.on("readable", done).on("end", done).on("error", done);
    });
  }
}
