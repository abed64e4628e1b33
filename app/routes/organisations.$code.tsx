// An Organisation: headline figures, StaffGroup × Domain heatmap, comparison with peers, attained
// levels per Domain, and every capability statement's gap.
import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import type { BreadcrumbHandle } from "~/components/Breadcrumbs";
import { Chart } from "~/components/Chart";
import { Downloads } from "~/components/Downloads";
import { GapMatrixTable } from "~/components/GapMatrixTable";
import { HeadlineFigures } from "~/components/HeadlineFigures";
import { AttainmentTable, PeerTable, StatementsTable } from "~/components/OrganisationSections";
import { NoWaves, SuppressionNote } from "~/components/PageParts";
import { FilterPanel } from "~/components/FilterPanel";
import { TrendSection } from "~/components/TrendSection";
import { englandCrumb, icbCrumb, regionCrumb } from "~/lib/links";
import { sortQuery } from "~/lib/organisation-figures";
import { organisationPage } from "~/lib/organisation.server";
import { pageTitle } from "~/lib/page-title";
import { cachedPage } from "~/lib/page-cache.server";
import { requireViewer } from "~/lib/viewer.server";

export async function loader({ params, request, context }: LoaderFunctionArgs) {
  const { scope } = requireViewer(request, context);
  return cachedPage({ route: "routes/organisations.$code", request, context, scope }, () => organisationPage(params.code ?? "", new URL(request.url), scope));
}

type Data = Awaited<ReturnType<typeof loader>>;

export const handle: BreadcrumbHandle = {
  breadcrumbs: (data) => {
    const page = data as Data | undefined;
    const query = page?.query;
    const region = page?.organisation.region;
    const icb = page?.organisation.icb;
    return [englandCrumb(query), ...(region ? [regionCrumb(region, query)] : []), ...(icb ? [icbCrumb(icb, query)] : [])];
  },
};

export const meta: MetaFunction<typeof loader> = ({ data }) =>
  pageTitle(data ? `${data.organisation.name}${data.wave ? `, ${data.wave.name}` : ""}` : "Organisation");

export default function OrganisationPage() {
  const { organisation, wave, waves, headline, staffGroups, peers, attainment, statements, trend, provisional, trendLinks, k, filters, options } =
    useLoaderData<typeof loader>();
  const region = organisation.region?.name ?? "its region";
  return (
    <>
      <h1>
        {organisation.name}
        <span className="nhsuk-caption-l nhsuk-caption--bottom">
          ODS code {organisation.code}
          {organisation.region ? `, ${organisation.region.name}` : ""}
          {wave ? `, ${wave.name} survey wave` : ""}
        </span>
      </h1>
      <FilterPanel
        path={`/organisations/${organisation.code}`}
        filters={filters}
        waves={waves}
        shownWave={wave?.label ?? null}
        options={options}
        keep={{
          ...(statements ? Object.fromEntries(new URLSearchParams(sortQuery(statements.sort))) : {}),
          ...(provisional ? { provisional: "true" } : {}),
        }}
      />
      {!wave || !headline || !staffGroups ? (
        <NoWaves />
      ) : (
        <>
          <HeadlineFigures headline={headline} />
          <h2>Gaps by staff group and domain</h2>
          <p>Select a staff group to see its figures in this organisation.</p>
          <Chart html={staffGroups.chart} />
          {staffGroups.matrix.rows.length ? (
            <GapMatrixTable
              id="staff-group-table"
              caption={`Gap rate by staff group and domain, ${organisation.name}, ${wave.name}`}
              matrix={staffGroups.matrix}
              downloads={staffGroups.downloads}
            />
          ) : null}
          {filters.weighted ? (
            <p className="nhsuk-body-s">
              Weighting applies to the staff group figures above. The comparison with peers, the attained levels and the
              statements below are not weighted.
            </p>
          ) : null}

          {trend ? (
            <section aria-labelledby="organisation-trend-heading">
              <h2 id="organisation-trend-heading">Change across waves by domain</h2>
              <p>
                The organisation's gap rate by domain in every wave, with its 95% interval: where the intervals of two waves
                do not overlap, the change is more than chance would explain.
              </p>
              <TrendSection
                figure={trend}
                caption={`Gap rate by domain across waves, ${organisation.name}`}
                includeOpenHref={trendLinks.includeOpen}
                excludeOpenHref={trendLinks.excludeOpen}
                weighted={filters.weighted}
              />
            </section>
          ) : null}

          {peers ? (
            <section aria-labelledby="peers-heading">
              <h2 id="peers-heading">Compared with similar organisations</h2>
              <p>
                Each gap rate against the other {peers.comparison.peerGroupName?.toLowerCase() ?? "organisations of the same type"}, in
                England and in {region}. A comparison needs at least 3 other organisations.
              </p>
              <Chart html={peers.chart} />
              {peers.comparison.rows.length ? (
                <PeerTable
                  rows={peers.comparison.rows}
                  caption={`Gap rate against peers by domain, ${organisation.name}, ${wave.name}`}
                  peerGroupName={peers.comparison.peerGroupName}
                  region={region}
                />
              ) : null}
              {peers.comparison.rows.length ? <Downloads links={peers.downloads} what="the comparison by domain" /> : null}
            </section>
          ) : null}

          {attainment ? (
            <section aria-labelledby="attainment-heading">
              <h2 id="attainment-heading">Attained level by domain</h2>
              {"unavailable" in attainment ? (
                <p>{attainment.unavailable}</p>
              ) : (
                <>
                  <p>
                    The highest framework level at which a respondent meets every statement their role needs, for those who
                    answered them all (placed). The expected level is the highest level with a statement for their archetype.
                  </p>
                  <Chart html={attainment.chart} />
                  {attainment.rows.length ? (
                    <>
                      <AttainmentTable rows={attainment.rows} caption={`Attained level by domain, ${organisation.name}, ${wave.name}`} k={k} />
                      <Downloads links={attainment.downloads} what="this table" />
                    </>
                  ) : null}
                  {attainment.rows.some((r) => !r.suppressed && r.expectedLevel === null) ? (
                    <p className="nhsuk-body-s">
                      The expected level varies where the staff shown hold archetypes with different expected levels; each
                      respondent is compared with their own. Filter by archetype to see one expected level.
                    </p>
                  ) : null}
                </>
              )}
            </section>
          ) : null}

          {statements ? (
            <section aria-labelledby="statements">
              <h2 id="statements">Capability statements</h2>
              <p>
                Every statement assessed in {organisation.name}. Use the filters above to narrow them by domain, level or
                archetype; select a column heading to sort.
              </p>
              <p className="nhsuk-body-s">
                {statements.rows.length} statements
                {statements.rows.some((r) => r.suppressed) ? `, ${statements.rows.filter((r) => r.suppressed).length} of them suppressed` : ""}.
                {statements.rows.length && statements.rows.every((r) => r.illustrative)
                  ? " Their text is illustrative: written for this product to fit the framework's structure and level, not the framework's official wording."
                  : ""}
              </p>
              {statements.rows.length ? (
                <StatementsTable
                  rows={statements.rows}
                  caption={`Gap rate by capability statement, ${organisation.name}, ${wave.name}`}
                  sort={statements.sort}
                  sortLinks={statements.sortLinks}
                />
              ) : (
                <p className="app-chart__no-data">No statement was assessed for this selection.</p>
              )}
              {statements.rows.length ? <Downloads links={statements.downloads} what="this table" /> : null}
            </section>
          ) : null}
          <SuppressionNote k={k} />
        </>
      )}
    </>
  );
}
