// The trend of the gap rate by domain across waves: the chart, its table (a row per domain, a
// column per wave, with intervals) and what the series leaves out — open waves, framework changes.
import { Link } from "@remix-run/react";
import type { TrendFigure } from "~/lib/trend-figure.server";
import { Chart } from "./Chart";
import { DataTable } from "./DataTable";
import { Downloads } from "./Downloads";

interface Props {
  figure: TrendFigure;
  caption: string;
  /** Where the same page includes the open waves as provisional, and where it leaves them out again. */
  includeOpenHref?: string;
  excludeOpenHref?: string;
  /** The page's other figures are weighted: say the trend is not. */
  weighted?: boolean;
}

const names = (waves: { name: string }[]) =>
  waves.length <= 1 ? waves.map((w) => w.name).join("") : `${waves.slice(0, -1).map((w) => w.name).join(", ")} and ${waves[waves.length - 1].name}`;

export function TrendSection({ figure, caption, includeOpenHref, excludeOpenHref, weighted }: Props) {
  const { openWavesLeftOut: leftOut, provisionalWaves: provisional, seriesBreaks } = figure;
  return (
    <>
      <Chart html={figure.chart} />
      {figure.table.rows.length && figure.table.columns.length ? (
        <DataTable
          id={`${figure.id}-table`}
          caption={caption}
          rowHeader="Domain"
          columns={figure.table.columns.map((c) => ({ key: c.key, header: `${c.header}: gap rate (95% interval)`, numeric: true }))}
          rows={figure.table.rows.map((r) => ({ key: r.key, header: r.name, cells: r.cells }))}
        />
      ) : null}
      {figure.table.rows.length && figure.table.columns.length ? <Downloads links={figure.downloads} what="this table" /> : null}
      {leftOut.length || provisional.length || seriesBreaks.length || weighted ? (
        <div className="nhsuk-inset-text" id={`${figure.id}-notes`}>
          <span className="nhsuk-u-visually-hidden">Information: </span>
          {leftOut.length ? (
            <p>
              The trend holds closed and published waves only: {names(leftOut)} {leftOut.length === 1 ? "is" : "are"} still open
              and left out, because {leftOut.length === 1 ? "its" : "their"} figures may change as files arrive.{" "}
              {includeOpenHref ? <Link to={includeOpenHref}>Include the open waves as provisional figures</Link> : null}
            </p>
          ) : null}
          {provisional.length ? (
            <p>
              {names(provisional)} {provisional.length === 1 ? "is" : "are"} still open: {provisional.length === 1 ? "its" : "their"}{" "}
              figures are provisional (hollow dots) and may change.{" "}
              {excludeOpenHref ? <Link to={excludeOpenHref}>Show closed and published waves only</Link> : null}
            </p>
          ) : null}
          {seriesBreaks.map((b) => (
            <p key={b.wave}>
              {b.name} uses framework version {b.toVersion} (before it, {b.fromVersion}): rates either side of the dashed line are over
              different capability statements and are not joined.
            </p>
          ))}
          {weighted ? <p>The trend is of the unweighted gap rate: weighting is not compared across waves.</p> : null}
        </div>
      ) : null}
    </>
  );
}
