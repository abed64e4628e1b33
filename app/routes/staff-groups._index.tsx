// The staff groups, each with its gap rate across England (or the viewer's area) in the wave, linking to its page.
import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import type { BreadcrumbHandle } from "~/components/Breadcrumbs";
import { FilterPanel } from "~/components/FilterPanel";
import { NoWaves, SuppressionNote } from "~/components/PageParts";
import { RateTable } from "~/components/RateTable";
import { englandCrumb } from "~/lib/links";
import { pageTitle } from "~/lib/page-title";
import { staffGroupsIndex } from "~/lib/staff-group.server";
import { cachedPage } from "~/lib/page-cache.server";
import { requireViewer } from "~/lib/viewer.server";

export async function loader({ request, context }: LoaderFunctionArgs) {
  const { scope } = requireViewer(request, context);
  return cachedPage({ route: "routes/staff-groups._index", request, context, scope }, () => staffGroupsIndex(new URL(request.url), scope));
}

export const handle: BreadcrumbHandle = {
  breadcrumbs: (data) => [englandCrumb((data as Awaited<ReturnType<typeof loader>> | undefined)?.query)],
};

export const meta: MetaFunction<typeof loader> = ({ data }) => pageTitle(data?.wave ? `Staff groups, ${data.wave.name}` : "Staff groups");

export default function StaffGroupsPage() {
  const { staffGroups, wave, waves, filters, options, weighted, k, where } = useLoaderData<typeof loader>();
  return (
    <>
      <h1>
        Staff groups
        {wave ? <span className="nhsuk-caption-l nhsuk-caption--bottom">{where}, {wave.name} survey wave</span> : null}
      </h1>
      <p>Select a staff group to see its gaps by region, organisation and domain, and which workforce archetypes its staff identify with.</p>
      <FilterPanel path="/staff-groups" filters={filters} waves={waves} shownWave={wave?.label ?? null} options={options} hide={["staff_group", "compare_to"]} />
      {!wave ? <NoWaves /> : null}
      <RateTable
        id="staff-groups-table"
        caption={wave ? `Gap rate by staff group, ${where}, ${wave.name}` : "Staff groups"}
        rowHeader="Staff group"
        rows={staffGroups.map((g) => ({ ...g, name: g.longName }))}
        weighted={weighted}
      />
      {wave ? <SuppressionNote k={k} /> : null}
    </>
  );
}
