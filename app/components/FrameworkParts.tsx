// Pieces of the framework explorer and a statement's page: archetype badges (tags with the
// archetype's name, so the colour is never the only cue), the illustrative-text marker, and a
// table of statements.
import { Link } from "@remix-run/react";
import type { ArchetypeBadge, CapabilityStatement } from "~/lib/framework.server";
import { DataTable } from "./DataTable";

// One tag colour per archetype helps scanning a long table; the name is always written out.
const COLOUR: Record<string, string> = { S: "purple", D: "blue", C: "green", E: "orange", U: "aqua-green" };

export function ArchetypeBadges({ archetypes }: { archetypes: ArchetypeBadge[] }) {
  return (
    <ul className="app-badges">
      {archetypes.map((a) => (
        <li key={a.code}>
          <strong className={`nhsuk-tag nhsuk-tag--${COLOUR[a.code] ?? "grey"}`}>{a.name}</strong>
        </li>
      ))}
    </ul>
  );
}

export function IllustrativeTag() {
  return (
    <strong className="nhsuk-tag nhsuk-tag--grey" title="Written for this product to fit the framework; not the official wording">
      Illustrative text
    </strong>
  );
}

export function StatementTable({ id, caption, statements, href }: { id: string; caption: string; statements: CapabilityStatement[]; href: (code: string) => string }) {
  return (
    <DataTable
      id={id}
      className="app-table--framework"
      // The expander's summary or the section's heading already says this on screen.
      caption={<span className="nhsuk-u-visually-hidden">{caption}</span>}
      rowHeader="Code"
      columns={[
        { key: "statement", header: "Capability statement" },
        { key: "level", header: "Level", numeric: true },
        { key: "archetypes", header: "Archetypes" },
      ]}
      rows={statements.map((s) => ({
        key: s.code,
        header: <span id={`capability-${s.code}`}>{s.code}</span>,
        cells: [
          <>
            <Link to={href(s.code)} className="app-statement-link">
              {s.title}
            </Link>
            {s.illustrative ? (
              <>
                {" "}
                <IllustrativeTag />
              </>
            ) : null}
          </>,
          s.level,
          <ArchetypeBadges archetypes={s.archetypes} key="badges" />,
        ],
      }))}
    />
  );
}
