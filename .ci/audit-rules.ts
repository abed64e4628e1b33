// The rules of `npm run audit`: the allowlist in docs/security.md, npm's audit report, what a
// change did to package-lock.json, and the outcome. Pure functions; scripts/audit.ts runs npm and git.

export interface Exception {
  advisory: string;
  package: string;
  why: string;
  /** YYYY-MM-DD: the exception holds up to and including this day. */
  until: string | null;
  line: number;
}

export interface AllowlistProblem {
  line: number;
  message: string;
}

export interface Allowlist {
  exceptions: Exception[];
  problems: AllowlistProblem[];
}

export const ALLOWLIST_HEADING = "## Dependency advisories";
const COLUMNS = { advisory: "advisory", package: "package", why: "why it is accepted", until: "until" } as const;

/** Reads the first table under the "## Dependency advisories" heading; rows with a problem are not exceptions. */
export function parseAllowlist(markdown: string): Allowlist {
  const lines = markdown.split(/\r?\n/);
  const start = lines.findIndex((l) => l.trim() === ALLOWLIST_HEADING);
  if (start < 0) return { exceptions: [], problems: [{ line: 0, message: `no "${ALLOWLIST_HEADING}" section` }] };
  let end = lines.findIndex((l, i) => i > start && /^#{1,2}\s/.test(l));
  if (end < 0) end = lines.length;
  const first = lines.findIndex((l, i) => i > start && i < end && l.trim().startsWith("|"));
  if (first < 0) return { exceptions: [], problems: [{ line: start + 1, message: "no allowlist table in the section" }] };

  const header = cells(lines[first]).map((c) => c.toLowerCase());
  const at = {
    advisory: header.indexOf(COLUMNS.advisory),
    package: header.indexOf(COLUMNS.package),
    why: header.indexOf(COLUMNS.why),
    until: header.indexOf(COLUMNS.until),
  };
  const missing = [COLUMNS.advisory, COLUMNS.package, COLUMNS.why].filter((c) => !header.includes(c));
  if (missing.length > 0) {
    return { exceptions: [], problems: [{ line: first + 1, message: `the table has no column ${missing.map((c) => `"${c}"`).join(", ")}` }] };
  }

  const exceptions: Exception[] = [];
  const problems: AllowlistProblem[] = [];
  for (let i = first + 1; i < end && lines[i].trim().startsWith("|"); i++) {
    const row = cells(lines[i]);
    if (row.every((c) => /^:?-+:?$/.test(c))) continue; // the separator row
    const cell = (index: number) => (index < 0 ? "" : (row[index] ?? "").replace(/`/g, "").trim());
    const exception: Exception = {
      advisory: cell(at.advisory),
      package: cell(at.package),
      why: cell(at.why),
      until: cell(at.until) || null,
      line: i + 1,
    };
    const wrong: string[] = [];
    if (!exception.advisory) wrong.push("no advisory");
    if (!exception.package) wrong.push("no package");
    if (!exception.why) wrong.push("no reason why it is accepted");
    if (exception.until !== null && !isDate(exception.until)) wrong.push(`until "${exception.until}" is not a date (YYYY-MM-DD)`);
    if (wrong.length > 0) problems.push({ line: i + 1, message: `${exception.advisory || "row"}: ${wrong.join("; ")}` });
    else exceptions.push(exception);
  }
  return { exceptions, problems };
}

function cells(line: string): string[] {
  const inner = line.trim().replace(/^\|/, "").replace(/(?<!\\)\|$/, "");
  return inner.split(/(?<!\\)\|/).map((c) => c.replace(/\\\|/g, "|").trim());
}

function isDate(text: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(text)) return false;
  const date = new Date(`${text}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === text;
}

export interface Advisory {
  /** The GHSA id when the URL carries one, else npm's advisory number. */
  id: string;
  source: number | null;
  package: string;
  title: string;
  url: string;
  severity: string;
  range: string;
}

export interface Vulnerability {
  package: string;
  severity: string;
  /** The vulnerable packages this one depends on (npm's `via` entries that are names). */
  via: string[];
  /** Where it is installed, as package-lock.json paths (node_modules/…). */
  nodes: string[];
  advisories: Advisory[];
}

export type AuditOutput =
  | { kind: "report"; vulnerabilities: Vulnerability[] }
  | { kind: "unreachable"; reason: string }
  | { kind: "failed"; reason: string };

// Codes of a request that never got an answer; npm reports them with the audit endpoint's error shape too.
const NETWORK_CODES = ["ENOTFOUND", "EAI_AGAIN", "ECONNREFUSED", "ECONNRESET", "ETIMEDOUT", "ENETUNREACH", "EHOSTUNREACH", "ERR_SOCKET_TIMEOUT", "EPROTO", "ECONNABORTED"];

/** Reads the stdout of `npm audit --json` (npm 11). */
export function parseAuditOutput(stdout: string): AuditOutput {
  let json: unknown;
  try {
    json = JSON.parse(stdout);
  } catch {
    return { kind: "failed", reason: stdout.trim() ? "npm audit printed something other than JSON" : "npm audit printed nothing" };
  }
  if (!isObject(json)) return { kind: "failed", reason: "npm audit printed an unexpected JSON value" };
  if (isObject(json.vulnerabilities)) {
    return { kind: "report", vulnerabilities: Object.entries(json.vulnerabilities).map(([name, v]) => vulnerability(name, v)) };
  }
  // npm prints the failed request to the advisory endpoint ({message, method, uri, statusCode, …}).
  if (typeof json.uri === "string" && typeof json.message === "string") {
    return { kind: "unreachable", reason: json.message };
  }
  const error = isObject(json.error) ? json.error : null;
  const code = typeof error?.code === "string" ? error.code : "";
  const summary = typeof error?.summary === "string" && error.summary ? error.summary : code || "an error without a summary";
  if (NETWORK_CODES.includes(code)) return { kind: "unreachable", reason: summary };
  return { kind: "failed", reason: summary };
}

function vulnerability(name: string, value: unknown): Vulnerability {
  const v = isObject(value) ? value : {};
  const via = Array.isArray(v.via) ? v.via : [];
  return {
    package: typeof v.name === "string" ? v.name : name,
    severity: text(v.severity),
    via: via.filter((x): x is string => typeof x === "string"),
    nodes: Array.isArray(v.nodes) ? v.nodes.filter((x): x is string => typeof x === "string") : [],
    advisories: via.filter(isObject).map((a) => {
      const url = text(a.url);
      const source = typeof a.source === "number" ? a.source : null;
      return {
        id: ghsa(url) ?? (source === null ? url : String(source)),
        source,
        package: typeof a.dependency === "string" ? a.dependency : typeof a.name === "string" ? a.name : name,
        title: text(a.title),
        url,
        severity: text(a.severity),
        range: text(a.range),
      };
    }),
  };
}

function ghsa(text: string): string | null {
  return /GHSA(-[0-9a-z]{4}){3}/i.exec(text)?.[0].toUpperCase() ?? null;
}

const isObject = (x: unknown): x is Record<string, unknown> => typeof x === "object" && x !== null && !Array.isArray(x);
const text = (x: unknown) => (typeof x === "string" ? x : "");

export interface PackageChange {
  /** The package-lock.json path, e.g. node_modules/a/node_modules/b. */
  path: string;
  name: string;
  /** null: added by the change. */
  from: string | null;
  to: string;
}

/**
 * Packages the change added or upgraded (or downgraded): installed at a path the base lock lacks, or
 * at another version. `baseLock` null means there is no base to compare with: nothing counts as changed.
 */
export function changedPackages(baseLock: string | null, headLock: string): PackageChange[] {
  if (baseLock === null) return [];
  const before = lockVersions(baseLock);
  const changes: PackageChange[] = [];
  for (const [path, version] of lockVersions(headLock)) {
    const from = before.get(path) ?? null;
    if (from !== version) changes.push({ path, name: packageName(path), from, to: version });
  }
  return changes;
}

/** The lock's installed packages (lockfileVersion 2 and 3): path → version; an empty text has none. */
export function lockVersions(lockText: string): Map<string, string> {
  const versions = new Map<string, string>();
  if (!lockText.trim()) return versions;
  const lock = JSON.parse(lockText) as unknown;
  const packages = isObject(lock) && isObject(lock.packages) ? lock.packages : {};
  for (const [path, entry] of Object.entries(packages)) {
    if (!path.includes("node_modules/") || !isObject(entry) || typeof entry.version !== "string") continue;
    versions.set(path, entry.version);
  }
  return versions;
}

export function packageName(path: string): string {
  return path.slice(path.lastIndexOf("node_modules/") + "node_modules/".length);
}

export interface Finding {
  advisory: Advisory;
  /** The exception that accepts it, if one holds today. */
  allowedBy: Exception | null;
  /** An exception for it whose review date has passed. */
  lapsed: Exception | null;
  /** Packages the change added or upgraded through which the advisory reaches the product. */
  changedThrough: string[];
  /** Not allowed and reached through a changed package: this makes the command fail. */
  blocking: boolean;
}

export interface Outcome {
  findings: Finding[];
  /** Exceptions that match no advisory reported today: candidates for removal. */
  unused: Exception[];
  exitCode: 0 | 1;
}

/**
 * An advisory in package P reaches P and every vulnerable package whose `via` chain leads to P. It
 * blocks when no exception holds for it and one of those packages was added or upgraded by the change.
 */
export function judge(input: { vulnerabilities: Vulnerability[]; exceptions: Exception[]; changes: PackageChange[]; today: string }): Outcome {
  const { vulnerabilities, exceptions, changes, today } = input;
  const changedPaths = new Set(changes.map((c) => c.path));
  const changedNames = new Set(changes.map((c) => c.name));
  const isChanged = (v: Vulnerability) =>
    v.nodes.length > 0 ? v.nodes.some((n) => changedPaths.has(n)) : changedNames.has(v.package);

  const byName = new Map(vulnerabilities.map((v) => [v.package, v]));
  const dependents = new Map<string, Set<string>>();
  for (const v of vulnerabilities) {
    for (const name of v.via) {
      if (!dependents.has(name)) dependents.set(name, new Set());
      dependents.get(name)!.add(v.package);
    }
  }
  const reached = (name: string): string[] => {
    const seen = new Set([name]);
    const queue = [name];
    while (queue.length > 0) {
      for (const next of dependents.get(queue.shift()!) ?? []) {
        if (!seen.has(next)) (seen.add(next), queue.push(next));
      }
    }
    return [...seen];
  };

  const used = new Set<Exception>();
  const findings: Finding[] = [];
  const seen = new Set<string>();
  for (const v of vulnerabilities) {
    for (const advisory of v.advisories) {
      const key = `${advisory.id}\u0000${advisory.package}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const matching = exceptions.filter((e) => matches(e, advisory));
      matching.forEach((e) => used.add(e));
      const allowedBy = matching.find((e) => e.until === null || e.until >= today) ?? null;
      const lapsed = allowedBy ? null : (matching[0] ?? null);
      const changedThrough = reached(advisory.package).filter((name) => {
        const reachedVulnerability = byName.get(name);
        return reachedVulnerability ? isChanged(reachedVulnerability) : changedNames.has(name);
      });
      findings.push({ advisory, allowedBy, lapsed, changedThrough, blocking: !allowedBy && changedThrough.length > 0 });
    }
  }
  return {
    findings,
    unused: exceptions.filter((e) => !used.has(e)),
    exitCode: findings.some((f) => f.blocking) ? 1 : 0,
  };
}

/** An exception names the advisory by GHSA id, URL or npm number, and the package it is in. */
function matches(exception: Exception, advisory: Advisory): boolean {
  if (exception.package.toLowerCase() !== advisory.package.toLowerCase()) return false;
  const named = exception.advisory.trim();
  const id = ghsa(named);
  if (id) return id === ghsa(advisory.url) || id === advisory.id;
  if (/^\d+$/.test(named)) return advisory.source === Number(named);
  return named.replace(/\/$/, "") === advisory.url.replace(/\/$/, "");
}

export interface ReportContext {
  /** e.g. "origin/main (merge base 1a2b3c4)"; null when there is nothing to compare with. */
  base: string | null;
  changes: PackageChange[];
  problems: AllowlistProblem[];
}

export const REPORT_HEADER = "Dependency audit (npm audit --omit=dev)";

/** The report below REPORT_HEADER. */
export function formatReport(outcome: Outcome, context: ReportContext): string {
  const out: string[] = [];
  out.push(
    context.base === null
      ? "No base to compare with: every package counts as unchanged (report only)."
      : `Compared with ${context.base}: ${context.changes.length} package${context.changes.length === 1 ? "" : "s"} added or upgraded.`,
  );
  for (const p of context.problems) {
    out.push(`Allowlist error (docs/security.md${p.line ? `, line ${p.line}` : ""}): ${p.message}; not an exception.`);
  }
  out.push("");
  if (outcome.findings.length === 0) out.push("No advisories.");
  for (const f of outcome.findings) {
    const a = f.advisory;
    out.push(`${a.package}  ${a.severity || "unknown severity"}  ${a.title || a.id}`);
    if (a.url) out.push(`  ${a.url}`);
    if (f.allowedBy) out.push(`  allowed${f.allowedBy.until ? ` until ${f.allowedBy.until}` : ""}: ${f.allowedBy.why}`);
    else if (f.lapsed) out.push(`  NOT ALLOWED: the exception lapsed on ${f.lapsed.until} (docs/security.md, line ${f.lapsed.line})`);
    else out.push("  NOT ALLOWED: not in the allowlist");
    out.push(f.changedThrough.length > 0 ? `  reaches what this change added or upgraded: ${f.changedThrough.join(", ")}` : "  reaches nothing this change added or upgraded");
  }
  for (const e of outcome.unused) {
    out.push(`Exception for ${e.advisory} (${e.package}) matches no advisory reported today: remove it (docs/security.md, line ${e.line}).`);
  }
  const notAllowed = outcome.findings.filter((f) => !f.allowedBy);
  const blocking = outcome.findings.filter((f) => f.blocking);
  out.push("");
  out.push(
    `${outcome.findings.length} advisor${outcome.findings.length === 1 ? "y" : "ies"}: ` +
      `${outcome.findings.length - notAllowed.length} allowed, ${notAllowed.length} not allowed, ` +
      `${blocking.length} not allowed in packages this change added or upgraded.`,
  );
  out.push(
    outcome.exitCode === 1
      ? "FAILED: fix or upgrade the packages above, or add a justified exception to docs/security.md."
      : notAllowed.length > 0
        ? "Passed: the advisories not allowed are in packages this change did not add or upgrade."
        : "Passed.",
  );
  return `${out.join("\n")}\n`;
}
