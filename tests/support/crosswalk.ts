// The crosswalk test fixture (tests/fixtures/crosswalk/README.md): a later framework version
// derived from the bundled one, the crosswalk file between them, and exports on the later version.
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parse } from "csv-parse/sync";
import type { Sql } from "../../db/client";
import { importFramework, readFrameworkFiles } from "../../db/framework";

export const EARLIER_VERSION = "ai-dht-2023-illustrative";
export const LATER_VERSION = "ai-dht-2025-test";
export const FIXTURE_DIR = fileURLToPath(new URL("../fixtures/crosswalk/", import.meta.url));
export const PAIRS_FILE = path.join(FIXTURE_DIR, "pairs.csv");

export async function importLaterVersion(db: Sql): Promise<void> {
  const dir = path.join(FIXTURE_DIR, LATER_VERSION);
  await importFramework(db, { version: LATER_VERSION, title: "Derived test version", framework: readFrameworkFiles(`${dir}/nodes.csv`, `${dir}/capabilities.csv`) });
}

/**
 * The 1:1 pairs of pairs.csv, worked out here independently of the import: the codes with the same
 * level and badges in both versions, less 6-01 (split), plus the file's three other pairs.
 */
export function expectedPairs(): [string, string][] {
  const read = (file: string) =>
    new Map((parse(readFileSync(file), { columns: true }) as { code: string; level: string; archetypes: string }[]).map((c) => [c.code, `${c.level}/${c.archetypes}`]));
  const earlier = read(fileURLToPath(new URL(`../../db/framework/${EARLIER_VERSION}/capabilities.csv`, import.meta.url)));
  const later = read(path.join(FIXTURE_DIR, LATER_VERSION, "capabilities.csv"));
  const same = [...earlier].filter(([code, facts]) => later.get(code) === facts && code !== "6-01").map(([code]) => [code, code] as [string, string]);
  return [...same, ["6-05", "6-05a"], ["6.2-09", "6.2-09"], ["6-02", "6-02"]];
}

/**
 * The later version's exports: each file of an earlier wave (long layout) with its capabilities
 * renamed and split as the later version has them, 6-06 dropped and the dates three months on
 * (the earlier wave's months are June and July).
 */
export function laterVersionFiles(files: string[]): string[] {
  const dir = mkdtempSync(path.join(os.tmpdir(), "capgap-crosswalk-"));
  return files.map((file) => {
    const [header, ...lines] = readFileSync(file, "utf8").trimEnd().split("\n");
    const column = (name: string) => header.split(",").indexOf(name);
    const [at, code, rating] = [column("assessed_on"), column("capability_code"), column("rating")];
    const out = [header];
    for (const line of lines) {
      const cells = line.split(",");
      cells[at] = cells[at].replace(/-(\d{2})-/, (_, m: string) => `-${String(Number(m) + 3).padStart(2, "0")}-`);
      const row = (c: string, r: string) => cells.map((v, i) => (i === code ? c : i === rating ? r : v)).join(",");
      if (cells[code] === "6-06") continue;
      out.push(row(cells[code] === "6-05" ? "6-05a" : cells[code], cells[rating]));
      if (cells[code] === "6-01") out.push(row("6-01b", String((Number(cells[rating]) + 2) % 5)));
    }
    const target = path.join(dir, path.basename(file));
    writeFileSync(target, `${out.join("\n")}\n`);
    return target;
  });
}
