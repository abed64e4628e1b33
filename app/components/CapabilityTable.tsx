// The ranked capabilities behind the bar chart, with full capability statements.
import type { RankedCapability } from "~/charts/top-capabilities.server";
import { formatCount, formatPercent } from "~/lib/format";
import { DataTable } from "./DataTable";

export function CapabilityTable({ id, caption, ranked }: { id: string; caption: string; ranked: RankedCapability[] }) {
  return (
    <DataTable
      id={id}
      caption={caption}
      rowHeader="Rank"
      columns={[
        { key: "capability", header: "Capability" },
        { key: "respondents", header: "Respondents", numeric: true },
        { key: "gap", header: "Gap rate", numeric: true },
      ]}
      rows={ranked.map((c) => ({
        key: c.code,
        header: c.rank,
        cells: [
          <>
            <strong>{c.code}</strong> {c.title}
            {c.illustrative ? (
              <>
                {" "}
                <strong className="nhsuk-tag nhsuk-tag--grey" title="Written for this product to fit the framework; not the official wording">
                  Illustrative text
                </strong>
              </>
            ) : null}
          </>,
          formatCount(c.respondents),
          formatPercent(c.gapRate),
        ],
      }))}
    />
  );
}
