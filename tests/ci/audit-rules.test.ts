// The rules of `npm run audit` on hand-made inputs, and the command itself on this repository.
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import {
  changedPackages,
  formatReport,
  judge,
  parseAllowlist,
  parseAuditOutput,
  REPORT_HEADER,
  type Vulnerability,
} from "../../.ci/audit-rules";

// npm 11's shape: express is vulnerable only through body-parser, which is through qs.
const AUDIT = JSON.stringify({
  auditReportVersion: 2,
  vulnerabilities: {
    qs: {
      name: "qs",
      severity: "high",
      isDirect: false,
      via: [
        { source: 1096470, name: "qs", dependency: "qs", title: "qs vulnerable to Prototype Pollution", url: "https://github.com/advisories/GHSA-hrpp-h998-j3pp", severity: "high", cwe: ["CWE-1321"], range: "<6.10.3" },
      ],
      effects: ["body-parser"],
      range: "<6.10.3",
      nodes: ["node_modules/qs"],
      fixAvailable: true,
    },
    "body-parser": { name: "body-parser", severity: "high", isDirect: false, via: ["qs"], effects: ["express"], range: "<=1.19.0", nodes: ["node_modules/body-parser"], fixAvailable: true },
    express: { name: "express", severity: "high", isDirect: true, via: ["body-parser"], effects: [], range: "<=4.17.2", nodes: ["node_modules/express"], fixAvailable: true },
    semver: {
      name: "semver",
      severity: "moderate",
      isDirect: false,
      via: [
        { source: 1101088, name: "semver", dependency: "semver", title: "semver vulnerable to Regular Expression Denial of Service", url: "https://github.com/advisories/GHSA-c2qf-rxjj-qqgw", severity: "moderate", range: "<5.7.2" },
      ],
      effects: [],
      range: "<5.7.2",
      nodes: ["node_modules/semver", "node_modules/a/node_modules/semver"],
      fixAvailable: true,
    },
    minimist: {
      name: "minimist",
      severity: "critical",
      isDirect: false,
      via: [
        { source: 1096460, name: "minimist", dependency: "minimist", title: "Prototype Pollution in minimist", url: "https://github.com/advisories/GHSA-xvch-5gv4-984h", severity: "critical", range: "<0.2.4" },
      ],
      effects: [],
      range: "<0.2.4",
      nodes: ["node_modules/minimist"],
      fixAvailable: true,
    },
  },
  metadata: { vulnerabilities: { info: 0, low: 0, moderate: 1, high: 3, critical: 1, total: 5 } },
});

const BASE = { "node_modules/express": "4.17.1", "node_modules/body-parser": "1.19.0", "node_modules/qs": "6.7.0", "node_modules/semver": "5.7.1", "node_modules/minimist": "0.2.1", "node_modules/gone": "1.0.0" };
const lock = (packages: Record<string, string>) =>
  JSON.stringify({
    name: "x",
    lockfileVersion: 3,
    packages: { "": { name: "x" }, ...Object.fromEntries(Object.entries(packages).map(([p, version]) => [p, { version }])) },
  });
const BASE_LOCK = lock(BASE);
// express upgraded (still vulnerable through qs, whose version is unchanged); a nested semver added.
const HEAD_LOCK = lock({ "node_modules/express": "4.17.2", "node_modules/body-parser": "1.19.0", "node_modules/qs": "6.7.0", "node_modules/semver": "5.7.1", "node_modules/a/node_modules/semver": "5.6.0", "node_modules/minimist": "0.2.1", "node_modules/new-one": "2.0.0" });

const ALLOWLIST = `# Security

## Dependency advisories
Prose about the table.

| advisory | package | why it is accepted | until |
|---|---|---|---|
| \`GHSA-c2qf-rxjj-qqgw\` | semver | Only parses our own fixed ranges at build time. | |
| https://github.com/advisories/GHSA-xvch-5gv4-984h | minimist | Only reads arguments we pass. | 2026-01-31 |
| GHSA-hrpp-h998-j3pp | qs |  | |
| 1234 | left-pad | Pads nothing from users \\| never exposed. | 2027-13-01 |
| 999999 | unused-pkg | Kept for a review. | |

## Next section
| advisory | package | why it is accepted |
|---|---|---|
| GHSA-hrpp-h998-j3pp | qs | Not part of the allowlist. |
`;

describe("the allowlist", () => {
  it("is the table under its heading; a row without a reason or with a bad date is an error and accepts nothing", () => {
    const { exceptions, problems } = parseAllowlist(ALLOWLIST);
    expect(exceptions).toEqual([
      { advisory: "GHSA-c2qf-rxjj-qqgw", package: "semver", why: "Only parses our own fixed ranges at build time.", until: null, line: 8 },
      { advisory: "https://github.com/advisories/GHSA-xvch-5gv4-984h", package: "minimist", why: "Only reads arguments we pass.", until: "2026-01-31", line: 9 },
      { advisory: "999999", package: "unused-pkg", why: "Kept for a review.", until: null, line: 12 },
    ]);
    expect(problems).toEqual([
      { line: 10, message: "GHSA-hrpp-h998-j3pp: no reason why it is accepted" },
      { line: 11, message: '1234: until "2027-13-01" is not a date (YYYY-MM-DD)' },
    ]);
  });

  it("reports a missing section or a table without the required columns", () => {
    expect(parseAllowlist("# Security\n").problems[0].message).toMatch(/no "## Dependency advisories" section/);
    expect(parseAllowlist("## Dependency advisories\n| advisory | package |\n|---|---|\n").problems[0].message).toBe('the table has no column "why it is accepted"');
    expect(parseAllowlist("## Dependency advisories\n| advisory | package | why it is accepted |\n|---|---|---|\n")).toEqual({ exceptions: [], problems: [] });
  });

  it("in docs/security.md parses without errors", () => {
    expect(parseAllowlist(readFileSync("docs/security.md", "utf8")).problems).toEqual([]);
  });
});

describe("npm audit output", () => {
  it("gives each vulnerable package its advisories, the vulnerable packages it depends on, and where it is installed", () => {
    const output = parseAuditOutput(AUDIT);
    if (output.kind !== "report") throw new Error(output.kind);
    const byName = Object.fromEntries(output.vulnerabilities.map((v) => [v.package, v]));
    expect(byName.express).toEqual({ package: "express", severity: "high", via: ["body-parser"], nodes: ["node_modules/express"], advisories: [] });
    expect(byName.qs.advisories).toEqual([
      { id: "GHSA-HRPP-H998-J3PP", source: 1096470, package: "qs", title: "qs vulnerable to Prototype Pollution", url: "https://github.com/advisories/GHSA-hrpp-h998-j3pp", severity: "high", range: "<6.10.3" },
    ]);
    expect(parseAuditOutput(JSON.stringify({ auditReportVersion: 2, vulnerabilities: {}, metadata: {} }))).toEqual({ kind: "report", vulnerabilities: [] });
  });

  it("tells an unreachable audit service from other failures", () => {
    // What npm 11 prints when the advisory endpoint answers with an error.
    const refused = { message: "405 Method Not Allowed - POST https://registry.npmjs.org/-/npm/v1/security/advisories/bulk", method: "POST", uri: "https://registry.npmjs.org/-/npm/v1/security/advisories/bulk", headers: {}, statusCode: 405, body: "" };
    expect(parseAuditOutput(JSON.stringify(refused))).toEqual({ kind: "unreachable", reason: refused.message });
    expect(parseAuditOutput(JSON.stringify({ error: { code: "ENOTFOUND", summary: "getaddrinfo ENOTFOUND registry.npmjs.org", detail: "" } }))).toEqual({
      kind: "unreachable",
      reason: "getaddrinfo ENOTFOUND registry.npmjs.org",
    });
    expect(parseAuditOutput(JSON.stringify({ error: { code: "ENOLOCK", summary: "This command requires an existing lockfile.", detail: "" } }))).toEqual({
      kind: "failed",
      reason: "This command requires an existing lockfile.",
    });
    expect(parseAuditOutput("").kind).toBe("failed");
  });
});

describe("packages a change added or upgraded", () => {
  it("are those at a new path or another version; removed ones do not count", () => {
    expect(changedPackages(BASE_LOCK, HEAD_LOCK)).toEqual([
      { path: "node_modules/express", name: "express", from: "4.17.1", to: "4.17.2" },
      { path: "node_modules/a/node_modules/semver", name: "semver", from: null, to: "5.6.0" },
      { path: "node_modules/new-one", name: "new-one", from: null, to: "2.0.0" },
    ]);
  });

  it("are none without a base, and every package when the base had no lock file", () => {
    expect(changedPackages(null, HEAD_LOCK)).toEqual([]);
    expect(changedPackages("", HEAD_LOCK)).toHaveLength(7);
    expect(changedPackages(HEAD_LOCK, HEAD_LOCK)).toEqual([]);
  });
});

describe("the outcome", () => {
  const vulnerabilities = (parseAuditOutput(AUDIT) as { vulnerabilities: Vulnerability[] }).vulnerabilities;
  const { exceptions, problems } = parseAllowlist(ALLOWLIST);

  it("fails only for an advisory not allowed that reaches a changed package, directly or through npm's via chain", () => {
    const changes = changedPackages(BASE_LOCK, HEAD_LOCK);
    const outcome = judge({ vulnerabilities, exceptions, changes, today: "2026-11-28" });
    const summary = outcome.findings.map((f) => [f.advisory.package, f.allowedBy?.line ?? null, f.lapsed?.until ?? null, f.changedThrough, f.blocking]);
    expect(summary).toEqual([
      // qs is unchanged, but the upgraded express reaches it through body-parser; its row has no reason.
      ["qs", null, null, ["express"], true],
      // The added nested semver is changed, but its advisory is allowed.
      ["semver", 8, null, ["semver"], false],
      // The exception lapsed; minimist is unchanged, so it is reported and does not fail.
      ["minimist", null, "2026-01-31", [], false],
    ]);
    expect(outcome.exitCode).toBe(1);
    expect(outcome.unused.map((e) => e.package)).toEqual(["unused-pkg"]);

    const report = formatReport(outcome, { base: "main (abc1234567)", changes, problems });
    expect(report).toContain("Compared with main (abc1234567): 3 packages added or upgraded.");
    expect(report).toContain("Allowlist error (docs/security.md, line 10): GHSA-hrpp-h998-j3pp: no reason why it is accepted; not an exception.");
    expect(report).toContain(
      "qs  high  qs vulnerable to Prototype Pollution\n  https://github.com/advisories/GHSA-hrpp-h998-j3pp\n  NOT ALLOWED: not in the allowlist\n  reaches what this change added or upgraded: express\n",
    );
    expect(report).toContain("semver  moderate  semver vulnerable to Regular Expression Denial of Service\n  https://github.com/advisories/GHSA-c2qf-rxjj-qqgw\n  allowed: Only parses our own fixed ranges at build time.\n  reaches what this change added or upgraded: semver\n");
    expect(report).toContain("  NOT ALLOWED: the exception lapsed on 2026-01-31 (docs/security.md, line 9)\n  reaches nothing this change added or upgraded\n");
    expect(report).toContain("3 advisories: 1 allowed, 2 not allowed, 1 not allowed in packages this change added or upgraded.");
    expect(report).toMatch(/FAILED: /);
  });

  it("passes when the change touched none of the packages an unallowed advisory reaches, and before the review date", () => {
    const untouched = changedPackages(BASE_LOCK, lock({ ...BASE, "node_modules/gone": "1.0.1", "node_modules/new-one": "2.0.0" }));
    expect(untouched.map((c) => c.name)).toEqual(["gone", "new-one"]);
    const outcome = judge({ vulnerabilities, exceptions, changes: untouched, today: "2026-01-31" });
    expect(outcome.findings.map((f) => [f.advisory.package, f.allowedBy !== null, f.blocking])).toEqual([
      ["qs", false, false],
      ["semver", true, false],
      ["minimist", true, false],
    ]);
    expect(outcome.exitCode).toBe(0);
    expect(formatReport(outcome, { base: null, changes: [], problems: [] })).toContain("Passed: the advisories not allowed are in packages this change did not add or upgrade.");
  });

  it("blocks nothing without a base", () => {
    const outcome = judge({ vulnerabilities, exceptions: [], changes: changedPackages(null, HEAD_LOCK), today: "2026-11-28" });
    expect(outcome.exitCode).toBe(0);
    expect(formatReport(outcome, { base: null, changes: [], problems: [] })).toMatch(/^No base to compare with: every package counts as unchanged \(report only\)\./);
  });
});

describe("npm run audit", () => {
  it("compared with HEAD exits 0 and says whether it checked or could not reach the audit service", () => {
    const run = spawnSync(process.execPath, ["--import", "tsx", "scripts/audit.ts", "--base", "HEAD"], { encoding: "utf8", timeout: 120_000 });
    expect(run.stdout.startsWith(`${REPORT_HEADER}\n`), run.stdout + run.stderr).toBe(true);
    expect(run.status, run.stdout + run.stderr).toBe(0);
    const reached = run.stdout.includes("\nCompared with HEAD (");
    const unreachable = run.stdout.includes("could not reach the audit service: report skipped");
    expect(reached !== unreachable, run.stdout).toBe(true);
    if (reached) expect(run.stdout).toMatch(/: 0 packages added or upgraded\.[\s\S]*\nPassed/);
  });
});
