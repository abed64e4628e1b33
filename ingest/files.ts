// Which files a run names: files as given, folders expanded to their .csv files in name order.
import { existsSync, readdirSync, statSync } from "node:fs";
import path from "node:path";
import { InputError } from "../db/problems";

/** A folder written by `npm run generate` holds this marker: its files are synthetic. */
export const SYNTHETIC_MARKER = "SYNTHETIC.json";

export function expandInputs(inputs: string[]): string[] {
  const files: string[] = [];
  for (const input of inputs) {
    if (!existsSync(input)) throw new InputError(`${input}: no such file or folder.`);
    if (statSync(input).isDirectory()) {
      const found = readdirSync(input)
        .filter((f) => f.toLowerCase().endsWith(".csv"))
        .sort()
        .map((f) => path.join(input, f));
      if (found.length === 0) throw new InputError(`${input}: the folder holds no .csv files.`);
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
