// The page shell: NHS.UK header, breadcrumbs, main content (with the data status notice on every
// page), footer, and an error page that never shows a stack trace.
import type { LinksFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Links, Meta, Outlet, Scripts, ScrollRestoration, useRouteError, useRouteLoaderData } from "@remix-run/react";
import type { ReactNode } from "react";
import { dataStatus } from "~db/analytics/status";
import { Breadcrumbs, useBreadcrumbs } from "~/components/Breadcrumbs";
import { useChartTooltips } from "~/components/chart-tooltips";
import { DataStatusNotice } from "~/components/DataStatusNotice";
import { ErrorPage, errorContent } from "~/components/ErrorPage";
import { SERVICE_NAME, SiteHeader } from "~/components/SiteHeader";
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

export async function loader({ context }: LoaderFunctionArgs) {
  const status = await dataStatus(getDatabase());
  // Only what the shell shows; the waves travel with each page that needs them.
  return { synthetic: status.synthetic, dataAsAt: status.dataAsAt, ingest: ingestAvailable(context) };
}

export const meta: MetaFunction = ({ error }) => [
  { title: error ? `${errorContent(error).title} – ${SERVICE_NAME}` : SERVICE_NAME },
];

export function Layout({ children }: { children: ReactNode }) {
  const status = useRouteLoaderData<typeof loader>("root");
  const breadcrumbs = useBreadcrumbs();
  return (
    <html lang="en-GB">
      <head>
        <meta charSet="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <Meta />
        <Links />
      </head>
      <body>
        <SiteHeader />
        <div className="nhsuk-width-container">
          <Breadcrumbs items={breadcrumbs} />
          <main className="nhsuk-main-wrapper" id="maincontent">
            {status ? <DataStatusNotice status={status} /> : null}
            {children}
          </main>
        </div>
        <SiteFooter ingest={status?.ingest ?? false} />
        <ScrollRestoration />
        <Scripts />
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
