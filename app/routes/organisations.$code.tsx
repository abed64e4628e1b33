// An Organisation: headline figures and StaffGroup × Domain heatmap.
import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import type { BreadcrumbHandle } from "~/components/Breadcrumbs";
import { Chart } from "~/components/Chart";
import { GapMatrixTable } from "~/components/GapMatrixTable";
import { HeadlineFigures } from "~/components/HeadlineFigures";
import { NoWaves, SuppressionNote } from "~/components/PageParts";
import { FilterPanel } from "~/components/FilterPanel";
import { englandCrumb, icbCrumb, regionCrumb } from "~/lib/links";
import { organisationPage } from "~/lib/organisation.server";
import { pageTitle } from "~/lib/page-title";

export async function loader({ params, request }: LoaderFunctionArgs) {
  return organisationPage(params.code ?? "", new URL(request.url));
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
  const { organisation, wave, waves, headline, staffGroups, k, filters, options } = useLoaderData<typeof loader>();
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
      <FilterPanel path={`/organisations/${organisation.code}`} filters={filters} waves={waves} shownWave={wave?.label ?? null} options={options} />
      {!wave || !headline || !staffGroups ? (
        <NoWaves />
      ) : (
        <>
          <HeadlineFigures headline={headline} />
          <h2>Gaps by staff group and domain</h2>
          <Chart html={staffGroups.chart} />
          {staffGroups.matrix.rows.length ? (
            <GapMatrixTable
              id="staff-group-table"
              caption={`Gap rate by staff group and domain, ${organisation.name}, ${wave.name}`}
              matrix={staffGroups.matrix}
              downloads={staffGroups.downloads}
            />
          ) : null}
          <SuppressionNote k={k} />
        </>
      )}
    </>
  );
}
