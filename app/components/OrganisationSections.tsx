// The tables of an Organisation's page beside its charts: the comparison with peers, attained
// levels per Domain, and every capability statement (sortable by header links, so sorting works
// without JavaScript). Withheld figures are spelled out, never left blank.
import { Link } from "@remix-run/react";
import type { ReactNode } from "react";
import { formatCount, formatPercent } from "~/lib/format";
import { type AttainmentRow, type Comparison, comparisonWords, type Interval, LEVELS, type PeerRow, type SortKey, type StatementRow, type StatementSort } from "~/lib/organisation-figures";
import { DataTable } from "./DataTable";

const note = (text: string) => <span className="app-cell-note">{text}</span>;

/** "40.2% (35.1% to 45.3%)": a rate with its 95% interval. */
export function rateWithInterval(rate: number, interval: Interval | null): string {
  return interval ? `${formatPercent(rate)} (${formatPercent(interval.low)} to ${formatPercent(interval.high)})` : formatPercent(rate);
}

const TAG_COLOUR: Record<Exclude<Comparison, "not enough organisations to compare">, string> = { better: "green", similar: "grey", worse: "red" };

/** The comparison as an NHS.UK tag: the word carries it, the colour only repeats it. */
export function ComparisonTag({ flag }: { flag: Comparison | null }) {
  if (flag === null || flag === "not enough organisations to compare") return note(flag ?? comparisonWords(flag));
  return <strong className={`nhsuk-tag nhsuk-tag--${TAG_COLOUR[flag]} app-tag--compare`}>{flag[0].toUpperCase() + flag.slice(1)}</strong>;
}

function comparatorCell(r: PeerRow, rate: number | null): ReactNode {
  if (r.suppressed) return note("suppressed");
  if (r.gapRate === null) return note("no data");
  return rate === null ? note("not published") : formatPercent(rate);
}

function flagCell(r: PeerRow, flag: Comparison | null): ReactNode {
  if (r.suppressed) return note("suppressed");
  if (r.gapRate === null) return note("no data");
  return <ComparisonTag flag={flag} />;
}

export function PeerTable({ rows, caption, peerGroupName, region }: { rows: PeerRow[]; caption: string; peerGroupName: string | null; region: string }) {
  const group = peerGroupName ?? "Peer group";
  return (
    <DataTable
      id="peer-table"
      caption={caption}
      rowHeader="Domain"
      columns={[
        { key: "respondents", header: "Respondents", numeric: true },
        { key: "gap", header: "Gap rate (95% interval)", numeric: true },
        { key: "peer", header: `${group}: gap rate`, numeric: true },
        { key: "peer-flag", header: "Against peer group" },
        { key: "region", header: `Peers in ${region}: gap rate`, numeric: true },
        { key: "region-flag", header: `Against peers in ${region}` },
      ]}
      rows={rows.map((r) => ({
        key: r.code,
        header: r.code === "all" ? r.name : `${r.code}. ${r.name}`,
        cells: [
          r.suppressed ? note("suppressed") : r.respondents === null ? note("no data") : formatCount(r.respondents),
          r.suppressed ? note("suppressed") : r.gapRate === null ? note("no data") : rateWithInterval(r.gapRate, r.interval),
          comparatorCell(r, r.peerRate),
          flagCell(r, r.peerFlag),
          comparatorCell(r, r.regionRate),
          flagCell(r, r.regionFlag),
        ],
      }))}
    />
  );
}

export function AttainmentTable({ rows, caption, k }: { rows: AttainmentRow[]; caption: string; k: number }) {
  return (
    <DataTable
      id="attainment-table"
      caption={caption}
      rowHeader="Domain"
      columns={[
        { key: "placed", header: "Placed", numeric: true },
        { key: "incomplete", header: "Incomplete", numeric: true },
        ...LEVELS.map((l) => ({ key: `level-${l}`, header: `Level ${l}`, numeric: true })),
        { key: "expected", header: "Expected level", numeric: true },
        { key: "below", header: "Below expected (95% interval)", numeric: true },
      ]}
      rows={rows.map((r) => {
        const withheld = r.suppressed ? note("suppressed") : note(`withheld, fewer than ${k} placed`);
        const count = (n: number | null) => (r.suppressed ? note("suppressed") : n === null ? note("no data") : formatCount(n));
        return {
          key: r.domain,
          header: `${r.domain}. ${r.name}`,
          cells: [
            count(r.placed),
            count(r.incomplete),
            ...r.shares.map((s) => (r.suppressed || r.withheld ? withheld : s === null ? note("no data") : formatPercent(s))),
            r.suppressed ? note("suppressed") : r.expectedLevel === null ? note("varies") : String(r.expectedLevel),
            r.suppressed || r.withheld ? withheld : r.belowExpectedShare === null ? note("no data") : rateWithInterval(r.belowExpectedShare, r.belowExpectedInterval),
          ],
        };
      })}
    />
  );
}

function SortHeader({ label, column, sort, href }: { label: string; column: SortKey; sort: StatementSort; href: string }) {
  const sorted = sort.key === column;
  const next = sorted && sort.dir === "desc" ? "ascending" : sorted ? "descending" : column === "gap" ? "largest first" : "framework order";
  return (
    <Link to={href} className="app-sort-link">
      {label}
      <span className="nhsuk-u-visually-hidden">, sort {next}</span>
      {sorted ? <span aria-hidden="true">{sort.dir === "asc" ? " ▲" : " ▼"}</span> : null}
    </Link>
  );
}

export function StatementsTable({ rows, caption, sort, sortLinks }: { rows: StatementRow[]; caption: string; sort: StatementSort; sortLinks: Record<SortKey, string> }) {
  // Where every statement is illustrative, one note above the table says so instead of a tag on each row.
  const tagged = !rows.every((r) => r.illustrative);
  const ariaSort = (column: SortKey) => (sort.key === column ? (sort.dir === "asc" ? "ascending" : "descending") : undefined);
  const captionId = "statement-table-caption";
  return (
    <div className="app-table-scroll" role="region" aria-labelledby={captionId} tabIndex={0}>
      <table className="nhsuk-table app-table--numbers app-table--statements" id="statement-table">
        <caption className="nhsuk-table__caption nhsuk-table__caption--s" id={captionId}>
          {caption}
        </caption>
        <thead className="nhsuk-table__head">
          <tr className="nhsuk-table__row">
            <th className="nhsuk-table__header" scope="col" aria-sort={ariaSort("code")}>
              <SortHeader label="Capability" column="code" sort={sort} href={sortLinks.code} />
            </th>
            <th className="nhsuk-table__header" scope="col">
              Domain
            </th>
            <th className="nhsuk-table__header nhsuk-table__header--numeric" scope="col">
              Level
            </th>
            <th className="nhsuk-table__header nhsuk-table__header--numeric" scope="col">
              Respondents
            </th>
            <th className="nhsuk-table__header nhsuk-table__header--numeric" scope="col" aria-sort={ariaSort("gap")}>
              <SortHeader label="Gap rate (95% interval)" column="gap" sort={sort} href={sortLinks.gap} />
            </th>
          </tr>
        </thead>
        <tbody className="nhsuk-table__body">
          {rows.map((r) => (
            <tr className="nhsuk-table__row" key={r.code} data-capability={r.code}>
              <th className="nhsuk-table__header" scope="row">
                <strong>{r.code}</strong> {r.title}
                {tagged && r.illustrative ? (
                  <>
                    {" "}
                    <strong className="nhsuk-tag nhsuk-tag--grey" title="Written for this product to fit the framework; not the official wording">
                      Illustrative text
                    </strong>
                  </>
                ) : null}
              </th>
              <td className="nhsuk-table__cell">{r.domain ? `${r.domain}. ${r.domainName}` : note("not known")}</td>
              <td className="nhsuk-table__cell nhsuk-table__cell--numeric">{r.level ?? note("not known")}</td>
              <td className="nhsuk-table__cell nhsuk-table__cell--numeric">
                {r.suppressed ? note("suppressed") : r.respondents === null ? note("no data") : formatCount(r.respondents)}
              </td>
              <td className="nhsuk-table__cell nhsuk-table__cell--numeric">
                {r.suppressed ? note("suppressed") : r.gapRate === null ? note("no data") : rateWithInterval(r.gapRate, r.interval)}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
