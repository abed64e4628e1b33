// The commissioning-priority list: capability × staff group ranked by the lower end of the
// estimated staff below it, each with its interval, and the downloads of the whole list.
import type { PriorityList } from "~/lib/priorities.server";
import { formatCount } from "~/lib/format";
import { DataTable } from "./DataTable";

export function PriorityTable({ list, area }: { list: PriorityList; area: string }) {
  return (
    <>
      <DataTable
        id="priority-table"
        caption={`Commissioning priorities, ${area}: the ${list.rows.length} capabilities and staff groups with the most staff surely below them`}
        rowHeader="Rank"
        columns={[
          { key: "capability", header: "Capability" },
          { key: "staff-group", header: "Staff group" },
          { key: "headcount", header: "Staff in post", numeric: true },
          { key: "below", header: "Estimated staff below", numeric: true },
          { key: "interval", header: "95% interval", numeric: true },
          { key: "basis", header: "Basis" },
        ]}
        rows={list.rows.map((r) => ({
          key: `${r.capability}|${r.staffGroupName}`,
          header: r.rank,
          cells: [
            `${r.capability} ${r.capabilityName}`,
            r.staffGroupName,
            formatCount(r.headcount),
            formatCount(r.staffBelow),
            `${formatCount(r.low)} to ${formatCount(r.high)}`,
            r.borrowed > 0 ? (
              <strong className="nhsuk-tag nhsuk-tag--grey" title="Organisations too small to publish use their ICB's, region's or England's rate">
                {r.borrowed} of {r.organisations} borrowed
              </strong>
            ) : (
              `${r.organisations} organisation${r.organisations === 1 ? "" : "s"}`
            ),
          ],
        }))}
      />
      <p>
        Ranked by the lower end of the interval, so the list starts where the need is surely large. Staff below = staff
        in post × the share of respondents who were required to meet the capability and did not. The whole list
        ({formatCount(list.total)} rows) is available as <a href={list.downloads.csv}>CSV</a> (with its{" "}
        <a href={list.downloads.metadata}>metadata as JSON</a>) or <a href={list.downloads.arrow}>Arrow</a>.
      </p>
    </>
  );
}
