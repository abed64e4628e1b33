// An upload's check (dry run) and its confirmation: "Load these files" loads them, "Cancel" deletes
// them. The load's outcome is shown here as the action's answer; the files are gone by then.
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, type ShouldRevalidateFunction, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import type { BreadcrumbHandle } from "~/components/Breadcrumbs";
import { ErrorSummary } from "~/components/ErrorSummary";
import { CSRF_FIELD } from "~/lib/csrf-field";
import { IngestResults, rejectedItems, Tag } from "~/components/IngestResults";
import { formatCount, formatDateTime } from "~/lib/format";
import { confirmUpload, uploadPage } from "~/lib/ingest.server";
import { englandCrumb } from "~/lib/links";
import { pageTitle } from "~/lib/page-title";

export async function loader({ params, request, context }: LoaderFunctionArgs) {
  return { upload: await uploadPage(params.id ?? "", request, context) };
}

export async function action({ params, request, context }: ActionFunctionArgs) {
  return confirmUpload(params.id ?? "", request, context);
}

// After the load the upload is gone; reloading it would only replace the outcome with "not found".
export const shouldRevalidate: ShouldRevalidateFunction = ({ formMethod, defaultShouldRevalidate }) =>
  formMethod === "POST" ? false : defaultShouldRevalidate;

export const handle: BreadcrumbHandle = {
  breadcrumbs: () => [englandCrumb(), { href: "/ingest", text: "Load exports" }],
};

export const meta: MetaFunction = () => pageTitle("Check and load files");

function count(n: number, word: string) {
  return `${formatCount(n)} ${word}${n === 1 ? "" : "s"}`;
}

export default function UploadPage() {
  const { upload } = useLoaderData<typeof loader>();
  const outcome = useActionData<typeof action>();
  const navigation = useNavigation();
  const loading = navigation.state === "submitting" && navigation.formData?.get("intent") === "load";

  if (outcome?.kind === "loaded") {
    const loaded = outcome.results.filter((r) => r.status === "loaded").length;
    const rejected = outcome.results.filter((r) => r.status === "rejected");
    return (
      <>
        <h1>
          {loaded ? "Files loaded" : "Nothing was loaded"}
          <span className="nhsuk-caption-l nhsuk-caption--bottom">{outcome.waveName} survey wave</span>
        </h1>
        {loaded ? (
          <div className="nhsuk-notification-banner nhsuk-notification-banner--success" role="alert" aria-labelledby="loaded-title">
            <div className="nhsuk-notification-banner__header">
              <h2 className="nhsuk-notification-banner__title" id="loaded-title">
                Success
              </h2>
            </div>
            <div className="nhsuk-notification-banner__content">
              <p className="nhsuk-notification-banner__heading">
                {count(loaded, "file")} loaded into {outcome.waveName}. The dashboards show the new figures now.
              </p>
            </div>
          </div>
        ) : null}
        {rejected.length ? (
          <ErrorSummary
            title={`${count(rejected.length, "file")} rejected`}
            description="Nothing from a rejected file was loaded. The rejection is recorded in the ingest history."
            items={rejectedItems(outcome.results)}
          />
        ) : null}
        <IngestResults results={outcome.results} caption={`What happened to each file, ${outcome.waveName}`} />
        <p>The uploaded files have been deleted.</p>
        <ul className="nhsuk-list">
          <li>
            <Link to="/ingest/history">See the ingest history</Link>
          </li>
          <li>
            <Link to={`/?wave=${encodeURIComponent(outcome.wave)}`}>See the England overview for {outcome.waveName}</Link>
          </li>
          <li>
            <Link to="/ingest">Load more files</Link>
          </li>
        </ul>
      </>
    );
  }

  if (outcome?.kind === "failed") {
    return (
      <>
        <h1>The load did not finish</h1>
        <ErrorSummary title="There is a problem" items={[]} description={outcome.message} />
        <p>The uploaded files have been deleted.</p>
        <p>
          <Link to="/ingest/history">See the ingest history</Link> to find out what was loaded, or{" "}
          <Link to="/ingest">upload the files again</Link>.
        </p>
      </>
    );
  }

  if (!upload || outcome?.kind === "gone") {
    return (
      <>
        <h1>This upload is no longer waiting</h1>
        <p>It was loaded or cancelled, or it was removed after a day without being loaded.</p>
        <p>
          <Link to="/ingest/history">See the ingest history</Link> for what was loaded, or <Link to="/ingest">upload files</Link>.
        </p>
      </>
    );
  }

  const rejected = upload.results.filter((r) => r.status === "rejected").length;
  return (
    <>
      <h1>
        Check the files
        <span className="nhsuk-caption-l nhsuk-caption--bottom">Nothing has been loaded yet</span>
      </h1>
      {rejected ? (
        <ErrorSummary
          title={`${count(rejected, "file")} cannot be loaded`}
          description={`You can still load the ${upload.loadable === 1 ? "valid file" : "valid files"}; a rejected file loads nothing and its problems are recorded in the ingest history.`}
          items={rejectedItems(upload.results)}
        />
      ) : null}
      <dl className="nhsuk-summary-list">
        <div className="nhsuk-summary-list__row">
          <dt className="nhsuk-summary-list__key">Survey wave</dt>
          <dd className="nhsuk-summary-list__value">
            {upload.waveName}
            {upload.waveName !== upload.wave ? ` (${upload.wave})` : ""}
          </dd>
        </div>
        <div className="nhsuk-summary-list__row">
          <dt className="nhsuk-summary-list__key">Files</dt>
          <dd className="nhsuk-summary-list__value">
            {count(upload.results.length, "file")}: {formatCount(upload.loadable)} valid
            {rejected ? `, ${formatCount(rejected)} rejected` : ""}
            {upload.results.length - upload.loadable - rejected ? `, ${formatCount(upload.results.length - upload.loadable - rejected)} already loaded` : ""}
          </dd>
        </div>
        <div className="nhsuk-summary-list__row">
          <dt className="nhsuk-summary-list__key">Data</dt>
          <dd className="nhsuk-summary-list__value">{upload.synthetic ? <Tag colour="orange">Synthetic</Tag> : "Real staff assessments"}</dd>
        </div>
        <div className="nhsuk-summary-list__row">
          <dt className="nhsuk-summary-list__key">Uploaded</dt>
          <dd className="nhsuk-summary-list__value">
            <time dateTime={upload.createdAt}>{formatDateTime(upload.createdAt)}</time> (UK time)
          </dd>
        </div>
      </dl>
      <IngestResults results={upload.results} caption="Result of the check for each file" />
      <h2>Load the files</h2>
      <p>
        Loading replaces the current submission of each organisation in a valid file for this wave; the earlier one is kept in
        the history as superseded. Each file loads whole or not at all. The uploaded files are deleted afterwards.
      </p>
      <Form method="post" className="nhsuk-button-group">
        <input type="hidden" name={CSRF_FIELD} value={upload.csrf} />
        <button className="nhsuk-button" type="submit" name="intent" value="load" disabled={loading}>
          {loading ? "Loading…" : upload.loadable === 1 ? "Load this file" : "Load these files"}
        </button>
        <button className="nhsuk-button nhsuk-button--secondary" type="submit" name="intent" value="cancel" disabled={loading}>
          Cancel and delete the files
        </button>
      </Form>
      {loading ? (
        <p className="nhsuk-body-s" role="status">
          {upload.embedded
            ? "Loading: about a second for every megabyte. Other pages may be slow to answer until it finishes."
            : "Loading in a separate process; the dashboards stay available meanwhile. A large file can take a few minutes."}
        </p>
      ) : null}
    </>
  );
}
