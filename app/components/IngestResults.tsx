// Per-file outcomes of a dry run or a load: a table of every file with its status, then each
// rejected file's problems (row, column, what was wrong), as the command line reports them.
import type { ReactNode } from "react";
import { formatCount } from "~/lib/format";
import type { FileResult, FileStatus } from "~/lib/ingest-runner.server";
import { DataTable } from "./DataTable";
import type { ErrorItem } from "./ErrorSummary";

const STATUS: Record<FileStatus, { text: string; colour: string }> = {
  valid: { text: "Valid", colour: "green" },
  loaded: { text: "Loaded", colour: "green" },
  "already-loaded": { text: "Already loaded", colour: "grey" },
  rejected: { text: "Rejected", colour: "red" },
};

export function StatusTag({ status }: { status: FileStatus }) {
  return <strong className={`nhsuk-tag nhsuk-tag--${STATUS[status].colour}`}>{STATUS[status].text}</strong>;
}

export function Tag({ colour, children }: { colour: string; children: ReactNode }) {
  return <strong className={`nhsuk-tag nhsuk-tag--${colour}`}>{children}</strong>;
}

const fileAnchor = (i: number) => `file-${i + 1}`;

function plural(n: number, word: string): string {
  return `${formatCount(n)} ${word}${n === 1 ? "" : "s"}`;
}

/** Error-summary items linking to each rejected file's problems. */
export function rejectedItems(results: FileResult[]): ErrorItem[] {
  return results.flatMap((r, i) =>
    r.status === "rejected" ? [{ href: `#${fileAnchor(i)}`, text: `${r.name}: ${plural(r.problemCount, "problem")}` }] : [],
  );
}

function kilobytes(bytes: number): string {
  return bytes >= 1_000_000 ? `${(bytes / 1_000_000).toFixed(1)} MB` : `${Math.max(1, Math.round(bytes / 1000))} kB`;
}

export function IngestResults({ results, caption }: { results: FileResult[]; caption: string }) {
  const rejected = results.map((r, i) => ({ r, i })).filter(({ r }) => r.status === "rejected");
  return (
    <>
      <DataTable
        id="file-results"
        caption={caption}
        rowHeader="File"
        columns={[
          { key: "status", header: "Status" },
          { key: "rows", header: "Rows", numeric: true },
          { key: "organisations", header: "Organisations" },
          { key: "problems", header: "Problems", numeric: true },
          { key: "message", header: "Result" },
        ]}
        rows={results.map((r, i) => ({
          key: String(i),
          header: (
            <>
              {r.name}
              <span className="nhsuk-body-s app-file-size"> {[kilobytes(r.bytes), r.format].filter(Boolean).join(", ")}</span>
            </>
          ),
          cells: [
            <StatusTag status={r.status} key="s" />,
            r.rows ? formatCount(r.rows) : "–",
            r.organisations.length ? r.organisations.join(", ") : "–",
            r.status === "rejected" ? <a href={`#${fileAnchor(i)}`}>{formatCount(r.problemCount)}</a> : formatCount(r.problemCount),
            r.message,
          ],
        }))}
      />
      {rejected.map(({ r, i }) => (
        <section key={i} aria-labelledby={`${fileAnchor(i)}-heading`} className="app-file-problems">
          <h3 id={`${fileAnchor(i)}-heading`}>
            <span id={fileAnchor(i)} tabIndex={-1}>
              Problems in {r.name}
            </span>
          </h3>
          <p>Nothing from this file can be loaded until every problem is fixed. Rows are counted with the header as row 1.</p>
          {r.problems.length ? (
            <DataTable
              id={`${fileAnchor(i)}-problems`}
              caption={`${plural(r.problemCount, "problem")}${r.problemCount > r.problems.length ? `, the first ${r.problems.length} shown` : ""}`}
              rowHeader="Row"
              columns={[
                { key: "column", header: "Column" },
                { key: "problem", header: "Problem" },
              ]}
              rows={r.problems.map((p, j) => ({
                key: String(j),
                header: p.row ?? "–",
                cells: [p.column ?? "–", p.message],
              }))}
            />
          ) : null}
          {r.problemCount > r.problems.length ? (
            <p className="nhsuk-body-s">
              To get every problem in a spreadsheet, run <code>npm run ingest -- {r.name} --wave … --dry-run --report rejects.csv</code>.
            </p>
          ) : null}
        </section>
      ))}
    </>
  );
}
