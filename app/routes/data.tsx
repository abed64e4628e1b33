// Data: the survey waves and their status, which organisations have submitted to a wave, when,
// and what share of their staff answered, and the data quality of each submission.
import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import type { BreadcrumbHandle } from "~/components/Breadcrumbs";
import { DataTable } from "~/components/DataTable";
import { NoWaves, SuppressionNote } from "~/components/PageParts";
import { ResponseRate } from "~/components/ResponseRate";
import { WaveSelector } from "~/components/WaveSelector";
import { dataPage } from "~/lib/data.server";
import { formatCount, formatDate, formatDateTime, formatPercent } from "~/lib/format";
import { englandCrumb, withWaveLabel } from "~/lib/links";
import { pageTitle } from "~/lib/page-title";
import type { PublishedCount, SubmissionQuality, Withheld } from "~db/analytics/data-quality";
import { cachedPage } from "~/lib/page-cache.server";
import { requireViewer } from "~/lib/viewer.server";

export async function loader({ request, context }: LoaderFunctionArgs) {
  const { scope } = requireViewer(request, context);
  return cachedPage({ route: "routes/data", request, context, scope }, () => dataPage(new URL(request.url), context, scope));
}

export const handle: BreadcrumbHandle = {
  breadcrumbs: (data) => [englandCrumb(withWaveLabel("", (data as { wave?: { label: string } | null } | undefined)?.wave?.label))],
};

export const meta: MetaFunction<typeof loader> = ({ data }) => pageTitle(data?.wave ? `About the data, ${data.wave.name}` : "About the data");

/** What a table cell says for a figure that is not published. */
const WITHHELD: Record<Withheld, string> = {
  "fewer than k respondents": "withheld",
  "small count": "withheld",
  suppressed: "suppressed",
  "not recorded": "not recorded",
};

const countCell = (c: PublishedCount) => (c.count === null ? WITHHELD[c.withheld ?? "small count"] : formatCount(c.count));
const shareCell = (c: PublishedCount) => (c.share === null ? WITHHELD[c.withheld ?? "small count"] : formatPercent(c.share));
const answeredCell = (q: SubmissionQuality) => (q.answeredShare === null ? WITHHELD[q.withheld ?? "not recorded"] : formatPercent(q.answeredShare));

const STATUS: Record<string, { text: string; colour: string }> = {
  open: { text: "Provisional", colour: "yellow" },
  closed: { text: "Closed", colour: "blue" },
  published: { text: "Published", colour: "green" },
};

export default function DataPage() {
  const { waves, wave, options, coverage, quality, ingestHistory, hasHeadcount, lowResponseThreshold, k } = useLoaderData<typeof loader>();
  return (
    <>
      <h1>About the data</h1>
      <p>
        Which survey waves are loaded, and which organisations have submitted to each. The record of every file loaded or
        refused is in the <Link to="/ingest/history">ingest history</Link>.
      </p>
      <h2>Survey waves</h2>
      {waves.length === 0 ? (
        <NoWaves />
      ) : (
        <DataTable
          id="wave-table"
          caption="Survey waves, in reference-date order"
          rowHeader="Wave"
          columns={[
            { key: "status", header: "Status" },
            { key: "window", header: "Assessment window" },
            { key: "reference", header: "Reference date" },
            { key: "framework", header: "Framework version" },
          ]}
          rows={waves.map((w) => ({
            key: w.label,
            header: <Link to={withWaveLabel("/data", w.label)}>{w.name}</Link>,
            cells: [
              <span key="status">
                <strong className={`nhsuk-tag nhsuk-tag--${STATUS[w.status].colour}`}>{STATUS[w.status].text}</strong>
                {w.publishedAt ? ` on ${formatDate(w.publishedAt)}` : ""}
                {w.respondentsPurgedAt ? `; respondent-level data deleted on ${formatDate(w.respondentsPurgedAt)} (figures kept)` : ""}
              </span>,
              `${formatDate(w.windowStart)} to ${formatDate(w.windowEnd)}`,
              formatDate(w.referenceDate),
              w.frameworkVersion,
            ],
          }))}
        />
      )}
      {wave ? (
        <>
          <h2>Organisations that have submitted, {wave.name}</h2>
          <WaveSelector waves={options} selected={wave.label} />
          {hasHeadcount ? (
            <p>
              Response rate: respondents as a share of staff in post. Rates below {formatPercent(lowResponseThreshold ?? 0)} are
              flagged: figures for those organisations describe who answered more than their workforce.
            </p>
          ) : (
            <p>No staff-in-post figures are imported for this wave, so response rates cannot be shown.</p>
          )}
          <DataTable
            id="coverage-table"
            caption={`Submissions and response rates by organisation, ${wave.name}`}
            rowHeader="Organisation"
            columns={[
              { key: "submitted", header: "Submitted" },
              { key: "respondents", header: "Respondents", numeric: true },
              { key: "headcount", header: "Staff in post", numeric: true },
              { key: "rate", header: "Response rate", numeric: true },
            ]}
            rows={coverage.map((c) => ({
              key: c.organisation,
              header: <Link to={withWaveLabel(`/organisations/${c.organisation}`, wave.label)}>{c.name}</Link>,
              cells: [
                c.submittedAt ? formatDateTime(c.submittedAt) : "not submitted",
                c.suppressed ? "suppressed" : formatCount(c.respondents ?? 0),
                c.headcount === null ? (c.suppressed ? "suppressed" : "no data") : formatCount(c.headcount),
                <ResponseRate rate={c.responseRate} low={c.lowResponse} suppressed={c.suppressed} key="rate" />,
              ],
            }))}
          />
          <SuppressionNote k={k} />
          <h2 id="quality-heading">Data quality of each submission, {wave.name}</h2>
          <p>
            Worked out when each file is loaded, over the submission&rsquo;s respondents (definitions in the{" "}
            <Link to="/methodology#data-quality">methodology</Link>):
          </p>
          <ul>
            <li>required answered: ratings given for the capabilities required of each respondent&rsquo;s archetype, as a share of those capabilities;</li>
            <li>straight-lining: respondents who gave two or more ratings, all the same;</li>
            <li>no required rating: respondents who rated none of the capabilities required of their archetype.</li>
          </ul>
          <p>
            Counts are rounded to the nearest 5. A count is withheld when it, or the number of the submission&rsquo;s other respondents,
            is below {k}; every figure is withheld for a submission of fewer than {k} respondents, and suppressed where the
            organisation&rsquo;s figures are.
          </p>
          {quality.length === 0 ? (
            <p>No organisation has a current submission for this wave.</p>
          ) : (
            <DataTable
              id="quality-table"
              caption={`Data quality by submission, ${wave.name}`}
              rowHeader="Organisation"
              columns={[
                { key: "answered", header: "Required answered", numeric: true },
                { key: "straight", header: "Straight-lining, respondents", numeric: true },
                { key: "straightShare", header: "Straight-lining, share", numeric: true },
                { key: "none", header: "No required rating, respondents", numeric: true },
                { key: "noneShare", header: "No required rating, share", numeric: true },
                ...(ingestHistory ? [{ key: "file", header: "Loaded from" }] : []),
              ]}
              rows={quality.map((q) => ({
                key: q.organisation,
                header: <Link to={withWaveLabel(`/organisations/${q.organisation}`, wave.label)}>{q.organisationName}</Link>,
                cells: [
                  answeredCell(q),
                  countCell(q.straightLining),
                  shareCell(q.straightLining),
                  countCell(q.noRequired),
                  shareCell(q.noRequired),
                  ...(ingestHistory
                    ? [
                        <Link to={`/ingest/history?batch=${q.batchId}#batch-${q.batchId}`} key="file">
                          {q.fileName}
                          <span className="nhsuk-u-visually-hidden"> in the ingest history</span>
                        </Link>,
                      ]
                    : []),
                ],
              }))}
            />
          )}
        </>
      ) : null}
    </>
  );
}
