// England overview: headline figures, Region × Domain heatmap, the ten largest capability gaps, and
// response coverage by region with the weighted gap rate.
import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { CapabilityTable } from "~/components/CapabilityTable";
import { Chart } from "~/components/Chart";
import { DataTable } from "~/components/DataTable";
import { GapMatrixTable } from "~/components/GapMatrixTable";
import { HeadlineFigures } from "~/components/HeadlineFigures";
import { NoWaves, SuppressionNote } from "~/components/PageParts";
import { ResponseRate } from "~/components/ResponseRate";
import { FilterPanel } from "~/components/FilterPanel";
import { formatCount, formatPercent } from "~/lib/format";
import { withFilters } from "~/lib/filters";
import { englandOverview } from "~/lib/overview.server";
import { pageTitle } from "~/lib/page-title";

export async function loader({ request }: LoaderFunctionArgs) {
  return englandOverview(new URL(request.url));
}

export const meta: MetaFunction<typeof loader> = ({ data }) =>
  pageTitle(data?.wave ? `England overview, ${data.wave.name}` : "England overview");

export default function EnglandOverviewPage() {
  const { filters, options, wave, waves, headline, regions, capabilities, coverage, k } = useLoaderData<typeof loader>();
  return (
    <>
      <h1>
        England overview
        {wave ? <span className="nhsuk-caption-l nhsuk-caption--bottom">{wave.name} survey wave</span> : null}
      </h1>
      <FilterPanel path="/" filters={filters} waves={waves} shownWave={wave?.label ?? null} options={options} />
      {!wave || !headline || !regions || !capabilities ? (
        <NoWaves />
      ) : (
        <>
          <HeadlineFigures headline={headline} />
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
