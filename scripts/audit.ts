// npm run audit [-- --base <git ref>]: `npm audit --omit=dev` against the allowlist in
// docs/security.md; exits 1 only for advisories not allowed in packages the change added or upgraded.
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { changedPackages, formatReport, judge, parseAllowlist, parseAuditOutput, REPORT_HEADER } from "../.ci/audit-rules";

const USAGE = "Usage: npm run audit [-- --base <git ref>]  (default: the merge base with origin/main, else HEAD~1)";

function git(args: string[]): string | null {
  const result = spawnSync("git", args, { encoding: "utf8", maxBuffer: 256 * 1024 * 1024 });
  return result.status === 0 ? result.stdout : null;
}

/** The base commit and how the report names it; null: nothing to compare with. */
function resolveBase(ref: string | undefined): { commit: string; label: string } | null {
  if (ref !== undefined) {
    const commit = git(["rev-parse", "--verify", "--quiet", `${ref}^{commit}`])?.trim();
    if (!commit) throw new Error(`--base ${ref}: no such commit`);
    return { commit, label: `${ref} (${commit.slice(0, 10)})` };
  }
  const mergeBase = git(["merge-base", "HEAD", "origin/main"])?.trim();
  if (mergeBase) return { commit: mergeBase, label: `the merge base with origin/main (${mergeBase.slice(0, 10)})` };
  const previous = git(["rev-parse", "--verify", "--quiet", "HEAD~1^{commit}"])?.trim();
  return previous ? { commit: previous, label: `HEAD~1 (${previous.slice(0, 10)})` } : null;
}

function main(): number {
  let base: ReturnType<typeof resolveBase>;
  try {
    const { values } = parseArgs({ options: { base: { type: "string" }, help: { type: "boolean" } }, strict: true });
    if (values.help) {
      console.log(USAGE);
      return 0;
    }
    base = resolveBase(values.base);
  } catch (error) {
    process.stderr.write(`Error: ${(error as Error).message}\n\n${USAGE}\n`);
    return 2;
  }

  console.log(REPORT_HEADER);
  // npm audit exits 1 when it finds advisories; its JSON on stdout is the report either way.
  const audit = spawnSync("npm", ["audit", "--omit=dev", "--json"], { encoding: "utf8", maxBuffer: 256 * 1024 * 1024 });
  const output = parseAuditOutput(audit.stdout ?? "");
  if (output.kind === "unreachable") {
    console.log(`npm audit could not reach the audit service: report skipped, nothing was checked (${output.reason}).`);
    return 0;
  }
  if (output.kind === "failed") {
    process.stderr.write(`Error: npm audit failed: ${output.reason}\n${audit.stderr ?? ""}`);
    return 2;
  }

  const allowlist = parseAllowlist(readFileSync("docs/security.md", "utf8"));
  // A base from before there was a lock file makes every package added.
  const baseLock = base ? (git(["show", `${base.commit}:package-lock.json`]) ?? "") : null;
  const changes = changedPackages(baseLock, readFileSync("package-lock.json", "utf8"));
  const today = new Date().toISOString().slice(0, 10);
  const outcome = judge({ vulnerabilities: output.vulnerabilities, exceptions: allowlist.exceptions, changes, today });
  process.stdout.write(formatReport(outcome, { base: base?.label ?? null, changes, problems: allowlist.problems }));
  return outcome.exitCode;
}

process.exitCode = main();
