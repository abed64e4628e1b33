// Which organisations each file of a run holds, read before any file is staged: the rule "two
// files in one run for the same organisation and wave are both rejected" must be settled before
// the first file loads, so that loading can overlap with reading the next file (decision 013).
// Only the organisation column is read, which costs a fraction of staging.
import path from "node:path";
import { type Layout, mapHeader } from "./layouts/header";
import type { Profile } from "./profile";
import { openTable, SourceError } from "./read";
import { organisationCodeOf } from "./validate";
import type { Vocabulary } from "./vocabulary";

export interface PrescanOptions {
  profile: Profile;
  layout?: Layout | null;
  format?: "csv" | "arrow";
  /** From the run's Vocabulary: what the header may name. */
  capabilities: Vocabulary["capabilities"];
  frameworkVersion: string;
}

/**
 * The organisation codes in a file. Empty when the file cannot be read or its header is wrong:
 * staging then rejects it with the reason, and a rejected file clashes with nothing.
 */
export async function organisationsIn(file: string, options: PrescanOptions): Promise<Set<string>> {
  const found = new Set<string>();
  try {
    let usable = true;
    const source = await openTable(file, {
      format: options.format,
      column: (header) => {
        const mapped = mapHeader(header, {
          file: path.basename(file),
          profile: options.profile,
          capabilities: options.capabilities,
          frameworkVersion: options.frameworkVersion,
          layout: options.layout,
        });
        usable = "plan" in mapped;
        return "plan" in mapped ? mapped.plan.at.organisation_code : 0;
      },
    });
    let header = true;
    for await (const batch of source.records) {
      if (!usable) return new Set();
      for (const record of batch) {
        if (header) {
          header = false;
          continue;
        }
        const code = organisationCodeOf(record.cells[0]);
        if (code) found.add(code);
      }
    }
  } catch (error) {
    if (error instanceof SourceError) return new Set();
    throw error;
  }
  return found;
}

/** The organisations of each file, in turn. */
export async function organisationsOfFiles(files: string[], options: PrescanOptions): Promise<Map<string, Set<string>>> {
  const found = new Map<string, Set<string>>();
  for (const file of files) found.set(file, await organisationsIn(file, options));
  return found;
}

/** For each file, the other files of the run that hold one of its organisations, by organisation. */
export function clashes(organisations: Map<string, Set<string>>): Map<string, Map<string, string[]>> {
  const filesOf = new Map<string, string[]>();
  for (const [file, codes] of organisations) for (const code of codes) filesOf.set(code, [...(filesOf.get(code) ?? []), file]);
  const result = new Map<string, Map<string, string[]>>();
  for (const [file, codes] of organisations) {
    const others = new Map<string, string[]>();
    for (const code of [...codes].sort()) {
      const elsewhere = filesOf.get(code)!.filter((f) => f !== file);
      if (elsewhere.length) others.set(code, elsewhere);
    }
    if (others.size) result.set(file, others);
  }
  return result;
}
