// England overview: headline figures with the change since the previous wave, the trend by domain
// across waves, Region × Domain heatmap, the ten largest capability gaps, and
// response coverage by region with the weighted gap rate.
import { type LoaderFunctionArgs, type MetaFunction, redirect } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { CapabilityTable } from "~/components/CapabilityTable";
import { Chart } from "~/components/Chart";
import { DataTable } from "~/components/DataTable";
import { GapMatrixTable } from "~/components/GapMatrixTable";
import { HeadlineFigures } from "~/components/HeadlineFigures";
import { NoWaves, SuppressionNote } from "~/components/PageParts";
import { ResponseRate } from "~/components/ResponseRate";
import { FilterPanel } from "~/components/FilterPanel";
import { TrendSection } from "~/components/TrendSection";
import { formatCount, formatPercent } from "~/lib/format";
import { withFilters } from "~/lib/filters";
import { englandOverview } from "~/lib/overview.server";
import { pageTitle } from "~/lib/page-title";
import { homeOf } from "~/lib/places.server";
import { requireViewer } from "~/lib/viewer.server";
import { cachedPage } from "~/lib/page-cache.server";

export async function loader({ request, context }: LoaderFunctionArgs) {
  const { scope } = requireViewer(request, context);
  // England's own figures are for national accounts; everyone else starts from their own area.
  if (scope.kind !== "national") throw redirect(homeOf(scope) + new URL(request.url).search);
  return cachedPage({ route: "routes/_index", request, context, scope }, () => englandOverview(new URL(request.url)));
}

export const meta: MetaFunction<typeof loader> = ({ data }) =>
  pageTitle(data?.wave ? `England overview, ${data.wave.name}` : "England overview");

export default function EnglandOverviewPage() {
  const { filters, options, wave, waves, headline, regions, capabilities, coverage, trend, provisional, trendLinks, k } = useLoaderData<typeof loader>();
  return (
    <>
      <h1>
        England overview
        {wave ? <span className="nhsuk-caption-l nhsuk-caption--bottom">{wave.name} survey wave</span> : null}
      </h1>
      <FilterPanel
        path="/"
        filters={filters}
        waves={waves}
        shownWave={wave?.label ?? null}
        options={options}
        keep={provisional ? { provisional: "true" } : undefined}
      />
      {!wave || !headline || !regions || !capabilities ? (
        <NoWaves />
      ) : (
        <>
          <HeadlineFigures headline={headline} />
          {trend ? (
            <>
              <h2 id="domain-trend-heading">Change across waves by domain</h2>
              <p>
                Is the gap closing? Each domain's gap rate in every wave, with its 95% interval: where the intervals of two
                waves do not overlap, the change is more than chance would explain.
              </p>
              <TrendSection
                figure={trend}
                caption="Gap rate by domain across waves, England"
                includeOpenHref={trendLinks.includeOpen}
                excludeOpenHref={trendLinks.excludeOpen}
                weighted={filters.weighted}
              />
            </>
          ) : null}
          <h2>Gaps by region and domain</h2>
          <p>
            The gap rate is the share of capabilities required for a role that staff do not yet meet. Select a region to see
            its organisations.
          </p>
          <Chart html={regions.chart} />
          <GapMatrixTable
            id="region-table"
            caption={`Gap rate by region and domain, ${wave.name}`}
            matrix={regions.matrix}
            downloads={regions.downloads}
          />
          <h2>Capabilities with the largest gaps</h2>
          <Chart html={capabilities.chart} />
          {capabilities.ranked.length ? (
            <CapabilityTable
              id="capability-table"
              caption={`The ${capabilities.ranked.length} capabilities with the largest gap rate, ${wave.name}`}
              ranked={capabilities.ranked}
            />
          ) : null}
          {capabilities.ranked.some((c) => c.illustrative) ? (
            <p className="nhsuk-body-s">
              Statements tagged <strong>Illustrative text</strong> are written for this product to fit the framework's
              structure and level; they are not the framework's official wording.
            </p>
          ) : null}
          {coverage ? (
            <>
              <h2>Response coverage by region</h2>
              <p>
                Where few staff answered, a gap rate describes who answered rather than the workforce. The weighted rate
                gives each organisation's staff groups their weight in the workforce.
              </p>
              <DataTable
                id="coverage-table"
                caption={`Response rate and weighted gap rate by region, ${wave.name}`}
                rowHeader="Region"
                columns={[
                  { key: "respondents", header: "Respondents", numeric: true },
                  { key: "headcount", header: "Staff in post", numeric: true },
                  { key: "rate", header: "Response rate", numeric: true },
                  { key: "gap", header: "Gap rate", numeric: true },
                  { key: "weighted", header: "Weighted gap rate (95% interval)", numeric: true },
                ]}
                rows={coverage.map((c) => ({
                  key: c.region,
                  header: <Link to={withFilters(`/regions/${c.region}`, filters)}>{c.name}</Link>,
                  cells: c.suppressed
                    ? ["suppressed", "suppressed", "suppressed", "suppressed", "suppressed"]
                    : [
                        formatCount(c.respondents ?? 0),
                        c.headcount === null ? "no data" : formatCount(c.headcount),
                        <ResponseRate rate={c.responseRate} low={c.lowResponse} suppressed={c.suppressed} key="rate" />,
                        c.gapRate === null ? "no data" : formatPercent(c.gapRate),
                        c.weighted ? `${formatPercent(c.weighted.rate)} (${formatPercent(c.weighted.low)} to ${formatPercent(c.weighted.high)})` : "no data",
                      ],
                }))}
              />
            </>
          ) : null}
          <SuppressionNote k={k} />
        </>
      )}
    </>
  );
}
