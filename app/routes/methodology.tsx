// Methodology: how every figure is defined, computed and protected (docs/metrics.md, rendered).
import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import type { BreadcrumbHandle } from "~/components/Breadcrumbs";
import { englandCrumb } from "~/lib/links";
import { methodology } from "~/lib/methodology.server";
import { pageTitle } from "~/lib/page-title";
import { NATIONAL } from "~db/analytics/scope";
import { cachedPage } from "~/lib/page-cache.server";

export async function loader({ request, context }: LoaderFunctionArgs) {
  return cachedPage({ route: "routes/methodology", request, context, scope: NATIONAL }, async () => methodology());
}

export const handle: BreadcrumbHandle = { breadcrumbs: () => [englandCrumb()] };

export const meta: MetaFunction = () => pageTitle("Methodology");

export default function MethodologyPage() {
  const { html, sections } = useLoaderData<typeof loader>();
  return (
    <>
      <h1>Methodology</h1>
      <p className="nhsuk-lede-text">
        How every figure on these pages is defined, computed and protected, with worked examples. The same definitions
        apply to the downloads and the API.
      </p>
      <nav className="nhsuk-contents-list" aria-label="Contents">
        <h2 className="nhsuk-u-visually-hidden">Contents</h2>
        <ol className="nhsuk-contents-list__list">
          {sections.map((s) => (
            <li className="nhsuk-contents-list__item" key={s.id}>
              <a className="nhsuk-contents-list__link" href={`#${s.id}`}>
                {s.title}
              </a>
            </li>
          ))}
        </ol>
      </nav>
      {/* Rendered from docs/metrics.md with raw HTML escaped (methodology.server.ts). */}
      <div className="app-prose" dangerouslySetInnerHTML={{ __html: html }} />
    </>
  );
}
