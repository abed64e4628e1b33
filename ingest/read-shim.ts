// TEMPORARY stand-in for openTable until ingest/read.ts provides it.
import { statSync } from "node:fs";
import { type CsvRecord, readCsv } from "./read";

export class SourceError extends Error {}
export type SourceFormat = { kind: "csv"; encoding: "utf-8"; bom: boolean; delimiter: "," } | { kind: "arrow"; ipc: "file" | "stream" };
export interface OpenedTable {
  format: SourceFormat;
  records: AsyncGenerator<CsvRecord[]>;
  bytesRead(): number;
  size: number;
}
export async function openTable(file: string, _options: { format?: "csv" | "arrow"; maxRows?: number } = {}): Promise<OpenedTable> {
  return { format: { kind: "csv", encoding: "utf-8", bom: false, delimiter: "," }, records: readCsv(file), bytesRead: () => 0, size: statSync(file).size };
}
export function describeFormat(_f: SourceFormat): string {
  return "CSV, UTF-8, comma-separated";
}
