// The command-line entry points, run as child processes on a copy of the fixture (embedded
// database in a temporary DATA_DIR): exit codes, stdout data, stderr messages.
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { tableFromIPC } from "apache-arrow";
import { beforeAll, describe, expect, inject, it } from "vitest";
import { EARLIER_VERSION, FIXTURE_DIR, LATER_VERSION, PAIRS_FILE } from "../support/crosswalk";
import { fixtureDataDir } from "../support/databases";
import { FIXTURE_WAVES } from "../support/fixture";
import { runScript, runScriptBytes } from "../support/processes";

const LATEST = FIXTURE_WAVES[1].label;

describe("command-line entry points", () => {
  let env: Record<string, string>;
  beforeAll(async () => {
    env = { DATA_DIR: await fixtureDataDir() };
  });

  it("gaps prints CSV to stdout and a summary to stderr", () => {
    const run = runScript("gaps", ["--by", "region,domain"], env);
    expect(run.status).toBe(0);
    const [header, ...rows] = run.stdout.trimEnd().split("\r\n");
    expect(header).toBe("region,region_name,domain,domain_name,respondents,required,met,gap_rate,suppressed,ci_low,ci_high");
    expect(rows).toHaveLength(3 * 6);
    expect(run.stderr).toContain(`wave ${LATEST}`);
  });

  it("gaps --format json carries the metadata, including synthetic", () => {
    const run = runScript("gaps", ["--by", "staff_group", "--organisation", "RAL", "--format", "json"], env);
    expect(run.status).toBe(0);
    const json = JSON.parse(run.stdout);
    expect(json.meta).toMatchObject({ synthetic: true, waves: [LATEST], filters: { organisation: "RAL" }, suppression: { k: 10 } });
    expect(json.rows.length).toBeGreaterThan(0);
    expect(Object.keys(json.rows[0])).toEqual(["staff_group", "staff_group_name", "respondents", "required", "met", "gap_rate", "suppressed", "ci_low", "ci_high"]);
  });

  it("gaps --compare-to adds the change since an earlier wave and says what was compared", () => {
    const run = runScript("gaps", ["--by", "domain", "--compare-to", FIXTURE_WAVES[0].label], env);
    expect(run.status).toBe(0);
    const [header, ...rows] = run.stdout.trimEnd().split("\r\n");
    expect(header.endsWith(",compare_gap_rate,change,change_ci_low,change_ci_high,change_flag")).toBe(true);
    expect(rows).toHaveLength(6);
    expect(run.stderr).toContain(`change since ${FIXTURE_WAVES[0].label}, over the`);
    const refused = runScript("gaps", ["--by", "domain", "--unmatched"], env);
    expect(refused.status).toBe(2);
    expect(refused.stderr).toContain("--unmatched applies to a comparison");
  });

  it("gaps --format arrow writes an Arrow IPC stream with the metadata in its schema", () => {
    const table = tableFromIPC(runScriptBytes("gaps", ["--by", "level", "--format", "arrow"], env));
    expect(table.numRows).toBe(4);
    expect(table.schema.metadata.get("synthetic")).toBe("true");
  });

  it("gaps --attainment adds attained levels to a table by domain, typed in Arrow, and is refused at other grains", () => {
    const table = tableFromIPC(runScriptBytes("gaps", ["--by", "archetype,domain", "--attainment", "--format", "arrow"], env));
    expect(table.schema.fields.slice(-3).map((f) => [f.name, String(f.type)])).toEqual([
      ["below_expected_share", "Float64"],
      ["below_expected_ci_low", "Float64"],
      ["below_expected_ci_high", "Float64"],
    ]);
    expect(String(table.schema.fields.find((f) => f.name === "placed")!.type)).toBe("Int32");
    const published = table.toArray().filter((r) => !r.suppressed);
    expect(published.length).toBeGreaterThan(0);
    expect(published.every((r) => r.placed >= 10 && r.expected_level >= 1)).toBe(true);
    const refused = runScript("gaps", ["--by", "level", "--attainment"], env);
    expect(refused.status).toBe(2);
    expect(refused.stderr).toContain("Attained levels are per domain");
  });

  it("gaps refuses a request it cannot answer with exit code 2", () => {
    const run = runScript("gaps", ["--by", "domain,capability"], env);
    expect(run.status).toBe(2);
    expect(run.stderr).toContain("at most one framework grouping");
    expect(run.stdout).toBe("");
  });

  it("ingest rejects a bad file with exit code 1, naming file, row and column", () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "capgap-cli-"));
    const source = inject("fixtureFiles")[LATEST].find((f) => f.endsWith("/RDE.csv"))!;
    const lines = readFileSync(source, "utf8").split("\n");
    lines[5] = lines[5].replace(/,\d{4}-\d{2}-\d{2},/, ",31/06/2026,");
    writeFileSync(path.join(dir, "RDE.csv"), lines.join("\n"));
    const run = runScript("ingest", [dir, "--wave", LATEST], env);
    expect(run.status).toBe(1);
    expect(run.stderr).toContain("RDE.csv, row 6, column assessed_on: \"31/06/2026\" is not a date; expected YYYY-MM-DD");
    expect(run.stderr).toContain("0 loaded, 0 already loaded, 1 rejected.");
  });

  it("ingest --dry-run validates without loading; --report lists every problem", () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "capgap-cli-"));
    const source = inject("fixtureFiles")[LATEST].find((f) => f.endsWith("/RKE.csv"))!;
    const lines = readFileSync(source, "utf8").trimEnd().split("\n");
    const good = path.join(dir, "good", "RKE.csv");
    mkdirSync(path.dirname(good));
    writeFileSync(good, [lines[0], ...lines.slice(1).map((l) => l.replace(/,\d(,|$)/, ",4$1"))].join("\n"));
    const before = runScript("gaps", ["--by", "organisation", "--organisation", "RKE", "--format", "json"], env);
    const dry = runScript("ingest", [good, "--wave", LATEST, "--dry-run"], env);
    expect(dry.status).toBe(0);
    expect(dry.stderr).toContain("RKE.csv: valid (dry run: nothing loaded)");
    expect(dry.stderr).toContain("Dry run: 1 valid, 0 already loaded, 0 rejected; nothing was loaded.");
    const after = runScript("gaps", ["--by", "organisation", "--organisation", "RKE", "--format", "json"], env);
    expect(JSON.parse(after.stdout).rows).toEqual(JSON.parse(before.stdout).rows);

    // 25 bad ratings: the message lists 20, the report all 25.
    const bad = path.join(dir, "bad", "RKE.csv");
    mkdirSync(path.dirname(bad));
    writeFileSync(bad, [lines[0], ...lines.slice(1).map((l, i) => (i < 25 ? l.split(",").map((f, j) => (j === 6 ? "9" : f)).join(",") : l))].join("\n"));
    const reportFile = path.join(dir, "rejects.csv");
    const run = runScript("ingest", [bad, "--wave", LATEST, "--dry-run", "--report", reportFile], env);
    expect(run.status).toBe(1);
    expect(run.stderr).toContain("… and 5 more problem(s)");
    const report = readFileSync(reportFile, "utf8").trimEnd().split("\r\n");
    expect(report[0]).toBe("file,row,column,problem");
    expect(report).toHaveLength(26);
    expect(report[1]).toMatch(/^RKE\.csv,2,rating,"""9"" is not a rating; expected a whole number from 0 \(not yet\) to 4 \(expert\)"$/);
  });

  it("ingest without --wave is a usage error (exit code 2)", () => {
    const run = runScript("ingest", ["somewhere.csv"], env);
    expect(run.status).toBe(2);
    expect(run.stderr).toContain("--wave is required");
  });

  it("waits for a live holder of the embedded database, then exits 2 naming it", async () => {
    const holder = spawn("sleep", ["30"]);
    const lockFile = path.join(env.DATA_DIR, "pglite.lock");
    writeFileSync(lockFile, String(holder.pid));
    try {
      const run = runScript("gaps", ["--by", "region", "--wait", "1"], env);
      expect(run.status).toBe(2);
      expect(run.stderr).toContain(`in use by process ${holder.pid}`);
      expect(run.stderr).toContain("--wait");
    } finally {
      holder.kill();
    }
    // The holder is gone: the next command takes the lock over.
    await new Promise((r) => holder.once("exit", r));
    expect(runScript("gaps", ["--by", "region"], env).status).toBe(0);
    expect(existsSync(lockFile)).toBe(false);
  });

  it("withdraw and wave list report what they did", () => {
    const run = runScript("withdraw", ["--organisation", "RGT", "--wave", LATEST], env);
    expect(run.status).toBe(0);
    expect(run.stderr).toMatch(/Withdrew RGT from wave 2026-summer: \d+ respondents, \d+ rows deleted/);
    const waves = runScript("wave", ["list"], env);
    expect(waves.status).toBe(0);
    expect(waves.stdout.split("\n")[0]).toBe("label\tstatus\treference_date\tsource\twindow\tframework\tpublished_at\trespondents_purged_at");
    expect(waves.stdout).toContain(`${LATEST}\topen\t`);
  });

  it("crosswalk:import imports a crosswalk and says what it excluded; a bad file exits 1, a usage error 2", () => {
    const later = path.join(FIXTURE_DIR, LATER_VERSION);
    const framework = runScript("framework-import", ["--version", LATER_VERSION, "--nodes", `${later}/nodes.csv`, "--capabilities", `${later}/capabilities.csv`], env);
    expect(framework.status).toBe(0);
    const run = runScript("crosswalk-import", [PAIRS_FILE, "--from", EARLIER_VERSION, "--to", LATER_VERSION], env);
    expect(run.stderr).toBe(
      `Imported the crosswalk from ${EARLIER_VERSION} to ${LATER_VERSION}: 195 pairs (5 from the file), 193 compared 1:1. ` +
        `Excluded: ${EARLIER_VERSION} 1 not 1:1 and 1 unpaired; ${LATER_VERSION} 2 not 1:1 and 1 unpaired. Crosswalked rollups built for 2 wave(s).\n`,
    );
    expect(run.status).toBe(0);
    const bad = path.join(mkdtempSync(path.join(os.tmpdir(), "capgap-cli-")), "bad.csv");
    writeFileSync(bad, "from_code,to_code\n6-05,6-99\n");
    const refused = runScript("crosswalk-import", [bad, "--from", EARLIER_VERSION, "--to", LATER_VERSION], env);
    expect(refused.status).toBe(1);
    expect(refused.stderr).toContain("bad.csv, row 2, column to_code: 6-99 is not a capability of framework");
    expect(runScript("crosswalk-import", [PAIRS_FILE, "--from", EARLIER_VERSION], env).status).toBe(2);
  });
});
