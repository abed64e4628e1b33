// Parses and validates a framework version from its two CSV files (docs/formats.md).
// Pure: text in, rows or problems out. Everything is checked before anything is imported.
import { parse } from "csv-parse/sync";
import type { Problem } from "./problems";

export const NODE_TYPES = ["domain", "sub_domain", "section"] as const;
export type NodeType = (typeof NODE_TYPES)[number];
export const ARCHETYPE_ORDER = "SDCEU";

export interface FrameworkNode {
  code: string;
  parentCode: string | null;
  nodeType: NodeType;
  title: string;
  domainCode: string;
  /** Codes of this node and its ancestors, nearest first. */
  path: string[];
}

export interface FrameworkCapability {
  code: string;
  nodeCode: string;
  domainCode: string;
  level: number;
  archetypes: string;
  title: string;
  illustrative: boolean;
}

export interface ParsedFramework {
  nodes: FrameworkNode[];
  capabilities: FrameworkCapability[];
}

const NODE_COLUMNS = ["code", "parent_code", "node_type", "title"];
const CAPABILITY_COLUMNS = ["code", "node_code", "level", "archetypes", "title"];
const CAPABILITY_OPTIONAL = ["illustrative"];
const EXPECTED_PARENT: Record<NodeType, NodeType | null> = {
  domain: null,
  sub_domain: "domain",
  section: "sub_domain",
};

type Records = { header: string[]; rows: string[][] };

function readTable(text: string, file: string, problems: Problem[]): Records | null {
  try {
    const all: string[][] = parse(text, { bom: true, skip_empty_lines: true, relax_column_count: true });
    const [header = [], ...rows] = all;
    return { header: header.map((h) => h.trim().toLowerCase()), rows };
  } catch (error) {
    problems.push({ file, message: `not a readable CSV file (${(error as Error).message})` });
    return null;
  }
}

function checkHeader(t: Records, file: string, required: string[], optional: string[], problems: Problem[]) {
  const missing = required.filter((c) => !t.header.includes(c));
  const extra = t.header.filter((c) => !required.includes(c) && !optional.includes(c));
  const accepted = [...required, ...optional].join(", ");
  for (const c of missing) problems.push({ file, row: 1, column: c, message: `missing column; expected columns ${accepted}` });
  for (const c of extra) problems.push({ file, row: 1, column: c, message: `unexpected column; expected columns ${accepted}` });
  return missing.length === 0 && extra.length === 0;
}

function cells(t: Records, row: string[]): Record<string, string> {
  return Object.fromEntries(t.header.map((h, i) => [h, (row[i] ?? "").trim()]));
}

export function parseFramework(
  nodesText: string,
  capabilitiesText: string,
  files = { nodes: "nodes.csv", capabilities: "capabilities.csv" },
): { framework: ParsedFramework; problems: [] } | { framework: null; problems: Problem[] } {
  const problems: Problem[] = [];
  const nt = readTable(nodesText, files.nodes, problems);
  const ct = readTable(capabilitiesText, files.capabilities, problems);
  if (!nt || !ct) return { framework: null, problems };
  const nodesOk = checkHeader(nt, files.nodes, NODE_COLUMNS, [], problems);
  const capsOk = checkHeader(ct, files.capabilities, CAPABILITY_COLUMNS, CAPABILITY_OPTIONAL, problems);
  if (!nodesOk || !capsOk) return { framework: null, problems };

  // Nodes: read all first so a child may precede its parent in the file.
  type RawNode = { line: number; code: string; parent_code: string; node_type: string; title: string };
  const raw: RawNode[] = nt.rows.map((r, i) => ({ line: i + 2, ...(cells(nt, r) as Omit<RawNode, "line">) }));
  const byCode = new Map<string, RawNode>();
  const nodeProblem = (line: number, column: string, message: string) =>
    problems.push({ file: files.nodes, row: line, column, message });
  for (const n of raw) {
    if (!n.code) nodeProblem(n.line, "code", "empty; expected a node code such as 5.1");
    else if (byCode.has(n.code)) nodeProblem(n.line, "code", `duplicate code ${n.code} (first on row ${byCode.get(n.code)!.line})`);
    else byCode.set(n.code, n);
    if (!n.title) nodeProblem(n.line, "title", "empty; expected the node's title");
    if (!(NODE_TYPES as readonly string[]).includes(n.node_type)) {
      nodeProblem(n.line, "node_type", `"${n.node_type}" is not a node type; expected domain, sub_domain or section`);
    }
  }
  for (const n of raw) {
    const expected = EXPECTED_PARENT[n.node_type as NodeType];
    if (expected === undefined) continue;
    const parent = n.parent_code ? byCode.get(n.parent_code) : undefined;
    if (expected === null && n.parent_code) nodeProblem(n.line, "parent_code", "a domain has no parent; expected an empty cell");
    if (expected !== null && !n.parent_code) nodeProblem(n.line, "parent_code", `empty; a ${n.node_type} needs a parent ${expected}`);
    if (expected !== null && n.parent_code && !parent) nodeProblem(n.line, "parent_code", `unknown parent ${n.parent_code}; expected a code from the code column`);
    if (expected !== null && parent && parent.node_type !== expected) {
      nodeProblem(n.line, "parent_code", `parent ${n.parent_code} is a ${parent.node_type}; a ${n.node_type}'s parent must be a ${expected}`);
    }
  }

  const capCodes = new Map<string, number>();
  const capabilities: FrameworkCapability[] = [];
  ct.rows.forEach((r, i) => {
    const line = i + 2;
    const c = cells(ct, r);
    const capProblem = (column: string, message: string) =>
      problems.push({ file: files.capabilities, row: line, column, message });
    if (!c.code) capProblem("code", "empty; expected a capability code such as 5.1.1-02");
    else if (capCodes.has(c.code)) capProblem("code", `duplicate code ${c.code} (first on row ${capCodes.get(c.code)})`);
    else capCodes.set(c.code, line);
    const node = byCode.get(c.node_code);
    if (!node) capProblem("node_code", `unknown node ${c.node_code || "(empty)"}; expected a code from ${files.nodes}`);
    const level = /^[1-4]$/.test(c.level) ? Number(c.level) : null;
    if (level === null) capProblem("level", `"${c.level}" is not a level; expected a whole number from 1 to 4`);
    const letters = c.archetypes.toUpperCase().replace(/[\s;,]/g, "");
    const bad = [...letters].filter((l) => !ARCHETYPE_ORDER.includes(l));
    if (!letters) capProblem("archetypes", "empty; expected one or more archetype letters from S, D, C, E, U");
    else if (bad.length) capProblem("archetypes", `unknown archetype letter ${bad.join(", ")}; expected letters from S, D, C, E, U`);
    if (!c.title) capProblem("title", "empty; expected the capability statement");
    const illustrative = (c.illustrative ?? "").toLowerCase();
    if (!["", "true", "false"].includes(illustrative)) capProblem("illustrative", `"${c.illustrative}" is not true or false`);
    if (node && level !== null && letters && !bad.length) {
      capabilities.push({
        code: c.code,
        nodeCode: node.code,
        domainCode: "",
        level,
        archetypes: [...ARCHETYPE_ORDER].filter((l) => letters.includes(l)).join(""),
        title: c.title,
        illustrative: illustrative === "true",
      });
    }
  });
  if (problems.length) return { framework: null, problems };

  const pathOf = (code: string): string[] => {
    const out: string[] = [];
    for (let n = byCode.get(code); n; n = n.parent_code ? byCode.get(n.parent_code) : undefined) out.push(n.code);
    return out;
  };
  const nodes: FrameworkNode[] = raw.map((n) => {
    const path = pathOf(n.code);
    return {
      code: n.code,
      parentCode: n.parent_code || null,
      nodeType: n.node_type as NodeType,
      title: n.title,
      domainCode: path[path.length - 1],
      path,
    };
  });
  const domainOf = new Map(nodes.map((n) => [n.code, n.domainCode]));
  for (const c of capabilities) c.domainCode = domainOf.get(c.nodeCode)!;
  return { framework: { nodes, capabilities }, problems: [] };
}
