// Data for the framework explorer (a framework version's domains, sub-domains, sections and
// capability statements) and for one capability statement's page: its text, level and archetypes,
// and its gap across England, by region and by staff group, all from queryGaps.
import { QueryError, type Filters } from "~db/analytics/dimensions";
import { queryGaps } from "~db/analytics/gaps";
import { NATIONAL, placeInScope, type Scope } from "~db/analytics/scope";
import { type RateBar, rateBar, rateBars, renderRateBars } from "~/charts/bars.server";
import { getDatabase } from "./db.server";
import type { FilterOptions } from "./filter-options.server";
import { filterQuery, narrowing, type PageFilters } from "./filters";
import { waveName } from "./format";
import {
  findStatement, type FrameworkCounts, frameworkCounts, selectStatements, type FrameworkNode, type FrameworkVersion, frameworkVersions, loadFramework,
  type StatementPlace,
} from "./framework.server";
import { CAPABILITY_PAGE_FIXED } from "./framework-links";
import { notFound, orBadRequest } from "./http.server";
import { dropFilters, pageAddress } from "./page-own.server";
import { pageContext } from "./page-filters.server";
import { staffGroupHref } from "./staff-group.server";
import type { WaveOption } from "./waves.server";

export interface FrameworkExplorer {
  versions: FrameworkVersion[];
  version: FrameworkVersion;
  /** The version's tree, with only the statements the archetype, level and domain filters select. */
  tree: FrameworkNode[];
  /** Of the whole version. */
  counts: FrameworkCounts;
  /** Statements shown (all of them unless a filter selects). */
  shown: number;
  /** What the filters select, in words (empty when nothing is selected). */
  selection: string[];
  options: FilterOptions;
  /** ?version= when the page shows a version other than the wave's, kept by the selection form. */
  ownVersion: string | null;
  /** Waves assessed against this version, oldest first. */
  assessedIn: WaveOption[];
  wave: WaveOption | null;
  filters: PageFilters;
  /** The filters as a normal query string, for the breadcrumbs. */
  query: string;
  /** Appended to a statement's address: the filters, and the version when it is not the wave's. */
  statementQuery: string;
}

/** The version a page shows: ?version=, else the shown wave's, else the latest loaded. */
function chooseVersion(url: URL, versions: FrameworkVersion[], waveVersion: string | null): string {
  const asked = url.searchParams.get("version")?.trim();
  if (asked) {
    if (!versions.some((v) => v.version === asked)) {
      throw notFound(
        `version=${asked}: there is no framework version “${asked}”. ` +
          (versions.length ? `Loaded: ${versions.map((v) => v.version).join(", ")}.` : "No framework is loaded."),
      );
    }
    return asked;
  }
  const latest = versions[versions.length - 1];
  if (!waveVersion && !latest) throw notFound("No framework version is loaded yet.");
  return waveVersion ?? latest.version;
}

export async function frameworkExplorer(url: URL): Promise<FrameworkExplorer> {
  const db = getDatabase();
  const { filters, wave, options } = await pageContext(db, url);
  const versions = await frameworkVersions(db);
  const chosen = chooseVersion(url, versions, wave?.frameworkVersion ?? null);
  const framework = (await loadFramework(db, chosen))!;
  const tree = selectStatements(framework.tree, filters);
  const named = (list: { code: string; name: string }[], code: string | null) => (code ? (list.find((o) => o.code === code)?.name ?? code) : null);
  const archetype = named(options.archetypes, filters.archetype);
  const domain = named(options.domains, filters.domain);
  const selection = [
    ...(archetype ? [`required of ${archetype}`] : []),
    ...(filters.level ? [`at level ${filters.level}`] : []),
    ...(domain ? [`in ${domain}`] : []),
  ];
  const ownVersion = chosen === wave?.frameworkVersion ? null : chosen;
  const waves = await db.query<{ label: string }>(
    "select w.label from waves w join frameworks f on f.id = w.framework_id where f.version = $1 order by w.reference_date, w.label",
    [chosen],
  );
  return {
    versions,
    version: framework.version,
    tree,
    counts: frameworkCounts(framework.tree),
    shown: frameworkCounts(tree).statements,
    selection,
    options,
    ownVersion,
    assessedIn: waves.map((w) => ({ label: w.label, name: waveName(w.label) })),
    wave: wave ? { label: wave.label, name: waveName(wave.label) } : null,
    filters,
    query: filterQuery(filters),
    // A statement's page does not take the level and domain filters (CAPABILITY_PAGE_FIXED).
    statementQuery: pageAddress("", { ...filters, level: null, domain: null }, { version: ownVersion }),
  };
}

export interface CapabilityFigures {
  england: RateBar;
  regions: RateBar[];
  regionChart: string;
  /** Or why the filters rule it out. */
  staffGroups: RateBar[] | { unavailable: string };
  weighted: boolean;
  k: number;
}

export interface CapabilityPage {
  statement: StatementPlace;
  version: string;
  filters: PageFilters;
  query: string;
  options: FilterOptions;
  wave: WaveOption | null;
  waves: WaveOption[];
  /** Null when no wave is loaded or the wave was assessed against another version (`why`). */
  figures: CapabilityFigures | null;
  why: string | null;
  /** The explorer, at this statement's version. */
  explorerHref: string;
}

export async function capabilityPage(code: string, url: URL, scope: Scope): Promise<CapabilityPage> {
  const db = getDatabase();
  dropFilters(url, CAPABILITY_PAGE_FIXED);
  const { filters, wave, waves, options } = await pageContext(db, url);
  const versions = await frameworkVersions(db);
  const version = chooseVersion(url, versions, wave?.frameworkVersion ?? null);
  const statement = await findStatement(db, version, code);
  if (!statement) throw notFound(`There is no capability statement “${code}” in framework version ${version}.`);
  const query = filterQuery(filters);
  const base = {
    statement,
    version,
    filters,
    query,
    options,
    waves,
    explorerHref: pageAddress("/framework", filters, { version: version === wave?.frameworkVersion ? null : version }),
  };
  if (!wave) return { ...base, wave: null, figures: null, why: null };
  const shown = { label: wave.label, name: waveName(wave.label) };
  if (wave.frameworkVersion !== version) {
    const why = `The ${shown.name} wave was assessed against framework version ${wave.frameworkVersion}, not ${version}: choose a wave assessed against ${version} to see this statement's figures.`;
    return { ...base, wave: shown, figures: null, why };
  }
  const narrowed: Filters = { ...narrowing(filters), capability: statement.code, wave: wave.label };
  const request = { filters: narrowed, weighted: filters.weighted };
  const [england, byRegion] = await Promise.all([
    orBadRequest(() => queryGaps(db, NATIONAL, { by: [], ...request })),
    orBadRequest(() => queryGaps(db, NATIONAL, { by: ["region"], ...request })),
  ]);
  const weighted = Boolean(filters.weighted && byRegion.meta.coverage?.headcount_waves.includes(wave.label));
  const k = byRegion.meta.suppression.k;
  // England and England's staff groups are comparators for everyone; a region's own figures only
  // for a viewer in it (its region, or an ICB or organisation inside it at the wave shown).
  const seen = await Promise.all(
    byRegion.rows.map((r) => scope.kind === "national" || placeInScope(db, { kind: "region", code: String(r.region) }, { kind: scope.kind, code: scope.code }, wave.referenceDate)),
  );
  // A region's page exists for national and regional accounts; below that the bar is a comparator only.
  const linked = scope.kind === "national" || scope.kind === "region";
  const regions = rateBars(byRegion.rows.filter((_, i) => seen[i]), "region", { weighted }).map((b) => ({ ...b, href: linked ? pageAddress(`/regions/${b.code}`, filters) : undefined }));
  const englandBar = rateBar(england.rows[0], "england", "England", weighted);
  let staffGroups: CapabilityFigures["staffGroups"];
  try {
    const table = await queryGaps(db, NATIONAL, { by: ["staff_group"], ...request });
    staffGroups = rateBars(table.rows, "staff_group", {
      weighted,
      expected: filters.staff_group ? options.staffGroups.filter((g) => g.code === filters.staff_group) : options.staffGroups,
    }).map((b) => ({
      ...b,
      href: staffGroupHref(b.code, filters),
    }));
  } catch (error) {
    // Staff group with both archetype and band filters is outside the published cube.
    if (!(error instanceof QueryError)) throw error;
    staffGroups = { unavailable: error.message };
  }
  return {
    ...base,
    wave: shown,
    why: null,
    figures: {
      england: englandBar,
      regions,
      regionChart: renderRateBars({
        id: "region-bars",
        title: `Gap rate by region, ${statement.code}, ${shown.name}${weighted ? ", weighted to staff in post" : ""}`,
        bars: regions,
        k,
      }),
      staffGroups,
      weighted,
      k,
    },
  };
}
