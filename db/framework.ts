// Imports a framework version into the database. Versions are immutable: the same label with the
// same content is a no-op, with different content it is refused.
import { readFileSync } from "node:fs";
import type { Sql } from "./client";
import { dbPath, sha256 } from "./files";
import { type ParsedFramework, parseFramework } from "./framework-parse";
import { InputError } from "./problems";

export const BUNDLED_FRAMEWORK_VERSION = "ai-dht-2023-illustrative";
export const DEFAULT_SCALE_LABELS = ["Not yet", "Aware", "Developing", "Confident", "Expert"];
export const DEFAULT_MET_THRESHOLD = 3;

export interface FrameworkImport {
  version: string;
  title: string;
  framework: ParsedFramework;
  metThreshold?: number;
  scaleLabels?: string[];
}

export type ImportOutcome = "imported" | "unchanged";

function contentHash(f: FrameworkImport, metThreshold: number, labels: string[]): string {
  const canonical = {
    nodes: f.framework.nodes.map(({ code, parentCode, nodeType, title }) => [code, parentCode, nodeType, title]),
    capabilities: f.framework.capabilities.map((c) => [c.code, c.nodeCode, c.level, c.archetypes, c.title, c.illustrative]),
    metThreshold,
    labels,
  };
  return sha256(JSON.stringify(canonical));
}

export async function importFramework(tx: Sql, f: FrameworkImport): Promise<ImportOutcome> {
  const labels = f.scaleLabels ?? DEFAULT_SCALE_LABELS;
  const metThreshold = f.metThreshold ?? DEFAULT_MET_THRESHOLD;
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/.test(f.version)) {
    throw new InputError(
      `"${f.version}" is not a usable version label: use letters, digits, dots, dashes or underscores, e.g. ai-dht-2023.`,
    );
  }
  if (!Number.isInteger(metThreshold) || metThreshold < 1 || metThreshold > labels.length - 1) {
    throw new InputError(`The met threshold must be a whole rating from 1 to ${labels.length - 1}.`);
  }
  const hash = contentHash(f, metThreshold, labels);
  const [existing] = await tx.query<{ content_sha256: string }>(
    "select content_sha256 from frameworks where version = $1",
    [f.version],
  );
  if (existing) {
    if (existing.content_sha256 === hash) return "unchanged";
    throw new InputError(
      `Framework version ${f.version} is already imported with different content. Versions never change once ` +
        "imported (waves refer to them): import the new content under a new version label.",
    );
  }
  const [{ id }] = await tx.query<{ id: number }>(
    `insert into frameworks (version, title, scale_min, scale_max, met_threshold, scale_labels, content_sha256)
     values ($1, $2, 0, $3, $4, $5::jsonb, $6) returning id`,
    [f.version, f.title, labels.length - 1, metThreshold, JSON.stringify(labels), hash],
  );
  const { nodes, capabilities } = f.framework;
  await tx.query(
    `insert into framework_nodes (framework_id, code, parent_code, node_type, title, domain_code, sort_order)
     select $1, code, "parentCode", "nodeType", title, "domainCode", "sortOrder"
     from json_to_recordset($2::json)
       as x(code text, "parentCode" text, "nodeType" text, title text, "domainCode" text, "sortOrder" int)`,
    [id, JSON.stringify(nodes.map((n, i) => ({ ...n, sortOrder: i + 1 })))],
  );
  await tx.query(
    `insert into capabilities (framework_id, code, node_code, domain_code, level, archetypes, title, illustrative, sort_order)
     select $1, code, "nodeCode", "domainCode", level, archetypes, title, illustrative, "sortOrder"
     from json_to_recordset($2::json) as x(code text, "nodeCode" text, "domainCode" text, level smallint,
       archetypes text, title text, illustrative boolean, "sortOrder" int)`,
    [id, JSON.stringify(capabilities.map((c, i) => ({ ...c, sortOrder: i + 1 })))],
  );
  // A capability counts toward its own node and every ancestor (rollup grains domain/sub_domain/section).
  const pathOf = new Map(nodes.map((n) => [n.code, n]));
  const links = capabilities.flatMap((c) =>
    pathOf.get(c.nodeCode)!.path.map((code) => ({ capability: c.code, node: code, type: pathOf.get(code)!.nodeType })),
  );
  await tx.query(
    `insert into capability_nodes (capability_id, node_code, node_type)
     select c.id, x.node, x.type from json_to_recordset($2::json) as x(capability text, node text, type text)
     join capabilities c on c.framework_id = $1 and c.code = x.capability`,
    [id, JSON.stringify(links)],
  );
  return "imported";
}

/** Reads and validates a framework from its two files; throws InputError naming file, row and column. */
export function readFrameworkFiles(nodesFile: string, capabilitiesFile: string): ParsedFramework {
  const result = parseFramework(readFileSync(nodesFile, "utf8"), readFileSync(capabilitiesFile, "utf8"), {
    nodes: nodesFile,
    capabilities: capabilitiesFile,
  });
  if (!result.framework) throw new InputError("The framework files are not valid; nothing was imported.", result.problems);
  return result.framework;
}

/** The bundled version, loaded through the same path as any import. */
export async function loadBundledFramework(tx: Sql): Promise<ImportOutcome> {
  const dir = dbPath("framework", BUNDLED_FRAMEWORK_VERSION);
  return importFramework(tx, {
    version: BUNDLED_FRAMEWORK_VERSION,
    title: "AI and Digital Healthcare Technologies Capability Framework (2023), illustrative statements",
    framework: readFrameworkFiles(`${dir}/nodes.csv`, `${dir}/capabilities.csv`),
  });
}
