// Download links under a table: the same figures as CSV (its metadata as JSON beside it) or Arrow.
import type { Downloads as Links } from "~/lib/downloads";

export function Downloads({ links, what }: { links: Links; what: string }) {
  return (
    <p className="nhsuk-body-s app-downloads">
      Download {what}: <a href={links.csv}>CSV</a> (with its <a href={links.metadata}>metadata as JSON</a>) or{" "}
      <a href={links.arrow}>Arrow</a>.
    </p>
  );
}
