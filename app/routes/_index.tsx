import { useLoaderData } from "@remix-run/react";
import { queryGaps } from "~db/analytics/gaps";
import { NATIONAL } from "~db/analytics/scope";
import { getDatabase } from "~/lib/db.server";

export async function loader() {
  return queryGaps(getDatabase(), NATIONAL, { by: ["region"] });
}

export default function Index() {
  const data = useLoaderData<typeof loader>();
  return <pre>{JSON.stringify(data, null, 2)}</pre>;
}
