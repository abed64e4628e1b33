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

/** Streams a UTF-8 CSV (with or without BOM, CRLF or LF); blank lines are skipped. */
export async function* readCsv(file: string): AsyncGenerator<CsvRecord> {
  const parser = createReadStream(file).pipe(
    parse({ bom: true, relax_column_count: true, skip_empty_lines: true }),
  );
  let row = 0;
  for await (const cells of parser as AsyncIterable<string[]>) {
    row++;
    yield { row, cells };
  }
}
