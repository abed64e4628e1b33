// Ingest history: every loaded file with each organisation's submission (current, superseded,
// withdrawn) linked along its supersession chain, then the rejected attempts.
import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import type { BreadcrumbHandle } from "~/components/Breadcrumbs";
import { DataTable } from "~/components/DataTable";
import { Tag } from "~/components/IngestResults";
import { formatCount, formatDateTime, waveName } from "~/lib/format";
import { historyPage } from "~/lib/ingest.server";
import { englandCrumb } from "~/lib/links";
import { pageTitle } from "~/lib/page-title";
import type { SubmissionHistory } from "~db/analytics/history";

export async function loader({ request, context }: LoaderFunctionArgs) {
  return historyPage(request, context);
}

export const handle: BreadcrumbHandle = {
  breadcrumbs: () => [englandCrumb(), { href: "/ingest", text: "Load exports" }],
};

export const meta: MetaFunction = () => pageTitle("Ingest history");

const STATUS_TAG: Record<SubmissionHistory["status"], { colour: string; text: string }> = {
  current: { colour: "green", text: "Current" },
  superseded: { colour: "grey", text: "Superseded" },
  withdrawn: { colour: "orange", text: "Withdrawn" },
};

const batchAnchor = (id: number) => `batch-${id}`;

function Submission({ s }: { s: SubmissionHistory }) {
  const tag = STATUS_TAG[s.status];
  return (
    <li>
      {s.organisationName ? <abbr title={s.organisationName}>{s.organisationCode}</abbr> : s.organisationCode}{" "}
      <Tag colour={tag.colour}>{tag.text}</Tag>
      {s.status === "superseded" && s.supersededBy ? (
        <span className="app-chain">
          by <a href={`#${batchAnchor(s.supersededBy.batchId)}`}>{s.supersededBy.fileName}</a>
          {s.endedAt ? <> on {formatDateTime(s.endedAt)}</> : null}
        </span>
      ) : null}
      {s.status === "withdrawn" && s.endedAt ? <span className="app-chain">on {formatDateTime(s.endedAt)}</span> : null}
      {s.replaces ? (
        <span className="app-chain">
          replaces <a href={`#${batchAnchor(s.replaces.batchId)}`}>{s.replaces.fileName}</a>
        </span>
      ) : null}
    </li>
  );
}

export default function IngestHistoryPage() {
  const { history } = useLoaderData<typeof loader>();
  return (
    <>
      <h1>Ingest history</h1>
      <p>
        Newest first. A file is the complete submission of each organisation it holds for its wave: loading a later file for
        the same organisation and wave supersedes the earlier one, whose figures then leave the dashboards.
      </p>
      <p>
        <Link to="/ingest">Load exports</Link>
      </p>

      <h2>Loaded files</h2>
      {history.batches.length ? (
        <DataTable
          id="batches"
          caption={countCaption(history.batches.length, history.batchCount, "loaded")}
          rowHeader="File"
          className="app-table--history"
          columns={[
            { key: "wave", header: "Wave" },
            { key: "loaded", header: "Loaded (UK time)" },
            { key: "rows", header: "Rows", numeric: true },
            { key: "respondents", header: "Respondents", numeric: true },
            { key: "submissions", header: "Organisations and status" },
          ]}
          rows={history.batches.map((b) => ({
            key: String(b.id),
            header: (
              <span id={batchAnchor(b.id)} tabIndex={-1}>
                {b.fileName}
                {b.synthetic ? (
                  <>
                    {" "}
                    <Tag colour="orange">Synthetic</Tag>
                  </>
                ) : null}
              </span>
            ),
            cells: [
              waveName(b.wave),
              <time dateTime={b.loadedAt} key="t">
                {formatDateTime(b.loadedAt)}
              </time>,
              formatCount(b.rows),
              formatCount(b.respondents),
              <ul className="nhsuk-list app-submission-list" key="s">
                {b.submissions.map((s) => (
                  <Submission s={s} key={s.organisationCode} />
                ))}
              </ul>,
            ],
          }))}
        />
      ) : (
        <p>No files have been loaded yet.</p>
      )}

      <h2>Rejected files</h2>
      <p>Files that were refused when loading: nothing from them was loaded. Problems are recorded without the values.</p>
      {history.attempts.length ? (
        <DataTable
          id="attempts"
          caption={countCaption(history.attempts.length, history.attemptCount, "rejected")}
          rowHeader="File"
          className="app-table--history"
          columns={[
            { key: "wave", header: "Wave" },
            { key: "when", header: "When (UK time)" },
            { key: "count", header: "Problems", numeric: true },
            { key: "first", header: "First problems" },
          ]}
          rows={history.attempts.map((a) => ({
            key: String(a.id),
            header: a.fileName,
            cells: [
              a.wave ? waveName(a.wave) : "–",
              <time dateTime={a.attemptedAt} key="t">
                {formatDateTime(a.attemptedAt)}
              </time>,
              formatCount(a.problemCount),
              <ul className="nhsuk-list app-submission-list" key="p">
                {a.problems.slice(0, 3).map((p, i) => (
                  <li key={i}>
                    {[p.row !== undefined && p.row !== null ? `row ${p.row}` : null, p.column ? `column ${p.column}` : null]
                      .filter(Boolean)
                      .join(", ")}
                    {p.row || p.column ? ": " : ""}
                    {p.message}
                  </li>
                ))}
                {a.problemCount > 3 ? <li>and {formatCount(a.problemCount - 3)} more</li> : null}
              </ul>,
            ],
          }))}
        />
      ) : (
        <p>No file has been rejected.</p>
      )}
    </>
  );
}

/** "12 loaded files", or "The latest 100 of 120 loaded files" when the list is cut short. */
function countCaption(shown: number, total: number, kind: string): string {
  return total > shown
    ? `The latest ${formatCount(shown)} of ${formatCount(total)} ${kind} files`
    : `${formatCount(total)} ${kind} file${total === 1 ? "" : "s"}`;
}
