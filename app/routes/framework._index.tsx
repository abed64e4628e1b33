// The framework explorer: a framework version's domains, sub-domains and sections, and every
// capability statement with its level, archetype badges and whether its text is illustrative.
// Each statement links to its gap across England, by region and by staff group.
import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, useLoaderData } from "@remix-run/react";
import type { BreadcrumbHandle } from "~/components/Breadcrumbs";
import { StatementTable } from "~/components/FrameworkParts";
import { withFilters } from "~/lib/filters";
import { formatCount } from "~/lib/format";
import { statementHref } from "~/lib/framework-links";
import { frameworkExplorer } from "~/lib/framework-pages.server";
import type { FrameworkNode } from "~/lib/framework.server";
import { englandCrumb } from "~/lib/links";
import { pageTitle } from "~/lib/page-title";
import { cachedPage } from "~/lib/page-cache.server";
import { requireViewer } from "~/lib/viewer.server";
import { Select } from "~/components/FormFields";

export async function loader({ request, context }: LoaderFunctionArgs) {
  // The framework itself is the same for everyone; the page shows no figures.
  const { scope } = requireViewer(request, context);
  return cachedPage({ route: "routes/framework._index", request, context, scope }, () => frameworkExplorer(new URL(request.url)));
}

export const handle: BreadcrumbHandle = {
  breadcrumbs: (data) => [englandCrumb((data as Awaited<ReturnType<typeof loader>> | undefined)?.query)],
};

export const meta: MetaFunction<typeof loader> = ({ data }) => pageTitle(data ? `Capability framework, ${data.version.version}` : "Capability framework");

const statements = (n: number) => `${formatCount(n)} ${n === 1 ? "statement" : "statements"}`;

/** A sub-domain as an expander: its own statements, then each section's under a heading. */
function SubDomain({ node, href, open }: { node: FrameworkNode; href: (code: string) => string; open: boolean }) {
  return (
    <details className="nhsuk-details nhsuk-expander" id={`node-${node.code}`} open={open}>
      <summary className="nhsuk-details__summary">
        <span className="nhsuk-details__summary-text">
          {node.code} {node.title} ({statements(node.total)})
        </span>
      </summary>
      <div className="nhsuk-details__text">
        {node.capabilities.length ? (
          <StatementTable id={`statements-${node.code}`} caption={`Statements in ${node.code} ${node.title}`} statements={node.capabilities} href={href} />
        ) : null}
        {node.children.map((section) => (
          <section key={section.code} id={`node-${section.code}`}>
            <h3 className="nhsuk-heading-s">
              {section.code} {section.title}
            </h3>
            <StatementTable id={`statements-${section.code}`} caption={`Statements in ${section.code} ${section.title}`} statements={section.capabilities} href={href} />
          </section>
        ))}
      </div>
    </details>
  );
}

export default function FrameworkExplorerPage() {
  const { version, versions, tree, counts, shown, selection, options, ownVersion, filters, assessedIn, wave, statementQuery, query } =
    useLoaderData<typeof loader>();
  const href = (code: string) => statementHref(code, statementQuery);
  // A selection is short enough to show open.
  const selected = selection.length > 0;
  const all = withFilters("/framework", filters, { archetype: null, level: null, domain: null });
  // The selection form sends the other filters and the version along, so they survive it.
  const carried: [string, string | null][] = [
    ["wave", filters.wave],
    ["compare_to", filters.compare_to],
    ["staff_group", filters.staff_group],
    ["band", filters.band],
    ["domain", filters.domain],
    ["weighted", filters.weighted ? "true" : null],
    ["version", ownVersion],
  ];
  return (
    <>
      <h1>
        Capability framework
        <span className="nhsuk-caption-l nhsuk-caption--bottom">
          {version.title} (version {version.version})
        </span>
      </h1>
      <p>
        {formatCount(counts.statements)} capability statements in {counts.domains} domains, {counts.subDomains} sub-domains and{" "}
        {counts.sections} sections. Each statement sits at one of four knowledge levels and is badged with the workforce
        archetypes it is required of. Select a statement to see its gap across England, by region and by staff group
        {wave ? ` in the ${wave.name} wave` : ""}.
      </p>
      <p>
        {assessedIn.length
          ? `Survey waves assessed against this version: ${assessedIn.map((w) => w.name).join(", ")}.`
          : "No survey wave has been assessed against this version yet."}
      </p>
      {versions.length > 1 ? (
        <nav aria-labelledby="versions-heading">
          <h2 id="versions-heading" className="nhsuk-heading-s">
            Framework versions
          </h2>
          <ul className="nhsuk-list">
            {versions.map((v) =>
              v.version === version.version ? (
                <li key={v.version}>
                  <strong>{v.title} (version {v.version}, shown)</strong>
                </li>
              ) : (
                <li key={v.version}>
                  <Link to={`/framework${query}${query ? "&" : "?"}version=${encodeURIComponent(v.version)}`}>
                    {v.title} (version {v.version})
                  </Link>
                </li>
              ),
            )}
          </ul>
        </nav>
      ) : null}
      {counts.illustrative ? (
        <div className="nhsuk-inset-text">
          <span className="nhsuk-u-visually-hidden">Information: </span>
          <p>
            {formatCount(counts.illustrative)} of the {formatCount(counts.statements)} statements are tagged{" "}
            <strong>Illustrative text</strong>: they are written for this product to fit the framework's structure and level,
            and are not the framework's official wording.
          </p>
        </div>
      ) : null}
      <Form method="get" className="app-filters app-statement-selection" aria-label="Select statements">
        <div className="app-filters__grid">
          <Select id="archetype" label="Required of" value={filters.archetype} all="All archetypes" options={options.archetypes} />
          <Select id="level" label="Level" value={filters.level} all="All levels" options={options.levels} />
        </div>
        {carried.map(([name, value]) => (value ? <input type="hidden" name={name} value={value} key={name} /> : null))}
        <div className="app-filters__actions">
          <button className="nhsuk-button nhsuk-button--secondary nhsuk-button--small" type="submit">
            Show statements
          </button>
          {selection.length ? (
            <Link className="nhsuk-link" to={`${all}${ownVersion ? `${all.includes("?") ? "&" : "?"}version=${encodeURIComponent(ownVersion)}` : ""}`}>
              Show all statements
            </Link>
          ) : null}
        </div>
      </Form>
      {selection.length ? (
        <p id="statement-selection">
          Showing {statements(shown)} of {formatCount(counts.statements)}: {selection.join(", ")}.
        </p>
      ) : null}
      {shown === 0 ? <p>No statement of this version matches. Choose another archetype or level.</p> : null}
      <nav className="nhsuk-contents-list" aria-label="Domains">
        <h2 className="nhsuk-u-visually-hidden">Domains</h2>
        <ol className="nhsuk-contents-list__list">
          {tree.map((d) => (
            <li className="nhsuk-contents-list__item" key={d.code}>
              <a className="nhsuk-contents-list__link" href={`#domain-${d.code}`}>
                {d.code}. {d.title} ({statements(d.total)})
              </a>
            </li>
          ))}
        </ol>
      </nav>
      {tree.map((domain) => (
        <section key={domain.code}>
          <h2 id={`domain-${domain.code}`}>
            {domain.code}. {domain.title}
          </h2>
          <p className="nhsuk-body-s">
            {statements(domain.total)}
            {domain.children.length ? ` in ${domain.children.length} sub-domain${domain.children.length === 1 ? "" : "s"}` : ""}.
          </p>
          {domain.capabilities.length ? (
            <details className="nhsuk-details nhsuk-expander" id={`node-${domain.code}`} open={selected}>
              <summary className="nhsuk-details__summary">
                <span className="nhsuk-details__summary-text">
                  {domain.children.length ? `Statements across ${domain.title.toLowerCase()}` : `Statements in ${domain.title.toLowerCase()}`} (
                  {statements(domain.capabilities.length)})
                </span>
              </summary>
              <div className="nhsuk-details__text">
                <StatementTable id={`statements-${domain.code}`} caption={`${domain.children.length ? "Domain-wide statements" : "Statements"} in ${domain.code}. ${domain.title}`} statements={domain.capabilities} href={href} />
              </div>
            </details>
          ) : null}
          {domain.children.map((sub) => (
            <SubDomain node={sub} href={href} open={selected} key={sub.code} />
          ))}
        </section>
      ))}
    </>
  );
}
