// A StaffGroup: headline figures, its gaps by region (or by organisation within an area) and domain,
// its organisations, and its archetype mix. ?region=, ?icb= or ?organisation= narrows it to an area.
import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import type { BreadcrumbHandle } from "~/components/Breadcrumbs";
import { Chart } from "~/components/Chart";
import { DataTable } from "~/components/DataTable";
import { FilterPanel } from "~/components/FilterPanel";
import { GapMatrixTable } from "~/components/GapMatrixTable";
import { HeadlineFigures } from "~/components/HeadlineFigures";
import { NoWaves, SuppressionNote } from "~/components/PageParts";
import { RateTable, rateCells } from "~/components/RateTable";
import { countLabel } from "~/lib/bar-labels";
import { isNarrowed } from "~/lib/filters";
import { pageTitle } from "~/lib/page-title";
import { areaCrumbs } from "~/lib/staff-group-links";
import { staffGroupPage } from "~/lib/staff-group.server";
import { cachedPage } from "~/lib/page-cache.server";
import { requireViewer } from "~/lib/viewer.server";

export async function loader({ params, request, context }: LoaderFunctionArgs) {
  const { scope } = requireViewer(request, context);
  return cachedPage({ route: "routes/staff-groups.$code", request, context, scope }, () => staffGroupPage(params.code ?? "", new URL(request.url), scope));
}

type Data = Awaited<ReturnType<typeof loader>>;

export const handle: BreadcrumbHandle = {
  breadcrumbs: (data) => {
    const page = data as Data | undefined;
    return areaCrumbs(page?.area ?? null, page?.query ?? "");
  },
};

export const meta: MetaFunction<typeof loader> = ({ data }) =>
  pageTitle(
    data
      ? `${data.staffGroup.longName}${data.area ? `, ${data.area.name}` : ""}${data.wave ? `, ${data.wave.name}` : ""}`
      : "Staff group",
  );

const AREA_NOUN = { region: "NHS England region", icb: "integrated care board", organisation: "organisation" } as const;

export default function StaffGroupPage() {
  const page = useLoaderData<typeof loader>();
  const { staffGroup, area, wave, waves, headline, heatmap, organisations, filters, options, query } = page;
  const keep: Record<string, string> = area ? { [area.kind]: area.code } : {};
  return (
    <>
      <h1>
        {staffGroup.longName}
        <span className="nhsuk-caption-l nhsuk-caption--bottom">
          Staff group{area ? ` in ${area.name}` : " in England"}
          {wave ? `, ${wave.name} survey wave` : ""}
        </span>
      </h1>
      {area ? (
        <p>
          Showing this staff group in one {AREA_NOUN[area.kind]}.{" "}
          <Link to={`/staff-groups/${staffGroup.code}${query}`}>See this staff group across England</Link>.
        </p>
      ) : null}
      <FilterPanel
        path={`/staff-groups/${staffGroup.code}`}
        filters={filters}
        waves={waves}
        shownWave={wave?.label ?? null}
        options={options}
        hide={["staff_group", "compare_to"]}
        keep={keep}
      />
      {!wave || !headline || !heatmap || !organisations ? (
        <NoWaves />
      ) : (
        <>
          <HeadlineFigures headline={headline} />
          {heatmap.matrix.rows.length === 0 ? (
            <p id="no-respondents">
              No respondents in this staff group{area ? ` in ${area.name}` : ""} in the {wave.name} wave
              {isNarrowed(filters) ? " with these filters" : ""}.
            </p>
          ) : (
            <StaffGroupFigures page={page} />
          )}
        </>
      )}
    </>
  );
}

function StaffGroupFigures({ page }: { page: Data }) {
  const { staffGroup, area, wave, heatmap, organisations, archetypes, weighted, k } = page;
  if (!wave || !heatmap || !organisations) return null;
  const where = area ? area.name : "England";
  return (
    <>
      <h2>Gaps by {area ? "organisation" : "region"} and domain</h2>
      <p>
        {area?.kind === "organisation"
          ? `The gap rate of this staff group in ${area.name}, by domain.`
          : `Select ${area ? "an organisation" : "a region"} to see this staff group there.`}
      </p>
      <Chart html={heatmap.chart} />
      <GapMatrixTable
        id="staff-group-table"
        caption={`Gap rate by ${area ? "organisation" : "region"} and domain, ${staffGroup.longName}, ${where}, ${wave.name}${heatmap.weighted ? ", weighted to staff in post" : ""}`}
        matrix={heatmap.matrix}
      />
      <h2 id="organisations-heading">Organisations</h2>
      {organisations.length ? (
        <RateTable
          id="organisation-table"
          caption={`Gap rate by organisation, ${staffGroup.longName}, ${where}, ${wave.name}`}
          rowHeader="Organisation"
          rows={organisations}
          weighted={weighted}
          extra={[{ key: "peers", header: "Against peers", cell: (r) => (r.state === "suppressed" ? "suppressed" : (r.peerFlag ?? "no data")) }]}
        />
      ) : (
        <p>No organisation has respondents in this staff group{area ? ` in ${area.name}` : ""} in this wave.</p>
      )}
      <p className="nhsuk-body-s">
        Peers are organisations of the same type (type unverified); “Against peers” compares the organisation's 95% interval
        with their pooled rate.
      </p>
      <h2 id="archetypes-heading">Archetype mix</h2>
      <p>
        How many respondents in this staff group identify with each workforce archetype, and their gap rate. An archetype
        decides which capabilities count as required.
      </p>
      {archetypes && "bars" in archetypes ? (
        <>
          <Chart html={archetypes.chart} />
          <DataTable
            id="archetype-table"
            caption={`Respondents and gap rate by archetype, ${staffGroup.longName}, ${where}, ${wave.name}`}
            rowHeader="Archetype"
            columns={[
              { key: "respondents", header: "Respondents", numeric: true },
              { key: "rate", header: weighted ? "Weighted gap rate" : "Gap rate", numeric: true },
              { key: "interval", header: "95% interval", numeric: true },
            ]}
            rows={archetypes.bars.map((b, i) => {
              const [, rate, interval] = rateCells(archetypes.rates[i]);
              return {
                key: b.code,
                header: b.name,
                cells: [<span key="n" className={b.state === "value" ? undefined : "app-cell-note"}>{countLabel(b)}</span>, rate, interval],
              };
            })}
          />
        </>
      ) : archetypes ? (
        <div className="nhsuk-inset-text">
          <span className="nhsuk-u-visually-hidden">Information: </span>
          <p>The archetype mix cannot be shown with these filters. {archetypes.unavailable}</p>
        </div>
      ) : null}
      <SuppressionNote k={k} />
    </>
  );
}

