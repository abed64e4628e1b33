// Data: the survey waves and their status, and which organisations have submitted to a wave, when,
// and what share of their staff answered.
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
import { NATIONAL } from "~db/analytics/scope";
import { cachedPage } from "~/lib/page-cache.server";

export async function loader({ request, context }: LoaderFunctionArgs) {
  return cachedPage({ route: "routes/data", request, context, scope: NATIONAL }, () => dataPage(new URL(request.url)));
}

export const handle: BreadcrumbHandle = {
  breadcrumbs: (data) => [englandCrumb((data as { wave?: { label: string } | null } | undefined)?.wave?.label)],
};

export const meta: MetaFunction<typeof loader> = ({ data }) => pageTitle(data?.wave ? `About the data, ${data.wave.name}` : "About the data");

const STATUS: Record<string, { text: string; colour: string }> = {
  open: { text: "Provisional", colour: "yellow" },
  closed: { text: "Closed", colour: "blue" },
  published: { text: "Published", colour: "green" },
};

export default function DataPage() {
  const { waves, wave, options, coverage, hasHeadcount, lowResponseThreshold, k } = useLoaderData<typeof loader>();
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
              <strong className={`nhsuk-tag nhsuk-tag--${STATUS[w.status].colour}`} key="status">
                {STATUS[w.status].text}
              </strong>,
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
        </>
      ) : null}
    </>
  );
}
