// A Region: headline figures, Organisation × Domain heatmap with links to each organisation, and
// a funnel plot of its organisations against England, and its commissioning priorities.
import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import type { BreadcrumbHandle } from "~/components/Breadcrumbs";
import { Chart } from "~/components/Chart";
import { FunnelTable } from "~/components/FunnelTable";
import { GapMatrixTable } from "~/components/GapMatrixTable";
import { HeadlineFigures } from "~/components/HeadlineFigures";
import { NoWaves, SuppressionNote } from "~/components/PageParts";
import { PriorityTable } from "~/components/PriorityTable";
import { WaveSelector } from "~/components/WaveSelector";
import { pageTitle } from "~/lib/page-title";
import { regionPage } from "~/lib/region.server";
import { englandCrumb } from "~/lib/links";

export async function loader({ params, request }: LoaderFunctionArgs) {
  return regionPage(params.code ?? "", new URL(request.url));
}

type Data = Awaited<ReturnType<typeof loader>>;

export const handle: BreadcrumbHandle = {
  breadcrumbs: (data) => [englandCrumb((data as Data | undefined)?.wave?.label)],
};

export const meta: MetaFunction<typeof loader> = ({ data }) =>
  pageTitle(data ? `${data.region.name}${data.wave ? `, ${data.wave.name}` : ""}` : "Region");

export default function RegionPage() {
  const { region, wave, waves, headline, organisations, funnel, priorities, k } = useLoaderData<typeof loader>();
  return (
    <>
      <h1>
        {region.name}
        <span className="nhsuk-caption-l nhsuk-caption--bottom">
          NHS England region{wave ? `, ${wave.name} survey wave` : ""}
        </span>
      </h1>
      <WaveSelector waves={waves} selected={wave?.label ?? null} />
      {!wave || !headline || !organisations ? (
        <NoWaves />
      ) : (
        <>
          <HeadlineFigures headline={headline} />
          <h2>Gaps by organisation and domain</h2>
          <p>Select an organisation to see its staff groups.</p>
          <Chart html={organisations.chart} />
          {organisations.matrix.rows.length ? (
            <GapMatrixTable
              id="organisation-table"
              caption={`Gap rate by organisation and domain, ${region.name}, ${wave.name}`}
              matrix={organisations.matrix}
            />
          ) : null}
          {funnel ? (
            <>
              <h2>Organisations against England</h2>
              <p>
                Small organisations' rates swing further by chance. Only an organisation outside the limits differs from
                England by more than chance would explain.
              </p>
              <Chart html={funnel.chart} />
              {funnel.rows.length ? <FunnelTable rows={funnel.rows} area={region.name} wave={wave.label} /> : null}
            </>
          ) : null}
          <h2 id="priorities">Where to commission training</h2>
          {priorities && "rows" in priorities ? (
            <PriorityTable list={priorities} area={region.name} />
          ) : (
            <p>Commissioning priorities need the wave's staff in post: {priorities?.unavailable}</p>
          )}
          <SuppressionNote k={k} />
        </>
      )}
    </>
  );
}
