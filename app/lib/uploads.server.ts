// Uploaded exports waiting to be loaded. Each upload is a private folder, never served over the
// web: <root>/<id>/upload.json (what was chosen and the dry run's result) and <root>/<id>/<n>/<name>
// (each file under its own name, so the ingest history shows the name the trust gave it). Files may
// hold respondent ids before pseudonymisation, so a folder lives only until the files are loaded,
// cancelled or rejected, and one abandoned for a day is removed at the next upload.
import { randomBytes } from "node:crypto";
import { createWriteStream } from "node:fs";
import { lstat, mkdir, readdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import { once } from "node:events";
import os from "node:os";
import path from "node:path";
import { unstable_parseMultipartFormData, type UploadHandler } from "@remix-run/node";
import { dataDir, type Env } from "~db/client";

/**
 * Default upload limits (all files of one upload together). The embedded database loads in the web
 * server's own process, and its longest statements hold the event loop for about 50 µs per row:
 * 20 MB is some 300,000 rows, loaded in about 20 s, with pages waiting up to about 15 s of that
 * (docs/decisions/010-ingest-page.md).
 */
export const EMBEDDED_UPLOAD_LIMIT_MB = 20;
export const POSTGRES_UPLOAD_LIMIT_MB = 500;
/** Uploads older than this are abandoned. */
export const ABANDONED_AFTER_MS = 24 * 60 * 60 * 1000;
const ID = /^[0-9a-f]{32}$/;
const MANIFEST = "upload.json";
const MAX_FIELD_BYTES = 10_000;

/** The embedded database's uploads sit beside it; PostgreSQL servers may have no data folder of their own. */
export function uploadRoot(env: Env): string {
  return env.DATABASE_URL ? path.join(os.tmpdir(), `capgap-uploads-${os.userInfo().uid}`) : path.join(dataDir(env), "uploads");
}

/** Bytes one upload may hold: INGEST_UPLOAD_LIMIT_MB, else 20 MB embedded and 500 MB on PostgreSQL. */
export function uploadLimitBytes(env: Env): number {
  const configured = Number(env.INGEST_UPLOAD_LIMIT_MB);
  const mb = env.INGEST_UPLOAD_LIMIT_MB && Number.isFinite(configured) && configured > 0
    ? configured
    : env.DATABASE_URL ? POSTGRES_UPLOAD_LIMIT_MB : EMBEDDED_UPLOAD_LIMIT_MB;
  return Math.floor(mb * 1_000_000);
}

export function isUploadId(id: string): boolean {
  return ID.test(id);
}

/** A file's name as the ingest records it: no folders, nothing a shell or a file system could misread. */
export function safeFileName(name: string): string {
  const base = name.split(/[/\\]/).pop() ?? "";
  const cleaned = base.replace(/[^A-Za-z0-9._ ()+-]/g, "_").replace(/^[.\s]+/, "").trim().slice(-120);
  return cleaned || "upload.csv";
}

export class UploadTooLargeError extends Error {
  constructor(
    readonly limit: number,
    readonly part: "files" | "field" = "files",
  ) {
    super(`${part === "files" ? "upload" : "form field"} larger than ${limit} bytes`);
  }
}

export interface UploadedFile {
  /** The name as given (made safe), which the batch records. */
  name: string;
  /** Path relative to the upload folder. */
  path: string;
  bytes: number;
}

export interface ReceivedUpload {
  id: string;
  dir: string;
  files: UploadedFile[];
  fields: Map<string, string[]>;
}

/** The root folder, created private; on a shared temporary folder it must be this user's own. */
async function ensureRoot(root: string): Promise<void> {
  await mkdir(root, { recursive: true, mode: 0o700 });
  const info = await lstat(root);
  if (!info.isDirectory() || info.isSymbolicLink() || (typeof process.getuid === "function" && info.uid !== process.getuid())) {
    throw new Error(`${root} is not a private folder of this user; refusing to keep uploads there.`);
  }
}

/** Reads and drops the rest of a body: answering before the browser has sent it all resets the connection. */
async function discard(body: ReadableStream<Uint8Array> | null): Promise<void> {
  if (!body || body.locked) return;
  const reader = body.getReader();
  while (!(await reader.read()).done);
}

/**
 * Streams a multipart request's files into a new upload folder and collects its other fields.
 * Throws UploadTooLargeError (after deleting what was written) when the files exceed `limit`.
 */
export async function receiveUpload(request: Request, root: string, limit: number, fileField = "files"): Promise<ReceivedUpload> {
  const declared = Number(request.headers.get("content-length") ?? 0);
  // The body carries a little more than the files (field names, boundaries): refuse early only what
  // cannot fit (reading past it without keeping it), then count the files' own bytes.
  if (declared > limit + 64_000) {
    await discard(request.body);
    throw new UploadTooLargeError(limit);
  }
  await ensureRoot(root);
  const id = randomBytes(16).toString("hex");
  const dir = path.join(root, id);
  await mkdir(dir, { mode: 0o700 });
  const files: UploadedFile[] = [];
  const fields = new Map<string, string[]>();
  let total = 0;
  let refused: UploadTooLargeError | null = null;
  const drain = async (data: AsyncIterable<Uint8Array>) => {
    for await (const _ of data) void _;
  };
  const handler: UploadHandler = async ({ name, filename, data }) => {
    // Once refused, the rest of the body is read and dropped, so the answer arrives whole.
    if (refused) return void (await drain(data));
    if (filename === undefined) {
      let text = "";
      for await (const chunk of data) {
        text += Buffer.from(chunk).toString("utf8");
        if (text.length > MAX_FIELD_BYTES && !refused) refused = new UploadTooLargeError(MAX_FIELD_BYTES, "field");
      }
      if (!refused) fields.set(name, [...(fields.get(name) ?? []), text]);
      return undefined;
    }
    // An empty file input still sends a part with no file name.
    if (name !== fileField || !filename) return void (await drain(data));
    const relative = path.join(String(files.length + 1), safeFileName(filename));
    await mkdir(path.join(dir, path.dirname(relative)), { mode: 0o700 });
    const out = createWriteStream(path.join(dir, relative), { mode: 0o600 });
    let bytes = 0;
    try {
      for await (const chunk of data) {
        if (refused) continue;
        bytes += chunk.byteLength;
        total += chunk.byteLength;
        if (total > limit) refused = new UploadTooLargeError(limit);
        else if (!out.write(chunk)) await once(out, "drain");
      }
    } finally {
      out.end();
      await once(out, "close");
    }
    files.push({ name: path.basename(relative), path: relative, bytes });
    return undefined;
  };
  try {
    await unstable_parseMultipartFormData(request, handler);
    if (refused) throw refused;
  } catch (error) {
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
  return { id, dir, files, fields };
}

export function uploadDir(root: string, id: string): string {
  if (!isUploadId(id)) throw new Error("not an upload id");
  return path.join(root, id);
}

export async function writeManifest<T>(root: string, id: string, manifest: T): Promise<void> {
  await writeFile(path.join(uploadDir(root, id), MANIFEST), JSON.stringify(manifest), { mode: 0o600 });
}

/** The upload's manifest, or null when it does not exist (loaded, cancelled, expired or never was). */
export async function readManifest<T>(root: string, id: string): Promise<T | null> {
  if (!isUploadId(id)) return null;
  try {
    return JSON.parse(await readFile(path.join(uploadDir(root, id), MANIFEST), "utf8")) as T;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw error;
  }
}

export async function deleteUpload(root: string, id: string): Promise<void> {
  await rm(uploadDir(root, id), { recursive: true, force: true });
}

/** Removes uploads abandoned for longer than ABANDONED_AFTER_MS; returns how many. */
export async function removeAbandonedUploads(root: string, now = Date.now()): Promise<number> {
  let entries: string[];
  try {
    entries = await readdir(root);
  } catch {
    return 0;
  }
  let removed = 0;
  for (const entry of entries) {
    if (!isUploadId(entry)) continue;
    const info = await stat(path.join(root, entry)).catch(() => null);
    if (info && now - info.mtimeMs > ABANDONED_AFTER_MS) {
      await rm(path.join(root, entry), { recursive: true, force: true });
      removed++;
    }
  }
  return removed;
}
