// The page shell: NHS.UK header, breadcrumbs, main content (with the data status notice on every
// page), footer, and an error page that never shows a stack trace.
import type { HeadersFunction, LinksFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Links, Meta, Outlet, Scripts, ScrollRestoration, useRouteError, useRouteLoaderData } from "@remix-run/react";
import type { ReactNode } from "react";
import { dataStatus } from "~db/analytics/status";
import { Breadcrumbs, useBreadcrumbs } from "~/components/Breadcrumbs";
import { useChartTooltips } from "~/components/chart-tooltips";
import { DataStatusNotice } from "~/components/DataStatusNotice";
import { ErrorPage, errorContent } from "~/components/ErrorPage";
import { useNonce } from "~/components/nonce";
import { type HeaderAccount, SERVICE_NAME, SiteHeader } from "~/components/SiteHeader";
import { scopeInWords } from "~/lib/places.server";
import { SiteFooter } from "~/components/SiteFooter";
import { getDatabase } from "~/lib/db.server";
import { ingestAvailable } from "~/lib/ingest-access.server";
import stylesheet from "~/styles/app.scss?url";

export const links: LinksFunction = () => [
  { rel: "stylesheet", href: stylesheet },
  { rel: "icon", href: "/assets/images/favicon.ico", sizes: "48x48" },
  { rel: "icon", href: "/assets/images/favicon.svg", type: "image/svg+xml" },
  { rel: "apple-touch-icon", href: "/assets/images/nhsuk-icon-180.png" },
];

// Every page carries figures (and the data status): no browser or proxy keeps a copy. Routes
// without their own headers inherit these, for documents and loader data requests alike.
export const headers: HeadersFunction = () => ({ "Cache-Control": "private, no-store" });

export async function loader({ context }: LoaderFunctionArgs) {
  const status = await dataStatus(getDatabase());
  // Only what the shell shows; the waves travel with each page that needs them. Everything here
  // must be a function of the data version, the viewer and the server's context: kept documents
  // are looked up by those alone (docs/decisions/022-page-cache.md).
  const viewer = context.viewer;
  const account: HeaderAccount | null = viewer
    ? { email: viewer.user.email, sees: scopeInWords(viewer.scope), demo: viewer.demo, level: viewer.scope.kind }
    : null;
  return { synthetic: status.synthetic, dataAsAt: status.dataAsAt, ingest: ingestAvailable(context), admin: viewer?.user.admin ?? false, account };
}


export const meta: MetaFunction = ({ error }) => [
  { title: error ? `${errorContent(error).title} – ${SERVICE_NAME}` : SERVICE_NAME },
];

export function Layout({ children }: { children: ReactNode }) {
  const status = useRouteLoaderData<typeof loader>("root");
  const breadcrumbs = useBreadcrumbs(status?.account?.level);
  const nonce = useNonce();
  return (
    <html lang="en-GB">
      <head>
        <meta charSet="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <Meta />
        <Links />
      </head>
      <body>
        <SiteHeader account={status?.account ?? null} />
        <div className="nhsuk-width-container">
          <Breadcrumbs items={breadcrumbs} />
          <main className="nhsuk-main-wrapper" id="maincontent">
            {status ? <DataStatusNotice status={status} /> : null}
            {children}
          </main>
        </div>
        <SiteFooter ingest={status?.ingest ?? false} admin={status?.admin ?? false} />
        <ScrollRestoration nonce={nonce} />
        <Scripts nonce={nonce} />
      </body>
    </html>
  );
}

export default function App() {
  useChartTooltips();
  return <Outlet />;
}

export function ErrorBoundary() {
  return <ErrorPage error={useRouteError()} />;
}
