// Where a page's table can be downloaded: the API that produced it, asked for the same table in
// CSV, Arrow, and the CSV's metadata (JSON). The figures come from the same query as the page, so
// they carry the same suppression and intervals.
export interface Downloads {
  csv: string;
  arrow: string;
  /** The CSV's metadata (wave, framework version, scope, suppression rule, data as at…). */
  metadata: string;
}

export type DownloadParams = Record<string, string | boolean | null | undefined>;

/** Links to `endpoint` (e.g. "/api/gaps") for `params`; empty, null and false parameters are left out. */
export function downloadLinks(endpoint: string, params: DownloadParams): Downloads {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value === true) search.set(key, "true");
    else if (typeof value === "string" && value !== "") search.set(key, value);
  }
  const at = (format: string) => `${endpoint}?${search.toString() ? `${search}&` : ""}format=${format}`;
  return { csv: at("csv"), arrow: at("arrow"), metadata: at("metadata") };
}
