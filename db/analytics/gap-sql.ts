// Builds the SQL of a gaps request. Two stages: first sum rollup cells (the rollup_cells view) per
// (wave, grain value, person dimensions) — the only aggregation, and only across the person axis —
// then join the small result to the tables that give codes their names and order. Pure: a plan in, text and params out.
import type { Dimension, GapPlan, PersonDimension, RollupGrain } from "./dimensions";
import type { Scope } from "./scope";

const PERSON_CODE: Record<Exclude<PersonDimension, "wave">, string> = {
  region: "m.region_code",
  icb: "m.icb_code",
  organisation: "ro.organisation_code",
  staff_group: "ro.staff_group_code",
  archetype: "ro.archetype_code",
  band: "ro.band_code",
};

/** Code, name and sort expressions of each output dimension, over the summed cells `x`. */
function output(dim: Dimension, rg: RollupGrain): { code: string; name: string; sort: string } {
  switch (dim) {
    case "wave":
      return { code: "w.label", name: "w.label", sort: "w.reference_date" };
    case "region":
      return { code: "x.region", name: "rg.name", sort: "rg.name" };
    case "icb":
      return { code: "x.icb", name: "ib.name", sort: "ib.name" };
    case "organisation":
      return { code: "x.organisation", name: "o.name", sort: "o.name" };
    case "staff_group":
      return { code: "x.staff_group", name: "sg.name", sort: "sg.sort_order" };
    case "archetype":
      return { code: "x.archetype", name: "ar.name", sort: "ar.sort_order" };
    case "band":
      return { code: "x.band", name: "coalesce(bd.name, 'Not recorded')", sort: "coalesce(bd.sort_order, 99)" };
    case "domain":
      return { code: domainOf(rg), name: "dn.title", sort: "dn.sort_order" };
    case "sub_domain":
      return { code: "x.grain_key", name: "sn.title", sort: "sn.sort_order" };
    case "capability":
      return { code: "x.grain_key", name: "c.title", sort: "c.sort_order" };
    case "level":
      return { code: levelOf(rg), name: `'Level ' || ${levelOf(rg)}`, sort: levelOf(rg) };
  }
}

function domainOf(rg: RollupGrain): string {
  return { domain: "x.grain_key", domain_level: "split_part(x.grain_key, ':', 1)", sub_domain: "sn.domain_code", capability: "c.domain_code" }[
    rg as "domain"
  ];
}

function levelOf(rg: RollupGrain): string {
  return { level: "x.grain_key::int", domain_level: "split_part(x.grain_key, ':', 2)::int", capability: "c.level" }[rg as "level"];
}

/** A framework filter as a condition on the rollup row's grain key (inner stage). */
function frameworkFilter(dim: Dimension, rg: RollupGrain, p: string): string {
  const capability = (condition: string) =>
    `exists (select 1 from capabilities fc where fc.framework_id = w.framework_id and fc.code = ro.grain_key and ${condition})`;
  if (rg === "domain_level" && dim === "domain") return `split_part(ro.grain_key, ':', 1) = ${p}`;
  if (rg === "domain_level" && dim === "level") return `split_part(ro.grain_key, ':', 2) = ${p}`;
  if (rg === "sub_domain" && dim === "domain") {
    return `exists (select 1 from framework_nodes fn where fn.framework_id = w.framework_id and fn.code = ro.grain_key and fn.domain_code = ${p})`;
  }
  if (rg === "capability" && dim === "domain") return capability(`fc.domain_code = ${p}`);
  if (rg === "capability" && dim === "level") return capability(`fc.level = ${p}::int`);
  if (rg === "capability" && dim === "sub_domain") {
    return capability(`exists (select 1 from capability_nodes cn where cn.capability_id = fc.id and cn.node_code = ${p})`);
  }
  return `ro.grain_key = ${p}`; // the filter names the grain value itself
}

export function normalise(dim: Dimension, value: string): string {
  if (dim === "band") return value.toLowerCase().replace(/^(afc\s*)?band\s*/, "");
  if (dim === "organisation" || dim === "region" || dim === "icb" || dim === "archetype") return value.toUpperCase();
  return value;
}

/** Cells read through a crosswalk: its rollups, in the later version's capabilities (decision 018). */
export interface CrosswalkSource {
  crosswalkId: number;
  toFrameworkId: number;
}

/**
 * `organisations`, when given, restricts the cells to those organisations (a trend over the
 * organisations that reported in both waves). `crosswalk`, when given, reads the crosswalked
 * rollups instead, with every wave's framework taken to be the crosswalk's later version.
 */
export function gapSql(
  plan: GapPlan,
  scope: Scope,
  waveIds: number[],
  organisations?: string[],
  crosswalk?: CrosswalkSource,
): { text: string; params: unknown[] } {
  const rg = plan.rollupGrain;
  const params: unknown[] = [rg, waveIds];
  const param = (value: unknown) => {
    params.push(value);
    return `$${params.length}`;
  };
  const source = crosswalk ? `(select * from crosswalk_cells where crosswalk_id = ${param(crosswalk.crosswalkId)}::int) ro` : "rollup_cells ro";
  const waves = crosswalk
    ? `(select id, label, reference_date, ${param(crosswalk.toFrameworkId)}::int as framework_id from waves) w`
    : "waves w";
  const filters = Object.entries(plan.filters).filter(([d]) => d !== "wave") as [Dimension, string][];
  const person = plan.person.filter((d): d is Exclude<PersonDimension, "wave"> => d !== "wave");

  const where = ["ro.grain = $1", "ro.wave_id = any($2::int[])"];
  if (scope.kind === "region") where.push(`m.region_code = ${param(scope.code)}`);
  if (scope.kind === "icb") where.push(`m.icb_code = ${param(scope.code)}`);
  if (scope.kind === "organisation") where.push(`ro.organisation_code = ${param(scope.code)}`);
  if (organisations) where.push(`ro.organisation_code = any(${param(organisations)}::text[])`);
  for (const [dim, value] of filters) {
    const p = param(normalise(dim, value));
    if (dim === "staff_group") where.push(`upper(ro.staff_group_code) = upper(${p})`);
    else if (dim in PERSON_CODE) where.push(`${PERSON_CODE[dim as keyof typeof PERSON_CODE]} = ${p}`);
    else where.push(frameworkFilter(dim, rg, p));
  }
  // Region and ICB are each organisation's membership on the wave's reference date.
  const needsMembership =
    scope.kind === "region" || scope.kind === "icb" || [...person, ...filters.map(([d]) => d)].some((d) => d === "region" || d === "icb");
  const cellKeys = ["ro.wave_id", "ro.grain_key", ...person.map((d) => `${PERSON_CODE[d]} as ${d}`)];
  // The codes a filter matched (one per cell), so that each cell's place in the published cube is known.
  const filteredPerson = filters.map(([d]) => d).filter((d): d is keyof typeof PERSON_CODE => d in PERSON_CODE && !person.includes(d as never));
  const matched = filteredPerson.map((d) => `min(${PERSON_CODE[d]}) as f_${d}`);
  const cells = `
    select ${[...cellKeys, ...matched].join(", ")},
           sum(ro.respondents)::int as respondents, sum(ro.required)::int as required, sum(ro.met)::int as met,
           sum(ro.sum_r2)::float8 as sum_r2, sum(ro.sum_u2)::float8 as sum_u2, sum(ro.sum_ru)::float8 as sum_ru
    from ${source}
    join ${waves} on w.id = ro.wave_id
    ${needsMembership ? `join organisation_memberships m on m.organisation_code = ro.organisation_code
       and w.reference_date between m.valid_from and coalesce(m.valid_to, 'infinity'::date)` : ""}
    where ${where.join(" and ")}
    group by ${cellKeys.map((_, i) => i + 1).join(", ")}`;

  const dims = [...plan.person, ...plan.framework];
  const joins = [`join ${waves} on w.id = x.wave_id`];
  if (person.includes("region")) joins.push("join regions rg on rg.code = x.region");
  if (person.includes("icb")) joins.push("join icbs ib on ib.code = x.icb");
  if (person.includes("organisation")) joins.push("join organisations o on o.code = x.organisation");
  if (person.includes("staff_group")) joins.push("join staff_groups sg on sg.code = x.staff_group");
  if (person.includes("archetype")) joins.push("join archetypes ar on ar.code = x.archetype");
  if (person.includes("band")) joins.push("left join bands bd on bd.code = x.band");
  if (rg === "capability" && plan.framework.length) joins.push("join capabilities c on c.framework_id = w.framework_id and c.code = x.grain_key");
  if (rg === "sub_domain" && plan.framework.length) joins.push("join framework_nodes sn on sn.framework_id = w.framework_id and sn.code = x.grain_key");
  if (plan.framework.includes("domain")) joins.push(`join framework_nodes dn on dn.framework_id = w.framework_id and dn.code = ${domainOf(rg)}`);
  const out = dims.map((d) => ({ dim: d, ...output(d, rg) }));
  const select = out.flatMap((d) => [`${d.code} as "${d.dim}"`, `${d.name} as "${d.dim}_name"`]);
  const text = `
    with x as (${cells})
    select ${[...select, "x.respondents", "x.required", "x.met", "x.sum_r2", "x.sum_u2", "x.sum_ru", 'x.grain_key as "_grain_key"', ...filteredPerson.map((d) => `x.f_${d} as "_${d}"`)].join(", ")}
    from x ${joins.join("\n    ")}
    ${out.length ? `order by ${out.map((d) => `${d.sort}, ${d.code}`).join(", ")}` : ""}`;
  return { text, params };
}
