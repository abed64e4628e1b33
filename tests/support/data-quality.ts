// A corrected export for the data-quality tests: one organisation's latest fixture file with
// respondents who straight-line, who rated nothing required of them, or nothing at all.
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { parse } from "csv-parse/sync";
import { inject } from "vitest";
import type { Sql } from "../../db/client";
import { FIXTURE_WAVES } from "./fixture";

/**
 * The fixture's latest file for an organisation, rewritten wide with: 15 respondents straight-lining
 * (every rating 2), 12 keeping only ratings of capabilities not badged for their archetype (an
 * empty row if they had none), one keeping a single rating, and one more respondent with no rating.
 */
export async function correctedFile(db: Sql, organisation: string): Promise<string> {
  const badges = new Map(
    (await db.query<{ code: string; archetypes: string }>("select code, archetypes from capabilities order by sort_order")).map((c) => [c.code, c.archetypes]),
  );
  const source = inject("fixtureFiles")[FIXTURE_WAVES[1].label].find((f) => path.basename(f) === `${organisation}.csv`)!;
  const rows = parse(readFileSync(source), { columns: true }) as Record<string, string>[];
  const people = new Map<string, { attributes: Record<string, string>; ratings: Map<string, string> }>();
  for (const r of rows) {
    const p = people.get(r.respondent_id) ?? people.set(r.respondent_id, { attributes: r, ratings: new Map() }).get(r.respondent_id)!;
    p.ratings.set(r.capability_code, r.rating);
  }
  const list = [...people.values()];
  list.forEach((p, i) => {
    const archetype = p.attributes.archetype[0].toUpperCase(); // "user" → U, …
    if (i < 15) for (const code of p.ratings.keys()) p.ratings.set(code, "2");
    else if (i < 27) for (const code of [...p.ratings.keys()]) if (badges.get(code)!.includes(archetype)) p.ratings.delete(code);
    else if (i === 27) for (const code of [...p.ratings.keys()].slice(1)) p.ratings.delete(code);
  });
  list.push({ attributes: { ...list[0].attributes, respondent_id: "EMPTY-ROW" }, ratings: new Map() });
  const codes = [...badges.keys()];
  const attributes = ["respondent_id", "organisation_code", "staff_group", "archetype", "assessed_on", "band"];
  const lines = [[...attributes, ...codes].join(",")];
  for (const p of list) lines.push([...attributes.map((a) => p.attributes[a]), ...codes.map((c) => p.ratings.get(c) ?? "")].join(","));
  const file = path.join(mkdtempSync(path.join(os.tmpdir(), "capgap-data-quality-")), `${organisation}-corrected.csv`);
  writeFileSync(file, `${lines.join("\n")}\n`);
  return file;
}
