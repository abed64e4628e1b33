// Remix's default server entry (streaming render, complete documents for bots) with one addition:
// a page whose loader result came from the page cache is rendered once, and the same document is
// sent again while that result stays cached. A render is a pure function of the URL and the
// routes' loader data, and for such a page the data are the cached object (the same one for every
// hit) plus the other routes' small data, which are part of the key. Rendering was most of a
// cached page's CPU time. Kept documents are also served by server.ts before Remix routes the
// request, which skips Remix's own serialisation of the loader data (docs/decisions/022-page-cache.md).
// Every document's inline scripts carry a nonce named by its Content-Security-Policy; a kept
// document holds a placeholder that each response replaces with a fresh nonce.
import { PassThrough } from "node:stream";
import type { AppLoadContext, EntryContext } from "@remix-run/node";
import { createReadableStreamFromReadable } from "@remix-run/node";
import { RemixServer } from "@remix-run/react";
import { isbot } from "isbot";
import { renderToPipeableStream } from "react-dom/server";
import { NonceContext } from "~/components/nonce";
import { documentAddress, isCachedPage, pageCache } from "~/lib/page-cache.server";
import { documentPolicy, newNonce, NONCE_PLACEHOLDER, withFreshNonce } from "~/lib/security-headers.server";
import { viewerKey } from "~/lib/viewer.server";

const ABORT_DELAY = 5_000;

/** The cached page result, the document's address and the other routes' data, or null when the document is not cacheable. */
function documentKey(request: Request, status: number, context: EntryContext): { page: object; address: string; others: string } | null {
  const state = context.staticHandlerContext;
  if (status !== 200 || state.errors || state.actionData || request.method !== "GET") return null;
  const leaf = state.matches.at(-1)?.route.id;
  const page = leaf ? state.loaderData[leaf] : undefined;
  if (!isCachedPage(page)) return null;
  const others = state.matches.slice(0, -1).map((m) => [m.route.id, state.loaderData[m.route.id] ?? null]);
  return { page, address: documentAddress(request.url), others: JSON.stringify(others) };
}

export default function handleRequest(
  request: Request,
  responseStatusCode: number,
  responseHeaders: Headers,
  remixContext: EntryContext,
  loadContext: AppLoadContext,
) {
  const key = documentKey(request, responseStatusCode, remixContext);
  // A response that sets a cookie is one viewer's, never kept.
  if (key && !responseHeaders.has("Set-Cookie")) {
    responseHeaders.set("Content-Type", "text/html");
    const viewer = viewerKey(loadContext.viewer);
    const kept = pageCache().documentOf(key.page, key.address, viewer, key.others);
    const send = (kept: Buffer, status: number) => {
      const { body, policy } = withFreshNonce(kept);
      responseHeaders.set("Content-Security-Policy", policy);
      return new Response(body as Uint8Array<ArrayBuffer>, { headers: responseHeaders, status });
    };
    if (kept) return send(kept.body, responseStatusCode);
    return render(request, remixContext, NONCE_PLACEHOLDER).then(({ html, status }) => {
      const body = Buffer.from(html, "utf8");
      if (status === 200) pageCache().keepDocument(key.page, key.address, viewer, { body, headers: Object.fromEntries(responseHeaders), others: key.others });
      return send(body, status);
    });
  }
  const bot = isbot(request.headers.get("user-agent") ?? "") || remixContext.isSpaMode;
  const nonce = newNonce();
  responseHeaders.set("Content-Security-Policy", documentPolicy(nonce));
  return stream(request, responseStatusCode, responseHeaders, remixContext, bot ? "onAllReady" : "onShellReady", nonce);
}

/** The app as rendered on the server, with the nonce its inline scripts carry. */
const app = (request: Request, remixContext: EntryContext, nonce: string) => (
  <NonceContext.Provider value={nonce}>
    <RemixServer context={remixContext} url={request.url} abortDelay={ABORT_DELAY} nonce={nonce} />
  </NonceContext.Provider>
);

/** The whole document as text. */
function render(request: Request, remixContext: EntryContext, nonce: string): Promise<{ html: string; status: number }> {
  return new Promise((resolve, reject) => {
    let status = 200;
    const { pipe, abort } = renderToPipeableStream(app(request, remixContext, nonce), {
      nonce,
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
  nonce: string,
) {
  return new Promise((resolve, reject) => {
    let shellRendered = false;
    const { pipe, abort } = renderToPipeableStream(app(request, remixContext, nonce), {
      nonce,
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
