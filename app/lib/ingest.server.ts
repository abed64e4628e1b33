// Data for the ingest pages: the upload form, an upload's dry run, its load or cancellation, and
// the ingest history. Routes stay thin; storage is uploads.server.ts, runs ingest-runner.server.ts.
import path from "node:path";
import type { AppLoadContext } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { ingestHistory, type IngestHistory } from "~db/analytics/history";
import { SetupError } from "~db/migrate";
import { InputError } from "~db/problems";
import { listWaves } from "~db/waves";
import { EXPORT_EXTENSIONS } from "~ingest/files";
import { checkWaveLabel } from "~ingest/waves";
import { getDatabase } from "./db.server";
import { waveName } from "./format";
import { CSRF_FIELD } from "./csrf-field";
import { csrfToken, requireCsrf } from "./csrf.server";
import { recordIngest } from "~db/access/audit";
import { requireIngestAccess } from "./ingest-access.server";
import { requireAdmin } from "./viewer.server";
import { FILES_FIELD, type FieldError, type FormValues, NEW_WAVE } from "./ingest-form";
import { dryRun, exclusive, type FileResult, loadInChild, loadInProcess, type RunRequest, RunFailedError } from "./ingest-runner.server";
import type { ServerContext } from "./server-context.server";
import {
  deleteUpload,
  readManifest,
  receiveUpload,
  removeAbandonedUploads,
  type UploadedFile,
  uploadDir,
  uploadLimitBytes,
  uploadRoot,
  UploadTooLargeError,
  writeManifest,
} from "./uploads.server";

export interface WaveOptionView {
  label: string;
  name: string;
}

export interface IngestFormData {
  /** The token the upload form carries (CSRF). */
  csrf: string;
  /** Waves that take files (status open), newest first. */
  waves: WaveOptionView[];
  /** Closed and published waves, which take no more files. */
  closedWaves: string[];
  limitMb: number;
  embedded: boolean;
  /** File name endings the ingest reads (the file chooser's filter). */
  extensions: string[];
}

export type UploadResult =
  | { kind: "invalid"; errors: FieldError[]; values: FormValues }
  | { kind: "nothing-to-load"; wave: string; results: FileResult[] };

interface UploadManifest {
  id: string;
  createdAt: string;
  wave: string;
  synthetic: boolean;
  files: UploadedFile[];
  results: FileResult[];
}

export interface UploadView {
  id: string;
  createdAt: string;
  wave: string;
  waveName: string;
  synthetic: boolean;
  results: FileResult[];
  /** Files the load would load (valid in the dry run). */
  loadable: number;
  /** The load runs in the web server's process (embedded database). */
  embedded: boolean;
  /** The token the load and cancel form carries (CSRF). */
  csrf: string;
}

export type ConfirmResult =
  | { kind: "loaded"; wave: string; waveName: string; results: FileResult[] }
  | { kind: "failed"; message: string }
  | { kind: "gone" };

function embedded(server: ServerContext): boolean {
  return !server.env.DATABASE_URL;
}

export async function ingestForm(request: Request, context: AppLoadContext): Promise<IngestFormData> {
  const server = requireIngestAccess(request, context);
  const waves = await listWaves(getDatabase());
  return {
    csrf: csrfToken(context),
    waves: waves.filter((w) => w.status === "open").reverse().map((w) => ({ label: w.label, name: waveName(w.label) })),
    closedWaves: waves.filter((w) => w.status !== "open").map((w) => w.label),
    limitMb: uploadLimitBytes(server.env) / 1_000_000,
    embedded: embedded(server),
    extensions: EXPORT_EXTENSIONS,
  };
}

function formatMb(bytes: number): string {
  return `${(bytes / 1_000_000).toLocaleString("en-GB", { maximumFractionDigits: 1 })} MB`;
}

/** The wave the form names, or the problem with it. */
async function chosenWave(values: FormValues): Promise<{ label: string } | FieldError> {
  const waves = await listWaves(getDatabase());
  if (!values.wave && !values.newWave) {
    // With no open wave the form shows only the new wave's label.
    return waves.some((w) => w.status === "open")
      ? { field: "wave", message: "Choose the survey wave these files belong to" }
      : { field: "newWave", message: "Enter the label of the survey wave these files belong to, for example 2026-summer" };
  }
  const isNew = values.wave === NEW_WAVE || !values.wave;
  const label = isNew ? values.newWave : values.wave;
  const field = isNew ? "newWave" : "wave";
  if (!label) return { field: "newWave", message: "Enter a label for the new wave, for example 2026-summer" };
  try {
    checkWaveLabel(label);
  } catch {
    return {
      field,
      message: "Wave labels are up to 40 letters, digits, dots, dashes or underscores, starting with a letter or digit, for example 2026-summer",
    };
  }
  const existing = waves.find((w) => w.label === label);
  if (existing && existing.status !== "open") {
    return {
      field,
      message: `Wave ${label} is ${existing.status}: its data are final. Reopen it with npm run wave -- set ${label} --status open if these files belong to it`,
    };
  }
  if (!isNew && !existing) return { field, message: `There is no wave ${label}; choose another or enter a new wave` };
  return { label };
}

/**
 * The upload form's action: stores the files, checks the form, then dry-runs the files. Redirects
 * to the upload's page when something can be loaded; otherwise deletes the files and says why.
 */
export async function uploadFiles(request: Request, context: AppLoadContext): Promise<UploadResult> {
  const server = requireIngestAccess(request, context);
  const root = uploadRoot(server.env);
  const limit = uploadLimitBytes(server.env);
  await removeAbandonedUploads(root);
  const noValues: FormValues = { wave: "", newWave: "", synthetic: false };
  let received;
  try {
    received = await receiveUpload(request, root, limit, FILES_FIELD);
  } catch (error) {
    if (!(error instanceof UploadTooLargeError)) throw error;
    const tooLarge =
      error.part === "field"
        ? "A form field is too long"
        : `The files come to more than ${formatMb(error.limit)}, the most one upload may hold` +
          (embedded(server) ? " on the embedded database" : "") +
          ". Upload fewer files at a time, or load large exports with npm run ingest";
    return { kind: "invalid", errors: [{ field: "files", message: tooLarge }], values: noValues };
  }
  const field = (name: string) => received.fields.get(name)?.[0]?.trim() ?? "";
  try {
    requireCsrf(context, field(CSRF_FIELD));
  } catch (refused) {
    await deleteUpload(root, received.id);
    throw refused;
  }
  const values: FormValues = { wave: field("wave"), newWave: field("newWave"), synthetic: field("synthetic") === "yes" };
  const errors: FieldError[] = [];
  const wave = await chosenWave(values);
  if ("field" in wave) errors.push(wave);
  if (received.files.length === 0) errors.push({ field: "files", message: "Choose one or more export files to upload" });
  const unknown = received.files.filter((f) => !EXPORT_EXTENSIONS.includes(path.extname(f.name).toLowerCase()));
  if (unknown.length) {
    errors.push({
      field: "files",
      message: `${unknown.map((f) => f.name).join(", ")} ${unknown.length === 1 ? "is not an export file" : "are not export files"}: upload CSV or Arrow files (${EXPORT_EXTENSIONS.join(", ")})`,
    });
  }
  if (errors.length || "field" in wave) {
    await deleteUpload(root, received.id);
    return { kind: "invalid", errors, values };
  }

  const run: RunRequest = {
    files: received.files.map((f) => ({ path: path.join(received.dir, f.path), name: f.name, bytes: f.bytes })),
    waveLabel: wave.label,
    synthetic: values.synthetic,
    env: server.env,
  };
  let results: FileResult[];
  try {
    results = await exclusive(() => dryRun(getDatabase(), run));
  } catch (error) {
    await deleteUpload(root, received.id);
    if (error instanceof InputError || error instanceof SetupError) {
      return { kind: "invalid", errors: [{ field: "files", message: error.message }], values };
    }
    throw error;
  }
  if (!results.some((r) => r.status === "valid")) {
    await deleteUpload(root, received.id);
    return { kind: "nothing-to-load", wave: wave.label, results };
  }
  const manifest: UploadManifest = {
    id: received.id,
    createdAt: new Date().toISOString(),
    wave: wave.label,
    synthetic: values.synthetic,
    files: received.files,
    results,
  };
  await writeManifest(root, received.id, manifest);
  // Thrown, so the action's answer type stays the page's data.
  throw redirect(`/ingest/uploads/${received.id}`);
}

/** An upload waiting to be loaded, or null when it is gone (loaded, cancelled, expired). */
export async function uploadPage(id: string, request: Request, context: AppLoadContext): Promise<UploadView | null> {
  const server = requireIngestAccess(request, context);
  const manifest = await readManifest<UploadManifest>(uploadRoot(server.env), id);
  if (!manifest) return null;
  return {
    id: manifest.id,
    createdAt: manifest.createdAt,
    wave: manifest.wave,
    waveName: waveName(manifest.wave),
    synthetic: manifest.synthetic,
    results: manifest.results,
    loadable: manifest.results.filter((r) => r.status === "valid").length,
    embedded: embedded(server),
    csrf: csrfToken(context),
  };
}

/** "Load these files" or "Cancel" on an upload's page. The files are deleted either way. */
export async function confirmUpload(id: string, request: Request, context: AppLoadContext): Promise<ConfirmResult> {
  const server = requireIngestAccess(request, context);
  const viewer = requireAdmin(request, context);
  const root = uploadRoot(server.env);
  const form = await request.formData();
  requireCsrf(context, form.get(CSRF_FIELD));
  const intent = String(form.get("intent") ?? "");
  if (intent === "cancel") {
    if (await readManifest(root, id)) await deleteUpload(root, id);
    throw redirect("/ingest?cancelled=1");
  }
  if (intent !== "load") throw new Response("Unknown action.", { status: 400, statusText: "Bad Request" });
  // Queued behind any run in progress; a second press of the button finds the upload gone.
  return exclusive(async (): Promise<ConfirmResult> => {
    const manifest = await readManifest<UploadManifest>(root, id);
    if (!manifest) return { kind: "gone" };
    const dir = uploadDir(root, id);
    const run: RunRequest = {
      files: manifest.files.map((f) => ({ path: path.join(dir, f.path), name: f.name, bytes: f.bytes })),
      waveLabel: manifest.wave,
      synthetic: manifest.synthetic,
      env: server.env,
    };
    try {
      const results = embedded(server) ? await loadInProcess(getDatabase(), run) : await loadInChild({ ...run, env: { ...run.env, INGEST_AUDIT: "off" } });
      await recordIngest(getDatabase(), { userId: viewer.user.id, email: viewer.user.email }, manifest.wave, results);
      return { kind: "loaded", wave: manifest.wave, waveName: waveName(manifest.wave), results };
    } catch (error) {
      if (error instanceof RunFailedError || error instanceof InputError || error instanceof SetupError) {
        return { kind: "failed", message: error.message };
      }
      throw error;
    } finally {
      await deleteUpload(root, id);
    }
  });
}

export interface HistoryPage {
  history: IngestHistory;
}

export async function historyPage(request: Request, context: AppLoadContext): Promise<HistoryPage> {
  requireIngestAccess(request, context);
  // An administrator's Scope still bounds what they see: the files of their area's organisations.
  const { scope } = requireAdmin(request, context);
  const db = getDatabase();
  // ?batch=N (a submission's link on the Data page): list at least down to that file, so its
  // anchor exists however many files were loaded since.
  const batch = Number(new URL(request.url).searchParams.get("batch"));
  let batches: number | undefined;
  if (Number.isSafeInteger(batch) && batch > 0) {
    const [row] = await db.query<{ n: number }>(
      "select count(*)::int as n from batches b, batches t where t.id = $1 and (b.loaded_at, b.id) >= (t.loaded_at, t.id)",
      [batch],
    );
    batches = Math.max(100, row?.n ?? 0);
  }
  return { history: await ingestHistory(db, scope, { batches }) };
}
