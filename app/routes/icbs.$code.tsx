// An ICB: headline figures, Organisation × Domain heatmap with links to each organisation, a funnel
// plot of its organisations against England, and its commissioning priorities.
import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { AreaSections } from "~/components/AreaSections";
import type { BreadcrumbHandle } from "~/components/Breadcrumbs";
import { HeadlineFigures } from "~/components/HeadlineFigures";
import { NoWaves } from "~/components/PageParts";
import { FilterPanel } from "~/components/FilterPanel";
import { englandCrumb, regionCrumb } from "~/lib/links";
import { pageTitle } from "~/lib/page-title";
import { icbPage } from "~/lib/region.server";
import { cachedPage } from "~/lib/page-cache.server";
import { requireViewer } from "~/lib/viewer.server";

export async function loader({ params, request, context }: LoaderFunctionArgs) {
  const { scope } = requireViewer(request, context);
  return cachedPage({ route: "routes/icbs.$code", request, context, scope }, () => icbPage(params.code ?? "", new URL(request.url), scope));
}

type Data = Awaited<ReturnType<typeof loader>>;

export const handle: BreadcrumbHandle = {
  breadcrumbs: (data) => {
    const page = data as Data | undefined;
    const query = page?.query;
    return page ? [englandCrumb(query), regionCrumb(page.icb.region, query)] : [englandCrumb()];
  },
};

export const meta: MetaFunction<typeof loader> = ({ data }) =>
  pageTitle(data ? `${data.icb.name}${data.wave ? `, ${data.wave.name}` : ""}` : "Integrated care board");

export default function IcbPage() {
  const page = useLoaderData<typeof loader>();
  const { icb, wave, waves, headline, filters, options } = page;
  return (
    <>
      <h1>
        {icb.name}
        <span className="nhsuk-caption-l nhsuk-caption--bottom">
          Integrated care board in {icb.region.name}
          {wave ? `, ${wave.name} survey wave` : ""}
        </span>
      </h1>
      <FilterPanel path={`/icbs/${icb.code}`} filters={filters} waves={waves} shownWave={wave?.label ?? null} options={options} />
      {!wave || !headline ? (
        <NoWaves />
      ) : (
        <>
          <HeadlineFigures headline={headline} />
          <AreaSections area={icb.name} figures={page} />
        </>
      )}
    </>
  );
}
