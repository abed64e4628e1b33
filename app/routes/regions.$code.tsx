// A Region: headline figures, its ICBs, Organisation × Domain heatmap with links to each
// organisation, a funnel plot of its organisations against England, and its commissioning priorities.
import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { AreaSections } from "~/components/AreaSections";
import type { BreadcrumbHandle } from "~/components/Breadcrumbs";
import { HeadlineFigures } from "~/components/HeadlineFigures";
import { NoWaves } from "~/components/PageParts";
import { FilterPanel } from "~/components/FilterPanel";
import { pageTitle } from "~/lib/page-title";
import { regionPage } from "~/lib/region.server";
import { englandCrumb } from "~/lib/links";
import { cachedPage } from "~/lib/page-cache.server";
import { requireViewer } from "~/lib/viewer.server";

export async function loader({ params, request, context }: LoaderFunctionArgs) {
  const { scope } = requireViewer(request, context);
  return cachedPage({ route: "routes/regions.$code", request, context, scope }, () => regionPage(params.code ?? "", new URL(request.url), scope));
}

type Data = Awaited<ReturnType<typeof loader>>;

export const handle: BreadcrumbHandle = {
  breadcrumbs: (data) => [englandCrumb((data as Data | undefined)?.query)],
};

export const meta: MetaFunction<typeof loader> = ({ data }) =>
  pageTitle(data ? `${data.region.name}${data.wave ? `, ${data.wave.name}` : ""}` : "Region");

export default function RegionPage() {
  const page = useLoaderData<typeof loader>();
  const { region, wave, waves, headline, icbs, filters, options, query } = page;
  return (
    <>
      <h1>
        {region.name}
        <span className="nhsuk-caption-l nhsuk-caption--bottom">
          NHS England region{wave ? `, ${wave.name} survey wave` : ""}
        </span>
      </h1>
      <FilterPanel path={`/regions/${region.code}`} filters={filters} waves={waves} shownWave={wave?.label ?? null} options={options} />
      {!wave || !headline ? (
        <NoWaves />
      ) : (
        <>
          <HeadlineFigures headline={headline} />
          {icbs.length ? (
            <nav aria-labelledby="icbs-heading">
              <h2 id="icbs-heading">Integrated care boards</h2>
              <ul className="nhsuk-list nhsuk-list--bullet">
                {icbs.map((icb) => (
                  <li key={icb.code}>
                    <Link to={`/icbs/${icb.code}${query}`}>{icb.name}</Link>
                  </li>
                ))}
              </ul>
            </nav>
          ) : null}
          <AreaSections area={region.name} figures={page} />
        </>
      )}
    </>
  );
}
