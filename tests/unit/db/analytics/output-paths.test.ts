// Every output path (pages, API, exports, CLI) publishes through queryGaps, queryFunnel or
// queryPriorities, which apply suppression and rounding. The exact sums (queryCells, gap-sql,
// attainment sums, strata, the rollup tables) stay inside the query layer.
import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const file = path.join(dir, name);
    if (statSync(file).isDirectory()) return sources(file);
    return /\.(ts|tsx)$/.test(name) ? [file] : [];
  });
}

describe("output paths", () => {
  const files = [...sources("app"), ...sources("scripts")];

  it("finds the app's and the scripts' sources", () => {
    expect(files).toContain(path.join("app", "routes", "api.gaps.ts"));
    expect(files).toContain(path.join("scripts", "gaps.ts"));
  });

  it.each(files)("%s does not read unpublished cells", (file) => {
    const text = readFileSync(file, "utf8");
    expect(text).not.toMatch(/\bqueryCells\b/);
    expect(text).not.toMatch(/analytics\/gap-sql/);
    expect(text).not.toMatch(/\battainmentCells\b/);
    expect(text).not.toMatch(/\battainmentSql\b/);
    expect(text).not.toMatch(/\bstrataOf\b/);
    // No SQL of their own over the rows the published figures are summed from (benchmarks time
    // such SQL as their baseline and publish no figures).
    if (!path.basename(file).startsWith("bench-")) expect(text).not.toMatch(/\b(from|join)\s+(rollup_cells|rollups|capability_rollups|attainment_rollups|crosswalk_rollups|crosswalk_cells|ratings|respondents)\b/i);
  });
});
