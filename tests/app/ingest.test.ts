// The ingest page's plumbing without a server: who is loopback, upload storage and its limits,
// and reading the per-file JSON lines of `npm run ingest`.
import { existsSync, mkdtempSync, mkdirSync, readdirSync, readFileSync, utimesSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { parseChildOutput } from "~/lib/ingest-runner.server";
import { isLoopbackAddress, isLoopbackHostHeader } from "~/lib/server-context.server";
import {
  ABANDONED_AFTER_MS,
  receiveUpload,
  removeAbandonedUploads,
  safeFileName,
  uploadLimitBytes,
  uploadRoot,
  UploadTooLargeError,
} from "~/lib/uploads.server";

function multipart(parts: { name: string; filename?: string; body: string }[]): Request {
  const form = new FormData();
  for (const p of parts) {
    if (p.filename === undefined) form.append(p.name, p.body);
    else form.append(p.name, new File([p.body], p.filename));
  }
  return new Request("http://127.0.0.1/ingest", { method: "POST", body: form });
}

describe("loopback", () => {
  it("knows loopback addresses and host names from everything else", () => {
    for (const a of ["127.0.0.1", "127.8.9.10", "::1", "::ffff:127.0.0.1"]) expect(isLoopbackAddress(a), a).toBe(true);
    for (const a of ["0.0.0.0", "::", "10.0.0.1", "192.168.1.20", "::ffff:10.0.0.1", "localhost"]) expect(isLoopbackAddress(a), a).toBe(false);
    for (const h of ["127.0.0.1:3000", "localhost:3000", "LOCALHOST", "[::1]:3000"]) expect(isLoopbackHostHeader(h), h).toBe(true);
    for (const h of ["attacker.example", "attacker.example:3000", "10.0.0.1:3000", null, ""]) expect(isLoopbackHostHeader(h), String(h)).toBe(false);
  });
});

describe("uploads", () => {
  it("keeps file names recognisable but harmless", () => {
    expect(safeFileName("RAL 2026 (v2).csv")).toBe("RAL 2026 (v2).csv");
    expect(safeFileName("../../etc/passwd")).toBe("passwd");
    expect(safeFileName("C:\\exports\\RAL.csv")).toBe("RAL.csv");
    expect(safeFileName(".hidden;rm -rf.csv")).toBe("hidden_rm -rf.csv");
    expect(safeFileName("..")).toBe("upload.csv");
  });

  it("puts embedded uploads beside the database and PostgreSQL ones in a private temporary folder, with limits", () => {
    expect(uploadRoot({ DATA_DIR: "/srv/capgap" })).toBe("/srv/capgap/uploads");
    expect(uploadRoot({ DATABASE_URL: "postgres://x/y" }).startsWith(os.tmpdir())).toBe(true);
    expect(uploadLimitBytes({})).toBe(20_000_000);
    expect(uploadLimitBytes({ DATABASE_URL: "postgres://x/y" })).toBe(500_000_000);
    expect(uploadLimitBytes({ INGEST_UPLOAD_LIMIT_MB: "5" })).toBe(5_000_000);
    expect(uploadLimitBytes({ INGEST_UPLOAD_LIMIT_MB: "lots" })).toBe(20_000_000);
  });

  it("stores each file under its own name in a private folder and collects the fields", async () => {
    const root = path.join(mkdtempSync(path.join(os.tmpdir(), "capgap-uploads-test-")), "uploads");
    const upload = await receiveUpload(
      multipart([
        { name: "wave", body: "2026-summer" },
        { name: "files", filename: "RAL.csv", body: "a,b\n1,2\n" },
        { name: "files", filename: "RAL.csv", body: "a,b\n3,4\n" },
        { name: "files", filename: "", body: "" },
      ]),
      root,
      1000,
    );
    expect(upload.fields.get("wave")).toEqual(["2026-summer"]);
    expect(upload.files.map((f) => [f.name, f.bytes])).toEqual([["RAL.csv", 8], ["RAL.csv", 8]]);
    expect(readFileSync(path.join(upload.dir, upload.files[1].path), "utf8")).toBe("a,b\n3,4\n");
    expect((await import("node:fs")).statSync(root).mode & 0o777).toBe(0o700);
  });

  it("refuses files over the limit together, keeping nothing", async () => {
    const root = path.join(mkdtempSync(path.join(os.tmpdir(), "capgap-uploads-test-")), "uploads");
    const request = multipart([
      { name: "files", filename: "a.csv", body: "x".repeat(600) },
      { name: "files", filename: "b.csv", body: "x".repeat(600) },
    ]);
    await expect(receiveUpload(request, root, 1000)).rejects.toBeInstanceOf(UploadTooLargeError);
    expect(readdirSync(root)).toEqual([]);
  });

  it("removes uploads abandoned for more than a day, and only those", async () => {
    const root = mkdtempSync(path.join(os.tmpdir(), "capgap-uploads-test-"));
    const old = path.join(root, "a".repeat(32));
    const recent = path.join(root, "b".repeat(32));
    const other = path.join(root, "not-an-upload");
    for (const dir of [old, recent, other]) mkdirSync(dir);
    const longAgo = (Date.now() - ABANDONED_AFTER_MS - 60_000) / 1000;
    utimesSync(old, longAgo, longAgo);
    utimesSync(other, longAgo, longAgo);
    expect(await removeAbandonedUploads(root)).toBe(1);
    expect([existsSync(old), existsSync(recent), existsSync(other)]).toEqual([false, true, true]);
  });
});

describe("npm run ingest output", () => {
  it("reads one JSON line per file and ignores anything else", () => {
    const out = [
      JSON.stringify({ file: "/u/1/RAL.csv", name: "RAL.csv", status: "loaded", rows: 10, problems: [] }),
      "not json",
      "{broken",
      JSON.stringify({ file: "/u/2/bad.csv", name: "bad.csv", status: "rejected", problemCount: 1, problems: [{ row: 2, column: "rating", message: "m" }] }),
      "",
    ].join("\n");
    const lines = parseChildOutput(out);
    expect([...lines.keys()]).toEqual(["/u/1/RAL.csv", "/u/2/bad.csv"]);
    expect(lines.get("/u/2/bad.csv")?.problems?.[0]).toEqual({ row: 2, column: "rating", message: "m" });
  });
});
