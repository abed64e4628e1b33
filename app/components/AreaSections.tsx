// What a region's and an ICB's page show below the headline: organisations × domain, the funnel
// of its organisations against England, and where to commission training.
import { isNarrowed } from "~/lib/filters";
import type { AreaFigures } from "~/lib/region.server";
import { Chart } from "./Chart";
import { FunnelTable } from "./FunnelTable";
import { GapMatrixTable } from "./GapMatrixTable";
import { SuppressionNote } from "./PageParts";
import { PriorityTable } from "./PriorityTable";

export function AreaSections({ area, figures }: { area: string; figures: AreaFigures }) {
  const { wave, organisations, funnel, priorities, k, query, filters } = figures;
  if (!wave || !organisations) return null;
  // The funnel and the priorities are about the whole area, whatever the page's filters narrow.
  const narrowed = isNarrowed(filters);
  return (
    <>
      <h2>Gaps by organisation and domain</h2>
      <p>Select an organisation to see its staff groups.</p>
      <Chart html={organisations.chart} />
      {organisations.matrix.rows.length ? (
        <GapMatrixTable id="organisation-table" caption={`Gap rate by organisation and domain, ${area}, ${wave.name}`} matrix={organisations.matrix} downloads={organisations.downloads} />
      ) : null}
      {funnel ? (
        <>
          <h2>Organisations against England</h2>
          <p>
            Small organisations' rates swing further by chance. Only an organisation outside the limits differs from England
            by more than chance would explain.
            {narrowed ? " It compares every organisation's staff as a whole: the filters above do not apply to it." : ""}
          </p>
          <Chart html={funnel.chart} />
          {funnel.rows.length ? <FunnelTable rows={funnel.rows} area={area} query={query} /> : null}
        </>
      ) : null}
      <h2 id="priorities">Where to commission training</h2>
      {narrowed ? <p>These priorities cover every staff group, archetype and band in {area}: the filters above do not apply to them.</p> : null}
      {priorities && "rows" in priorities && priorities.rows.length ? (
        <PriorityTable list={priorities} area={area} />
      ) : priorities && "rows" in priorities ? (
        <p>No estimate can be published for {area} in this wave: its organisations have no published figures yet.</p>
      ) : (
        <p>Commissioning priorities need the wave's staff in post: {priorities?.unavailable}</p>
      )}
      <SuppressionNote k={k} />
    </>
  );
}
