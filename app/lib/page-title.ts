import { SERVICE_NAME } from "~/components/SiteHeader";

/** Route meta: "<page> – Capability Gap Analytics". */
export function pageTitle(page: string) {
  return [{ title: `${page} – ${SERVICE_NAME}` }];
}
