// England overview: headline figures, Region × Domain heatmap and the ten largest capability gaps.
import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { CapabilityTable } from "~/components/CapabilityTable";
import { Chart } from "~/components/Chart";
import { GapMatrixTable } from "~/components/GapMatrixTable";
import { HeadlineFigures } from "~/components/HeadlineFigures";
import { NoWaves, SuppressionNote } from "~/components/PageParts";
import { WaveSelector } from "~/components/WaveSelector";
import { englandOverview } from "~/lib/overview.server";
import { pageTitle } from "~/lib/page-title";

export async function loader({ request }: LoaderFunctionArgs) {
  return englandOverview(new URL(request.url));
}

export const meta: MetaFunction<typeof loader> = ({ data }) =>
  pageTitle(data?.wave ? `England overview, ${data.wave.name}` : "England overview");

export default function EnglandOverviewPage() {
  const { wave, waves, headline, regions, capabilities, k } = useLoaderData<typeof loader>();
  return (
    <>
      <h1>
        England overview
        {wave ? <span className="nhsuk-caption-l nhsuk-caption--bottom">{wave.name} survey wave</span> : null}
      </h1>
      <WaveSelector waves={waves} selected={wave?.label ?? null} />
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
          <SuppressionNote k={k} />
        </>
      )}
    </>
  );
}
