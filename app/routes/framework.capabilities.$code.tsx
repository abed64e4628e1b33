// One capability statement: its text, place in the framework, level and archetypes, and its gap
// across England, by region (chart and table) and by staff group.
import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import type { BreadcrumbHandle } from "~/components/Breadcrumbs";
import { Chart } from "~/components/Chart";
import { FilterPanel } from "~/components/FilterPanel";
import { ArchetypeBadges, IllustrativeTag } from "~/components/FrameworkParts";
import { HeadlineFigures } from "~/components/HeadlineFigures";
import { NoWaves, SuppressionNote } from "~/components/PageParts";
import { RateTable } from "~/components/RateTable";
import { formatPercent } from "~/lib/format";
import { CAPABILITY_PAGE_HIDDEN } from "~/lib/framework-links";
import { capabilityPage } from "~/lib/framework-pages.server";
import { englandCrumb } from "~/lib/links";
import { pageTitle } from "~/lib/page-title";
import { cachedPage } from "~/lib/page-cache.server";
import { requireViewer } from "~/lib/viewer.server";

export async function loader({ params, request, context }: LoaderFunctionArgs) {
  const { scope } = requireViewer(request, context);
  return cachedPage({ route: "routes/framework.capabilities.$code", request, context, scope }, () => capabilityPage(params.code ?? "", new URL(request.url), scope));
}

type Data = Awaited<ReturnType<typeof loader>>;

export const handle: BreadcrumbHandle = {
  breadcrumbs: (data) => {
    const page = data as Data | undefined;
    if (!page) return [englandCrumb(), { href: "/framework", text: "Capability framework" }];
    const domain = page.statement.path.find((n) => n.type === "domain");
    return [
      englandCrumb(page.query),
      { href: page.explorerHref, text: "Capability framework" },
      ...(domain ? [{ href: `${page.explorerHref}#domain-${domain.code}`, text: `${domain.code}. ${domain.title}` }] : []),
    ];
  },
};

export const meta: MetaFunction<typeof loader> = ({ data }) =>
  pageTitle(data ? `Capability ${data.statement.code}${data.wave ? `, ${data.wave.name}` : ""}` : "Capability statement");

export default function CapabilityPage() {
  const { statement, version, wave, waves, filters, options, figures, why, explorerHref } = useLoaderData<typeof loader>();
  const keep: Record<string, string> = wave && why ? { version } : {};
  const england = figures?.england;
  return (
    <>
      <h1>
        <span className="nhsuk-caption-l">Capability {statement.code}</span>
        {statement.title}
      </h1>
      <dl className="nhsuk-summary-list" id="statement-details">
        <div className="nhsuk-summary-list__row">
          <dt className="nhsuk-summary-list__key">Where it sits</dt>
          <dd className="nhsuk-summary-list__value">{statement.path.map((n) => `${n.code} ${n.title}`).join(" › ")}</dd>
        </div>
        <div className="nhsuk-summary-list__row">
          <dt className="nhsuk-summary-list__key">Level</dt>
          <dd className="nhsuk-summary-list__value">Level {statement.level}</dd>
        </div>
        <div className="nhsuk-summary-list__row">
          <dt className="nhsuk-summary-list__key">Required of</dt>
          <dd className="nhsuk-summary-list__value">
            <ArchetypeBadges archetypes={statement.archetypes} />
          </dd>
        </div>
        <div className="nhsuk-summary-list__row">
          <dt className="nhsuk-summary-list__key">Wording</dt>
          <dd className="nhsuk-summary-list__value">
            {statement.illustrative ? (
              <>
                <IllustrativeTag /> Written for this product to fit the framework's structure and level; not the framework's
                official wording.
              </>
            ) : (
              "The framework's own wording."
            )}
          </dd>
        </div>
        <div className="nhsuk-summary-list__row">
          <dt className="nhsuk-summary-list__key">Framework version</dt>
          <dd className="nhsuk-summary-list__value">{version}</dd>
        </div>
      </dl>
      <FilterPanel
        path={`/framework/capabilities/${encodeURIComponent(statement.code)}`}
        filters={filters}
        waves={waves}
        shownWave={wave?.label ?? null}
        options={options}
        hide={CAPABILITY_PAGE_HIDDEN}
        keep={keep}
      />
      {!wave ? (
        <NoWaves />
      ) : why || !figures || !england ? (
        <div className="nhsuk-inset-text">
          <span className="nhsuk-u-visually-hidden">Information: </span>
          <p>{why}</p>
        </div>
      ) : (
        <>
          <h2>Across England</h2>
          <p>
            The gap rate is the share of staff this statement is required of who do not yet meet it (a rating below
            “confident”).
          </p>
          <HeadlineFigures headline={{ respondents: england.respondents, gapRate: england.rate, suppressed: england.state === "suppressed" }} />
          {england.state === "value" && england.low !== null && england.high !== null ? (
            <p id="england-interval">
              95% interval{figures.weighted ? " of the weighted rate" : ""}: {formatPercent(england.low)} to {formatPercent(england.high)}.
            </p>
          ) : null}
          <h2>By region</h2>
          <Chart html={figures.regionChart} />
          {figures.regions.length ? (
            <RateTable
              id="region-table"
              caption={`Gap rate by region, ${statement.code}, ${wave.name}`}
              rowHeader="Region"
              rows={figures.regions}
              weighted={figures.weighted}
            />
          ) : null}
          <h2>By staff group</h2>
          {"unavailable" in figures.staffGroups ? (
            <div className="nhsuk-inset-text">
              <span className="nhsuk-u-visually-hidden">Information: </span>
              <p>Gaps by staff group cannot be shown with these filters. {figures.staffGroups.unavailable}</p>
            </div>
          ) : (
            <RateTable
              id="staff-group-table"
              caption={`Gap rate by staff group, ${statement.code}, England, ${wave.name}`}
              rowHeader="Staff group"
              rows={figures.staffGroups}
              weighted={figures.weighted}
            />
          )}
          <SuppressionNote k={figures.k} />
        </>
      )}
      <p>
        <Link to={`${explorerHref}#node-${statement.nodeCode}`}>Back to the framework</Link>
      </p>
    </>
  );
}
