// Which files a run names: files as given, folders expanded to their export files in name order.
import { existsSync, readdirSync, statSync } from "node:fs";
import path from "node:path";
import { InputError } from "../db/problems";

/** A folder written by `npm run generate` holds this marker: its files are synthetic. */
export const SYNTHETIC_MARKER = "SYNTHETIC.json";

/**
 * Extensions taken from a folder: CSV and Excel's text exports, Arrow IPC, and Excel workbooks
 * (read only to be refused with advice, rather than silently skipped).
 */
export const EXPORT_EXTENSIONS = [".csv", ".tsv", ".txt", ".arrow", ".arrows", ".feather", ".ipc", ".xlsx", ".xls"];

export function expandInputs(inputs: string[]): string[] {
  const files: string[] = [];
  for (const input of inputs) {
    if (!existsSync(input)) throw new InputError(`${input}: no such file or folder.`);
    if (statSync(input).isDirectory()) {
      const found = readdirSync(input)
        .filter((f) => EXPORT_EXTENSIONS.includes(path.extname(f).toLowerCase()))
        .sort()
        .map((f) => path.join(input, f));
      if (found.length === 0) throw new InputError(`${input}: the folder holds no export files (${EXPORT_EXTENSIONS.join(", ")}).`);
      files.push(...found);
    } else {
      files.push(input);
    }
  }
  return [...new Set(files.map((f) => path.resolve(f)))];
}

export function isMarkedSynthetic(file: string): boolean {
  const dir = path.dirname(path.resolve(file));
  return existsSync(path.join(dir, SYNTHETIC_MARKER)) || existsSync(path.join(path.dirname(dir), SYNTHETIC_MARKER));
}
