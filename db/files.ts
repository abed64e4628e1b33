// Small helpers for the CSV files shipped inside the project (reference data, bundled framework).
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { parse } from "csv-parse/sync";

/** Absolute path of a file shipped under db/. */
export function dbPath(...parts: string[]): string {
  return fileURLToPath(new URL(["."].concat(parts).join("/"), import.meta.url));
}

export function readCsvRecords(file: string): Record<string, string>[] {
  return parse(readFileSync(file), { columns: true, bom: true, skip_empty_lines: true, trim: true });
}

export function sha256(...parts: (string | Buffer)[]): string {
  const hash = createHash("sha256");
  for (const part of parts) hash.update(part);
  return hash.digest("hex");
}
