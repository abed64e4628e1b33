// The framework's structure for the explorer: versions, the tree of domains, sub-domains and
// sections, and each capability statement with its level and archetype badges. Reference data,
// not figures, so it is read directly; every gap rate still comes from queryGaps.
import type { Sql } from "~db/client";

export interface FrameworkVersion {
  version: string;
  title: string;
}

export interface ArchetypeBadge {
  code: string;
  name: string;
}

export interface CapabilityStatement {
  code: string;
  title: string;
  level: number;
  /** Badged archetypes in the framework's S, D, C, E, U order. */
  archetypes: ArchetypeBadge[];
  /** Written for this product to fit the framework, not the official wording. */
  illustrative: boolean;
  /** The node it sits in directly (domain, sub-domain or section). */
  nodeCode: string;
  domainCode: string;
}

export type NodeType = "domain" | "sub_domain" | "section";

export interface FrameworkNode {
  code: string;
  title: string;
  type: NodeType;
  /** Statements placed directly in this node, in framework order. */
  capabilities: CapabilityStatement[];
  children: FrameworkNode[];
  /** Statements in this node and every node below it. */
  total: number;
}

export interface NodeRow {
  code: string;
  parent_code: string | null;
  node_type: string;
  title: string;
}

export interface CapabilityRow {
  code: string;
  node_code: string;
  domain_code: string;
  level: number;
  archetypes: string;
  title: string;
  illustrative: boolean;
}

/** Archetype letters ("SDU") as badges, named from the reference list; unknown letters keep their code. */
export function archetypeBadges(letters: string, names: Map<string, string>): ArchetypeBadge[] {
  return [...letters].map((code) => ({ code, name: names.get(code) ?? code }));
}

export function toStatement(row: CapabilityRow, names: Map<string, string>): CapabilityStatement {
  return {
    code: row.code,
    title: row.title,
    level: Number(row.level),
    archetypes: archetypeBadges(row.archetypes, names),
    illustrative: Boolean(row.illustrative),
    nodeCode: row.node_code,
    domainCode: row.domain_code,
  };
}

/**
 * Builds the tree from rows in framework order. A node whose parent is missing is kept at the top,
 * and a statement whose node is missing is left out, so a malformed version still renders.
 */
export function frameworkTree(nodes: NodeRow[], capabilities: CapabilityRow[], names: Map<string, string>): FrameworkNode[] {
  const byCode = new Map<string, FrameworkNode>();
  for (const n of nodes) {
    byCode.set(n.code, { code: n.code, title: n.title, type: n.node_type as NodeType, capabilities: [], children: [], total: 0 });
  }
  const roots: FrameworkNode[] = [];
  for (const n of nodes) {
    const node = byCode.get(n.code)!;
    const parent = n.parent_code ? byCode.get(n.parent_code) : undefined;
    (parent ? parent.children : roots).push(node);
  }
  for (const c of capabilities) byCode.get(c.node_code)?.capabilities.push(toStatement(c, names));
  const count = (node: FrameworkNode): number => (node.total = node.capabilities.length + node.children.reduce((sum, child) => sum + count(child), 0));
  roots.forEach(count);
  return roots;
}

/** Every statement of a tree, in framework order (a node's own statements before its children's). */
export function allStatements(tree: FrameworkNode[]): CapabilityStatement[] {
  return tree.flatMap((node) => [...node.capabilities, ...allStatements(node.children)]);
}

export interface FrameworkCounts {
  domains: number;
  subDomains: number;
  sections: number;
  statements: number;
  illustrative: number;
}

export function frameworkCounts(tree: FrameworkNode[]): FrameworkCounts {
  const nodes = (list: FrameworkNode[]): FrameworkNode[] => list.flatMap((n) => [n, ...nodes(n.children)]);
  const all = nodes(tree);
  const statements = allStatements(tree);
  return {
    domains: all.filter((n) => n.type === "domain").length,
    subDomains: all.filter((n) => n.type === "sub_domain").length,
    sections: all.filter((n) => n.type === "section").length,
    statements: statements.length,
    illustrative: statements.filter((s) => s.illustrative).length,
  };
}

export interface StatementSelection {
  archetype?: string | null;
  level?: string | null;
  domain?: string | null;
}

/**
 * The tree with only the statements badged for `archetype`, at `level` and in `domain` (each when
 * given), totals counted again, and nodes left with no statement dropped.
 */
export function selectStatements(tree: FrameworkNode[], { archetype, level, domain }: StatementSelection): FrameworkNode[] {
  const keep = (c: CapabilityStatement) =>
    (!archetype || c.archetypes.some((a) => a.code === archetype)) && (!level || String(c.level) === level) && (!domain || c.domainCode === domain);
  const prune = (nodes: FrameworkNode[]): FrameworkNode[] =>
    nodes
      .map((n) => {
        const capabilities = n.capabilities.filter(keep);
        const children = prune(n.children);
        return { ...n, capabilities, children, total: capabilities.length + children.reduce((sum, c) => sum + c.total, 0) };
      })
      .filter((n) => n.total > 0);
  return prune(tree);
}

export async function frameworkVersions(db: Sql): Promise<FrameworkVersion[]> {
  return db.query<FrameworkVersion>("select version, title from frameworks order by imported_at, id");
}

async function archetypeNames(db: Sql): Promise<Map<string, string>> {
  const rows = await db.query<{ code: string; name: string }>("select code, name from archetypes order by sort_order");
  return new Map(rows.map((r) => [r.code, r.name]));
}

/** The tree of one framework version, or null when no such version is loaded. */
export async function loadFramework(db: Sql, version: string): Promise<{ version: FrameworkVersion; tree: FrameworkNode[] } | null> {
  const [found] = await db.query<FrameworkVersion & { id: number }>("select id, version, title from frameworks where version = $1", [version]);
  if (!found) return null;
  const [nodes, capabilities, names] = await Promise.all([
    db.query<NodeRow>(
      "select code, parent_code, node_type, title from framework_nodes where framework_id = $1 order by sort_order, code",
      [found.id],
    ),
    db.query<CapabilityRow>(
      `select code, node_code, domain_code, level, archetypes, title, illustrative from capabilities
       where framework_id = $1 order by sort_order, code`,
      [found.id],
    ),
    archetypeNames(db),
  ]);
  return { version: { version: found.version, title: found.title }, tree: frameworkTree(nodes, capabilities, names) };
}

export interface StatementPlace extends CapabilityStatement {
  /** The nodes above the statement, outermost first (domain, then sub-domain, then section). */
  path: { code: string; title: string; type: NodeType }[];
}

/** One statement of a version with the nodes it sits under, or null when the version has no such code. */
export async function findStatement(db: Sql, version: string, code: string): Promise<StatementPlace | null> {
  const [row] = await db.query<CapabilityRow & { id: number }>(
    `select c.id, c.code, c.node_code, c.domain_code, c.level, c.archetypes, c.title, c.illustrative
     from capabilities c join frameworks f on f.id = c.framework_id where f.version = $1 and c.code = $2`,
    [version, code],
  );
  if (!row) return null;
  const path = await db.query<{ code: string; title: string; type: NodeType }>(
    `select n.code, n.title, n.node_type as type from capability_nodes cn
     join capabilities c on c.id = cn.capability_id
     join framework_nodes n on n.framework_id = c.framework_id and n.code = cn.node_code
     where cn.capability_id = $1
     order by case n.node_type when 'domain' then 1 when 'sub_domain' then 2 else 3 end`,
    [row.id],
  );
  return { ...toStatement(row, await archetypeNames(db)), path };
}
