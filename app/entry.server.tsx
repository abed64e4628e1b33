// Remix's default server entry (streaming render, complete documents for bots) with one addition:
// a page whose loader result came from the page cache is rendered once, and the same document is
// sent again while that result stays cached. A render is a pure function of the URL and the
// routes' loader data, and for such a page the data are the cached object (the same one for every
// hit) plus the other routes' small data, which are part of the key. Rendering was most of a
// cached page's CPU time (docs/decisions/022-page-cache.md).
import { PassThrough } from "node:stream";
import type { AppLoadContext, EntryContext } from "@remix-run/node";
import { createReadableStreamFromReadable } from "@remix-run/node";
import { RemixServer } from "@remix-run/react";
import { isbot } from "isbot";
import { renderToPipeableStream } from "react-dom/server";
import { cachedDocument, isCachedPage, keepDocument } from "~/lib/page-cache.server";

const ABORT_DELAY = 5_000;

/** The cached page result and the rest of the document's key, or null when the document is not cacheable. */
function documentKey(request: Request, status: number, context: EntryContext): { page: object; rest: string } | null {
  const state = context.staticHandlerContext;
  if (status !== 200 || state.errors || state.actionData || request.method !== "GET") return null;
  const leaf = state.matches.at(-1)?.route.id;
  const page = leaf ? state.loaderData[leaf] : undefined;
  if (!isCachedPage(page)) return null;
  const others = state.matches.slice(0, -1).map((m) => [m.route.id, state.loaderData[m.route.id] ?? null]);
  return { page, rest: JSON.stringify([request.url, others]) };
}

export default function handleRequest(
  request: Request,
  responseStatusCode: number,
  responseHeaders: Headers,
  remixContext: EntryContext,
  _loadContext: AppLoadContext,
) {
  const key = documentKey(request, responseStatusCode, remixContext);
  if (key) {
    const html = cachedDocument(key.page, key.rest);
    responseHeaders.set("Content-Type", "text/html");
    if (html !== undefined) return new Response(html, { headers: responseHeaders, status: responseStatusCode });
    return render(request, remixContext).then(({ html, status }) => {
      if (status === 200) keepDocument(key.page, key.rest, html);
      return new Response(html, { headers: responseHeaders, status });
    });
  }
  const bot = isbot(request.headers.get("user-agent") ?? "") || remixContext.isSpaMode;
  return stream(request, responseStatusCode, responseHeaders, remixContext, bot ? "onAllReady" : "onShellReady");
}

/** The whole document as text. */
function render(request: Request, remixContext: EntryContext): Promise<{ html: string; status: number }> {
  return new Promise((resolve, reject) => {
    let status = 200;
    const { pipe, abort } = renderToPipeableStream(<RemixServer context={remixContext} url={request.url} abortDelay={ABORT_DELAY} />, {
      onAllReady() {
        const chunks: Buffer[] = [];
        const body = new PassThrough();
        body.on("data", (chunk: Buffer) => chunks.push(chunk));
        body.on("end", () => resolve({ html: Buffer.concat(chunks).toString("utf8"), status }));
        body.on("error", reject);
        pipe(body);
      },
      onShellError: reject,
      onError(error: unknown) {
        status = 500;
        console.error(error);
      },
    });
    setTimeout(abort, ABORT_DELAY);
  });
}

/** As Remix's default: stream from the shell (browsers) or once everything is ready (bots). */
function stream(
  request: Request,
  responseStatusCode: number,
  responseHeaders: Headers,
  remixContext: EntryContext,
  ready: "onShellReady" | "onAllReady",
) {
  return new Promise((resolve, reject) => {
    let shellRendered = false;
    const { pipe, abort } = renderToPipeableStream(<RemixServer context={remixContext} url={request.url} abortDelay={ABORT_DELAY} />, {
      [ready]() {
        shellRendered = true;
        const body = new PassThrough();
        const stream = createReadableStreamFromReadable(body);
        responseHeaders.set("Content-Type", "text/html");
        resolve(new Response(stream, { headers: responseHeaders, status: responseStatusCode }));
        pipe(body);
      },
      onShellError(error: unknown) {
        reject(error);
      },
      onError(error: unknown) {
        responseStatusCode = 500;
        // Errors inside the shell are logged here; shell errors are logged by Remix when it rejects.
        if (shellRendered) console.error(error);
      },
    });
    setTimeout(abort, ABORT_DELAY);
  });
}
