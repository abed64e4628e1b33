// Load exports: upload one or more files for a wave; they are checked (a dry run) before anything
// is loaded. For administrators (app/lib/ingest-access.server.ts).
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import type { ReactNode } from "react";
import { Form, Link, useActionData, useLoaderData, useNavigation, useSearchParams } from "@remix-run/react";
import type { BreadcrumbHandle } from "~/components/Breadcrumbs";
import { ErrorSummary } from "~/components/ErrorSummary";
import { IngestResults, rejectedItems } from "~/components/IngestResults";
import { FILES_FIELD, type FieldError, NEW_WAVE } from "~/lib/ingest-form";
import { CSRF_FIELD } from "~/lib/csrf-field";
import { ingestForm, uploadFiles } from "~/lib/ingest.server";
import { englandCrumb } from "~/lib/links";
import { pageTitle } from "~/lib/page-title";
import { waveName } from "~/lib/format";

export async function loader({ request, context }: LoaderFunctionArgs) {
  return ingestForm(request, context);
}

export async function action({ request, context }: ActionFunctionArgs) {
  return uploadFiles(request, context);
}

export const handle: BreadcrumbHandle = { breadcrumbs: () => [englandCrumb()] };

export const meta: MetaFunction = () => pageTitle("Load exports");

function fieldError(errors: FieldError[], field: FieldError["field"]) {
  const found = errors.filter((e) => e.field === field);
  if (!found.length) return null;
  return (
    <span className="nhsuk-error-message" id={`${field}-error`}>
      <span className="nhsuk-u-visually-hidden">Error:</span> {found.map((e) => e.message).join(". ")}
    </span>
  );
}

export default function LoadExportsPage() {
  const { waves, closedWaves, limitMb, embedded, extensions, csrf } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const [search] = useSearchParams();
  const navigation = useNavigation();
  const busy = navigation.state === "submitting" && navigation.formAction === "/ingest";
  const errors = result?.kind === "invalid" ? result.errors : [];
  const values = result?.kind === "invalid" ? result.values : { wave: "", newWave: "", synthetic: false };
  const anchor = (field: FieldError["field"]) =>
    field === "wave" ? (waves.length ? "#wave-1" : "#newWave") : field === "newWave" ? "#newWave" : `#${FILES_FIELD}`;
  const waveChosen = values.wave || (waves.length ? "" : NEW_WAVE);
  return (
    <>
      <h1>Load exports</h1>
      {search.get("cancelled") && !result ? (
        <Banner id="cancelled-title">The upload was cancelled and its files deleted. Nothing was loaded.</Banner>
      ) : null}
      {errors.length ? (
        <ErrorSummary title="There is a problem" items={errors.map((e) => ({ href: anchor(e.field), text: e.message }))} />
      ) : null}
      {result?.kind === "nothing-to-load" ? (
        <>
          {result.results.some((r) => r.status === "rejected") ? (
            <ErrorSummary
              title="Nothing can be loaded from these files"
              description="The files were checked and deleted; nothing was loaded or recorded. Fix the problems and upload the files again."
              items={rejectedItems(result.results)}
            />
          ) : (
            <Banner id="nothing-title">These files are already loaded: nothing changed, and the uploaded copies were deleted.</Banner>
          )}
          <IngestResults results={result.results} caption={`Files checked for ${waveName(result.wave)}`} />
        </>
      ) : null}

      <Form method="post" encType="multipart/form-data" className="app-upload-form">
        <input type="hidden" name={CSRF_FIELD} value={csrf} />
        <div className={`nhsuk-form-group${errors.some((e) => e.field === "files") ? " nhsuk-form-group--error" : ""}`}>
          <label className="nhsuk-label nhsuk-label--m" htmlFor={FILES_FIELD}>
            Export files
          </label>
          <div className="nhsuk-hint" id={`${FILES_FIELD}-hint`}>
            One or more trust exports as CSV or Arrow files, up to {limitMb} MB in all
            {embedded ? " on the embedded database" : ""}. Larger exports load with <code>npm run ingest</code>
            {embedded ? " while the server is stopped" : ""}.
          </div>
          {fieldError(errors, "files")}
          <input
            className={`nhsuk-file-upload__input${errors.some((e) => e.field === "files") ? " nhsuk-file-upload__input--error" : ""}`}
            id={FILES_FIELD}
            name={FILES_FIELD}
            type="file"
            multiple
            accept={extensions.join(",")}
            aria-describedby={`${FILES_FIELD}-hint${errors.some((e) => e.field === "files") ? ` ${FILES_FIELD}-error` : ""}`}
          />
        </div>

        <div className={`nhsuk-form-group${errors.some((e) => e.field === "wave") ? " nhsuk-form-group--error" : ""}`}>
          <fieldset className="nhsuk-fieldset" aria-describedby="wave-hint">
            <legend className="nhsuk-fieldset__legend nhsuk-fieldset__legend--m">Survey wave</legend>
            <div className="nhsuk-hint" id="wave-hint">
              Each file replaces its organisations’ earlier submission for this wave.
              {closedWaves.length ? ` Closed waves (${closedWaves.join(", ")}) take no more files.` : ""}
            </div>
            {fieldError(errors, "wave")}
            {waves.length ? (
              <div className="nhsuk-radios">
                {waves.map((w, i) => (
                  <div className="nhsuk-radios__item" key={w.label}>
                    <input
                      className="nhsuk-radios__input"
                      id={`wave-${i + 1}`}
                      name="wave"
                      type="radio"
                      value={w.label}
                      defaultChecked={waveChosen === w.label}
                    />
                    <label className="nhsuk-label nhsuk-radios__label" htmlFor={`wave-${i + 1}`}>
                      {w.name}
                      {w.name !== w.label ? <span className="app-wave-label"> ({w.label})</span> : null}
                    </label>
                  </div>
                ))}
                <div className="nhsuk-radios__item">
                  <input
                    className="nhsuk-radios__input"
                    id="wave-new"
                    name="wave"
                    type="radio"
                    value={NEW_WAVE}
                    defaultChecked={waveChosen === NEW_WAVE}
                  />
                  <label className="nhsuk-label nhsuk-radios__label" htmlFor="wave-new">
                    A new wave
                  </label>
                </div>
                <div className="nhsuk-radios__conditional">
                  <NewWaveInput errors={errors} value={values.newWave} />
                </div>
              </div>
            ) : (
              <NewWaveInput errors={errors} value={values.newWave} />
            )}
          </fieldset>
        </div>

        <div className="nhsuk-form-group">
          <div className="nhsuk-checkboxes">
            <div className="nhsuk-checkboxes__item">
              <input
                className="nhsuk-checkboxes__input"
                id="synthetic"
                name="synthetic"
                type="checkbox"
                value="yes"
                defaultChecked={values.synthetic}
                aria-describedby="synthetic-hint"
              />
              <label className="nhsuk-label nhsuk-checkboxes__label" htmlFor="synthetic">
                These files hold synthetic data
              </label>
              <div className="nhsuk-hint nhsuk-checkboxes__hint" id="synthetic-hint">
                Test or demonstration files, not real staff. Every page then says the figures are not real.
              </div>
            </div>
          </div>
        </div>

        <button className="nhsuk-button" type="submit" disabled={busy}>
          {busy ? "Checking the files…" : "Upload and check files"}
        </button>
        <p className="nhsuk-body-s">Nothing is loaded until you have seen the check and confirmed.</p>
      </Form>

      <h2>Ingest history</h2>
      <p>
        <Link to="/ingest/history">See every loaded file, what it replaced, and rejected files</Link>
      </p>
    </>
  );
}

function Banner({ id, children }: { id: string; children: ReactNode }) {
  return (
    <div className="nhsuk-notification-banner" role="region" aria-labelledby={id}>
      <div className="nhsuk-notification-banner__header">
        <h2 className="nhsuk-notification-banner__title" id={id}>
          Important
        </h2>
      </div>
      <div className="nhsuk-notification-banner__content">
        <p className="nhsuk-notification-banner__heading">{children}</p>
      </div>
    </div>
  );
}

function NewWaveInput({ errors, value }: { errors: FieldError[]; value: string }) {
  const error = errors.some((e) => e.field === "newWave");
  return (
    <div className={`nhsuk-form-group${error ? " nhsuk-form-group--error" : ""}`}>
      <label className="nhsuk-label" htmlFor="newWave">
        Label of the new wave
      </label>
      <div className="nhsuk-hint" id="newWave-hint">
        Up to 40 letters, digits, dots, dashes or underscores, starting with a letter or digit, for example 2026-summer
      </div>
      {fieldError(errors, "newWave")}
      <input
        className={`nhsuk-input nhsuk-u-width-one-half${error ? " nhsuk-input--error" : ""}`}
        id="newWave"
        name="newWave"
        type="text"
        spellCheck={false}
        autoComplete="off"
        defaultValue={value}
        aria-describedby={`newWave-hint${error ? " newWave-error" : ""}`}
      />
    </div>
  );
}
