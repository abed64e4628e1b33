// The gaps query: sums rollups across the person axis for one framework grain, reads region and
// ICB from membership at each wave's reference date, then applies disclosure control. The page,
// the CLI and the API all call this one function, so no path can skip suppression.
import type { Sql } from "../client";
import { type Dimension, type FrameworkDimension, type GapPlan, planGaps, QueryError, type Filters, type RollupGrain } from "./dimensions";
import { gapRate } from "./metrics";
import { describeScope, type Scope } from "./scope";
import { dataStatus } from "./status";
import { isSuppressed, suppressionThreshold } from "./suppression";

export type Cell = string | number | boolean | null;
export type GapRow = Record<string, Cell>;

export interface GapMeta {
  by: Dimension[];
  filters: Filters;
  scope: string;
  waves: string[];
  framework_versions: string[];
  suppression: { rule: string; k: number };
  synthetic: boolean;
  data_as_at: string | null;
  generated_at: string;
}

export interface GapTable {
  meta: GapMeta;
  /** Output column names in order: `<dim>`, `<dim>_name` per dimension, then the measures. */
  columns: string[];
  rows: GapRow[];
}

export const MEASURES = ["respondents", "required", "met", "gap_rate", "suppressed"] as const;

interface DimSql {
  code: string;
  name: string;
  sort: string;
}

/** Code, name and sort expressions of a dimension, given the rollup grain being read. */
function dimensionSql(dim: Dimension, rg: RollupGrain): DimSql {
  switch (dim) {
    case "wave":
      return { code: "w.label", name: "w.label", sort: "w.reference_date" };
    case "region":
      return { code: "m.region_code", name: "rg.name", sort: "rg.name" };
    case "icb":
      return { code: "m.icb_code", name: "ib.name", sort: "ib.name" };
    case "organisation":
      return { code: "ro.organisation_code", name: "o.name", sort: "o.name" };
    case "staff_group":
      return { code: "ro.staff_group_code", name: "sg.name", sort: "sg.sort_order" };
    case "archetype":
      return { code: "ro.archetype_code", name: "ar.name", sort: "ar.sort_order" };
    case "band":
      return { code: "ro.band_code", name: "coalesce(bd.name, 'Not recorded')", sort: "coalesce(bd.sort_order, 99)" };
    case "domain":
      return { code: domainCode(rg), name: "dn.title", sort: "dn.sort_order" };
    case "sub_domain":
      return { code: "ro.grain_key", name: "sn.title", sort: "sn.sort_order" };
    case "capability":
      return { code: "ro.grain_key", name: "c.title", sort: "c.sort_order" };
    case "level":
      return { code: levelCode(rg), name: `'Level ' || ${levelCode(rg)}`, sort: levelCode(rg) };
  }
}

function domainCode(rg: RollupGrain): string {
  if (rg === "domain") return "ro.grain_key";
  if (rg === "domain_level") return "split_part(ro.grain_key, ':', 1)";
  if (rg === "sub_domain") return "sn.domain_code";
  if (rg === "capability") return "c.domain_code";
  throw new QueryError(`domain is not available at grain ${rg}`);
}

function levelCode(rg: RollupGrain): string {
  if (rg === "level") return "ro.grain_key::int";
  if (rg === "domain_level") return "split_part(ro.grain_key, ':', 2)::int";
  if (rg === "capability") return "c.level";
  throw new QueryError(`level is not available at grain ${rg}`);
}

/** Joins every query needs plus the ones its dimensions and filters use. */
function joins(plan: GapPlan, used: Set<Dimension>): string {
  const j = [
    "join waves w on w.id = ro.wave_id",
    `join organisation_memberships m on m.organisation_code = ro.organisation_code
       and w.reference_date between m.valid_from and coalesce(m.valid_to, 'infinity'::date)`,
  ];
  if (used.has("region")) j.push("join regions rg on rg.code = m.region_code");
  if (used.has("icb")) j.push("join icbs ib on ib.code = m.icb_code");
  if (used.has("organisation")) j.push("join organisations o on o.code = ro.organisation_code");
  if (used.has("staff_group")) j.push("join staff_groups sg on sg.code = ro.staff_group_code");
  if (used.has("archetype")) j.push("join archetypes ar on ar.code = ro.archetype_code");
  if (used.has("band")) j.push("left join bands bd on bd.code = ro.band_code");
  if (plan.rollupGrain === "capability") {
    j.push("join capabilities c on c.framework_id = w.framework_id and c.code = ro.grain_key");
  }
  if (plan.rollupGrain === "sub_domain") {
    j.push("join framework_nodes sn on sn.framework_id = w.framework_id and sn.code = ro.grain_key");
  }
  if (used.has("domain")) {
    j.push(`join framework_nodes dn on dn.framework_id = w.framework_id and dn.code = ${domainCode(plan.rollupGrain)}`);
  }
  return j.join("\n");
}

function scopeCondition(scope: Scope, params: unknown[]): string | null {
  switch (scope.kind) {
    case "national":
      return null;
    case "region":
      params.push(scope.code);
      return `m.region_code = $${params.length}`;
    case "icb":
      params.push(scope.code);
      return `m.icb_code = $${params.length}`;
    case "organisation":
      params.push(scope.code);
      return `ro.organisation_code = $${params.length}`;
  }
}

function filterCondition(dim: Dimension, value: string, plan: GapPlan, params: unknown[]): string {
  params.push(value);
  const p = `$${params.length}`;
  if (dim === "sub_domain" && plan.rollupGrain === "capability") {
    return `exists (select 1 from capability_nodes cn where cn.capability_id = c.id and cn.node_code = ${p})`;
  }
  if (dim === "level") return `${dimensionSql(dim, plan.rollupGrain).code} = ${p}::int`;
  if (dim === "staff_group" || dim === "archetype") return `upper(${dimensionSql(dim, plan.rollupGrain).code}) = upper(${p})`;
  if (dim === "band") {
    params[params.length - 1] = value.toLowerCase().replace(/^(afc\s*)?band\s*/, "");
    return `ro.band_code = ${p}`;
  }
  if (dim === "organisation" || dim === "region" || dim === "icb") params[params.length - 1] = value.toUpperCase();
  return `${dimensionSql(dim, plan.rollupGrain).code} = ${p}`;
}

export interface GapRequest {
  by: string[];
  filters?: Filters;
}

/** Gaps for `scope`, grouped by `by` (person dimensions × at most one framework grouping). */
export async function queryGaps(db: Sql, scope: Scope, request: GapRequest, k = suppressionThreshold()): Promise<GapTable> {
  const plan = planGaps(request.by, request.filters);
  await checkFilterValues(db, plan.filters);
  const waves = await resolveWaves(db, plan);
  const params: unknown[] = [plan.rollupGrain, waves.map((w) => w.id)];
  const conditions = ["ro.grain = $1", "ro.wave_id = any($2::int[])"];
  const scoped = scopeCondition(scope, params);
  if (scoped) conditions.push(scoped);
  for (const [dim, value] of Object.entries(plan.filters) as [Dimension, string][]) {
    if (dim !== "wave") conditions.push(filterCondition(dim, value, plan, params));
  }
  const dims: Dimension[] = [...plan.person, ...plan.framework];
  const used = new Set<Dimension>([...dims, ...(Object.keys(plan.filters) as Dimension[])]);
  const sqlDims = dims.map((d) => ({ dim: d, ...dimensionSql(d, plan.rollupGrain) }));
  const select = sqlDims.flatMap((d) => [`${d.code} as "${d.dim}"`, `${d.name} as "${d.dim}_name"`]);
  const groupBy = sqlDims.flatMap((d) => [d.code, d.name, d.sort]);
  const text = `
    select ${[...select, "sum(ro.respondents)::int as respondents", "sum(ro.required)::int as required", "sum(ro.met)::int as met"].join(", ")}
    from rollups ro
    ${joins(plan, used)}
    where ${conditions.join(" and ")}
    ${groupBy.length ? `group by ${groupBy.join(", ")}` : ""}
    ${groupBy.length ? `order by ${sqlDims.map((d) => `${d.sort}, ${d.code}`).join(", ")}` : ""}`;
  const raw = waves.length ? await db.query<GapRow & { respondents: number; required: number; met: number }>(text, params) : [];
  // With no grouping, an empty result is still one (empty) cell: England has 0 respondents.
  const cells = raw.length === 0 && dims.length === 0 && waves.length ? [{ respondents: 0, required: 0, met: 0 }] : raw;
  const rows = cells.map((r) => publishCell(r as GapRow & { respondents: number; required: number; met: number }, dims, k));
  return {
    meta: await gapMeta(db, scope, plan, waves, k),
    columns: [...dims.flatMap((d) => [d, `${d}_name`]), ...MEASURES],
    rows,
  };
}

/** Disclosure control: a cell under k respondents keeps only its dimension values. */
export function publishCell(
  r: Record<string, Cell> & { respondents: number; required: number; met: number },
  dims: Dimension[],
  k: number,
): GapRow {
  const out: GapRow = {};
  for (const d of dims) {
    out[d] = r[d] ?? null;
    out[`${d}_name`] = r[`${d}_name`] ?? null;
  }
  if (isSuppressed(r.respondents, k)) {
    return { ...out, respondents: null, required: null, met: null, gap_rate: null, suppressed: true };
  }
  return { ...out, respondents: r.respondents, required: r.required, met: r.met, gap_rate: gapRate(r.required, r.met), suppressed: false };
}

const FILTER_TABLES: Partial<Record<Dimension, string>> = {
  region: "select 1 from regions where code = upper($1)",
  icb: "select 1 from icbs where code = upper($1)",
  organisation: "select 1 from organisations where code = upper($1)",
  staff_group: "select 1 from staff_groups where upper(code) = upper($1)",
  archetype: "select 1 from archetypes where code = upper($1)",
};

/** An unknown code in a filter is a mistake to report, not an empty table to show. */
async function checkFilterValues(db: Sql, filters: Filters): Promise<void> {
  for (const [dim, value] of Object.entries(filters) as [Dimension, string][]) {
    const check = FILTER_TABLES[dim];
    if (check && (await db.query(check, [value])).length === 0) {
      throw new QueryError(`Unknown ${dim.replace("_", " ")} ${JSON.stringify(value)}: use its code (see the reference data).`);
    }
  }
}

interface WaveRef {
  id: number;
  label: string;
  version: string;
}

/** The waves a request covers: all (grouped by wave), the filtered one, or the latest by reference date. */
async function resolveWaves(db: Sql, plan: GapPlan): Promise<WaveRef[]> {
  const all = await db.query<WaveRef>(
    `select w.id, w.label, f.version from waves w join frameworks f on f.id = w.framework_id
     order by w.reference_date, w.label`,
  );
  const wanted = plan.filters.wave;
  if (wanted !== undefined) {
    const wave = all.find((w) => w.label === wanted);
    if (!wave) {
      throw new QueryError(
        `Unknown wave ${wanted}: ${all.length ? `loaded waves are ${all.map((w) => w.label).join(", ")}` : "no waves are loaded yet"}.`,
      );
    }
    return [wave];
  }
  if (plan.person.includes("wave")) return all;
  return all.length ? [all[all.length - 1]] : [];
}

async function gapMeta(db: Sql, scope: Scope, plan: GapPlan, waves: WaveRef[], k: number): Promise<GapMeta> {
  const status = await dataStatus(db);
  return {
    by: [...plan.person, ...plan.framework],
    filters: plan.filters,
    scope: describeScope(scope),
    waves: waves.map((w) => w.label),
    framework_versions: [...new Set(waves.map((w) => w.version))],
    suppression: {
      rule: `cells with fewer than ${k} respondents are suppressed: only their dimension values are published`,
      k,
    },
    synthetic: status.synthetic,
    data_as_at: status.dataAsAt,
    generated_at: new Date().toISOString(),
  };
}

export type { FrameworkDimension };
