import { describe, expect, it } from "vitest";
import type { GapTable } from "~db/analytics/gaps";
import { downloadLinks } from "~/lib/downloads";
import { chooseFormat, metadataFilename, tableResponse } from "~/lib/table-response.server";

const table = {
  meta: { by: ["region"], filters: { wave: "w" }, scope: "national", synthetic: true } as unknown as GapTable["meta"],
  columns: ["region", "region_name", "gap_rate"],
  rows: [{ region: "Y56", region_name: "=HYPERLINK(\"x\")", gap_rate: -0.5 }],
} as GapTable;

describe("download links", () => {
  it("asks the same API for CSV, Arrow and the CSV's metadata, leaving out unset parameters", () => {
    expect(downloadLinks("/api/gaps", { by: "region,domain", wave: "2026-summer", band: "", archetype: null, weighted: true, provisional: false })).toEqual({
      csv: "/api/gaps?by=region%2Cdomain&wave=2026-summer&weighted=true&format=csv",
      arrow: "/api/gaps?by=region%2Cdomain&wave=2026-summer&weighted=true&format=arrow",
      metadata: "/api/gaps?by=region%2Cdomain&wave=2026-summer&weighted=true&format=metadata",
    });
    expect(downloadLinks("/api/gaps", {}).csv).toBe("/api/gaps?format=csv");
  });
});

describe("table responses", () => {
  it("chooses metadata as a format of its own", () => {
    expect(chooseFormat(new URL("http://x/api/gaps?format=metadata"), null)).toBe("metadata");
    expect(chooseFormat(new URL("http://x/api/gaps?format=xml"), null)).toBeNull();
  });

  it("names the metadata after the CSV", () => {
    expect(metadataFilename("gaps.csv")).toBe("gaps-metadata.json");
    expect(metadataFilename("priorities.csv")).toBe("priorities-metadata.json");
  });

  it("serves a CSV of header and rows, linking its metadata; the metadata is the table's meta", async () => {
    const url = new URL("http://x/api/gaps?by=region&wave=w&format=csv");
    const csv = tableResponse(table, "csv", "gaps.csv", url);
    expect(csv.headers.get("link")).toBe('</api/gaps?by=region&wave=w&format=metadata>; rel="describedby"; type="application/json"');
    expect(csv.headers.get("cache-control")).toBe("private, no-store");
    // Formula-like text is neutralised; the negative number is left alone.
    expect(await csv.text()).toBe('region,region_name,gap_rate\r\nY56,"\'=HYPERLINK(""x"")",-0.5\r\n');
    const metadata = tableResponse(table, "metadata", "gaps.csv", url);
    expect(metadata.headers.get("content-disposition")).toBe('inline; filename="gaps-metadata.json"');
    expect(await metadata.json()).toEqual(table.meta);
  });
});
