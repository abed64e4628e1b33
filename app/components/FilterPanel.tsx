// The page's filters as a GET form, so every choice lives in the URL (shareable, back-button safe)
// and works without JavaScript; with it, Remix's <Form> navigates without a full reload. The wave
// stays in view; the rest sit in an NHS.UK details element, open whenever one of them is set.
import { Form, Link } from "@remix-run/react";
import type { FilterOptions } from "~/lib/filter-options.server";
import { Select } from "./FormFields";
import { isNarrowed, type PageFilterKey, type PageFilters, withFilters, NO_FILTERS } from "~/lib/filters";
import type { WaveOption } from "~/lib/waves.server";

interface Props {
  /** The page's address without a query string (where "Clear filters" goes). */
  path: string;
  filters: PageFilters;
  waves: WaveOption[];
  /** The wave shown (the latest when the URL names none). */
  shownWave: string | null;
  options: FilterOptions;
  /**
   * The page's own parameters (e.g. a table's order, or the area on a staff group's page), kept as
   * hidden fields when the filters change, and when they are cleared.
   */
  keep?: Record<string, string>;
  /** Filters the page fixes itself or cannot use (e.g. the staff group on a staff group's page): not offered. */
  hide?: readonly PageFilterKey[];
}

function keepParams(address: string, keep: Record<string, string>): string {
  const own = new URLSearchParams(keep).toString();
  return own ? `${address}${address.includes("?") ? "&" : "?"}${own}` : address;
}

export function FilterPanel({ path, filters, waves, shownWave, options, keep, hide = [] }: Props) {
  const shown = (key: PageFilterKey) => !hide.includes(key);
  if (waves.length === 0) return null;
  const newestFirst = [...waves].reverse();
  const earlier = shownWave ? newestFirst.slice(newestFirst.findIndex((w) => w.label === shownWave) + 1) : [];
  const open = isNarrowed(filters) || filters.weighted || filters.compare_to !== null;
  return (
    <Form method="get" className="app-filters" aria-label="Filters">
      {Object.entries(keep ?? {}).map(([name, value]) => (
        <input type="hidden" name={name} value={value} key={name} />
      ))}
      <div className="app-wave-selector">
        <div className="nhsuk-form-group">
          <label className="nhsuk-label" htmlFor="wave">
            Survey wave
          </label>
          <select className="nhsuk-select" id="wave" name="wave" defaultValue={shownWave ?? undefined} key={shownWave}>
            {newestFirst.map((w) => (
              <option value={w.label} key={w.label}>
                {w.name}
              </option>
            ))}
          </select>
        </div>
        <button className="nhsuk-button nhsuk-button--secondary nhsuk-button--small" type="submit">
          Show wave
        </button>
      </div>
      <details className="nhsuk-details app-filters__more" open={open}>
        <summary className="nhsuk-details__summary">
          <span className="nhsuk-details__summary-text">Filter and compare</span>
        </summary>
        <div className="nhsuk-details__text">
          <div className="app-filters__grid">
            {shown("compare_to") ? (
              <Select id="compare_to" label="Compare with" value={filters.compare_to} all="The previous wave" options={earlier.map((w) => ({ code: w.label, name: w.name }))} />
            ) : null}
            {shown("archetype") ? <Select id="archetype" label="Archetype" value={filters.archetype} all="All archetypes" options={options.archetypes} /> : null}
            {shown("staff_group") ? <Select id="staff_group" label="Staff group" value={filters.staff_group} all="All staff groups" options={options.staffGroups} /> : null}
            {shown("band") ? <Select id="band" label="Band" value={filters.band} all="All bands" options={options.bands} /> : null}
            {shown("domain") ? <Select id="domain" label="Domain" value={filters.domain} all="All domains" options={options.domains} /> : null}
            {shown("level") ? <Select id="level" label="Level" value={filters.level} all="All levels" options={options.levels} /> : null}
          </div>
          <div className="nhsuk-checkboxes nhsuk-checkboxes--small nhsuk-form-group">
            <div className="nhsuk-checkboxes__item">
              <input className="nhsuk-checkboxes__input" id="weighted" name="weighted" type="checkbox" value="true" defaultChecked={filters.weighted} key={String(filters.weighted)} />
              <label className="nhsuk-label nhsuk-checkboxes__label" htmlFor="weighted">
                Weight gap rates to the workforce in post
              </label>
            </div>
          </div>
          <div className="app-filters__actions">
            <button className="nhsuk-button nhsuk-button--secondary nhsuk-button--small" type="submit">
              Apply filters
            </button>
            <Link className="nhsuk-link" to={keepParams(withFilters(path, NO_FILTERS, { wave: filters.wave }), keep ?? {})}>
              Clear filters
            </Link>
          </div>
        </div>
      </details>
    </Form>
  );
}
