// An Organisation: headline figures and StaffGroup × Domain heatmap.
import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import type { BreadcrumbHandle } from "~/components/Breadcrumbs";
import { Chart } from "~/components/Chart";
import { GapMatrixTable } from "~/components/GapMatrixTable";
import { HeadlineFigures } from "~/components/HeadlineFigures";
import { NoWaves, SuppressionNote } from "~/components/PageParts";
import { WaveSelector } from "~/components/WaveSelector";
import { englandCrumb, icbCrumb, regionCrumb } from "~/lib/links";
import { organisationPage } from "~/lib/organisation.server";
import { pageTitle } from "~/lib/page-title";
import { NATIONAL } from "~db/analytics/scope";
import { cachedPage } from "~/lib/page-cache.server";

export async function loader({ params, request, context }: LoaderFunctionArgs) {
  return cachedPage({ route: "routes/organisations.$code", request, context, scope: NATIONAL }, () => organisationPage(params.code ?? "", new URL(request.url)));
}

type Data = Awaited<ReturnType<typeof loader>>;

export const handle: BreadcrumbHandle = {
  breadcrumbs: (data) => {
    const page = data as Data | undefined;
    const wave = page?.wave?.label;
    const region = page?.organisation.region;
    const icb = page?.organisation.icb;
    return [englandCrumb(wave), ...(region ? [regionCrumb(region, wave)] : []), ...(icb ? [icbCrumb(icb, wave)] : [])];
  },
};

export const meta: MetaFunction<typeof loader> = ({ data }) =>
  pageTitle(data ? `${data.organisation.name}${data.wave ? `, ${data.wave.name}` : ""}` : "Organisation");

export default function OrganisationPage() {
  const { organisation, wave, waves, headline, staffGroups, k } = useLoaderData<typeof loader>();
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
      <WaveSelector waves={waves} selected={wave?.label ?? null} />
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
            />
          ) : null}
          <SuppressionNote k={k} />
        </>
      )}
    </>
  );
}
