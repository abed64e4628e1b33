// A staff group page's own parameters and breadcrumbs (app/lib/page-own.server.ts, staff-group-links.ts).
import { describe, expect, it } from "vitest";
import { NO_FILTERS, readPageFilters } from "~/lib/filters";
import { addressWithout, pageAddress } from "~/lib/page-own.server";
import { areaCrumbs } from "~/lib/staff-group-links";

describe("page addresses with the page's own parameters", () => {
  const filters = readPageFilters(new URLSearchParams("wave=2026-summer&archetype=U"));

  it("puts the filters first in their normal form, then the page's own parameters", () => {
    expect(pageAddress("/staff-groups/AHP", filters, { organisation: "RAL" })).toBe("/staff-groups/AHP?wave=2026-summer&archetype=U&organisation=RAL");
    expect(pageAddress("/staff-groups/AHP", NO_FILTERS, { organisation: "RAL", region: null })).toBe("/staff-groups/AHP?organisation=RAL");
    expect(pageAddress("/staff-groups/AHP", NO_FILTERS)).toBe("/staff-groups/AHP");
  });

  it("drops a filter the page fixes, keeping the rest in their normal form", () => {
    const url = new URL("http://x/staff-groups/AHP?organisation=RAL&staff_group=MD&archetype=U");
    expect(addressWithout(url, ["staff_group"])).toBe("/staff-groups/AHP?archetype=U&organisation=RAL");
    expect(addressWithout(new URL("http://x/staff-groups/AHP?archetype=U"), ["staff_group"])).toBeNull();
    expect(addressWithout(new URL("http://x/framework/capabilities/1-01?level=2&domain=1"), ["domain", "level"])).toBe("/framework/capabilities/1-01");
  });
});

describe("staff group breadcrumbs", () => {
  const london = { code: "Y56", name: "London" };
  const icb = { code: "QMJ", name: "North Central London ICB" };

  it("run England → region → ICB → organisation when narrowed to an organisation, keeping the filters", () => {
    const crumbs = areaCrumbs({ kind: "organisation", code: "RAL", name: "Royal Free", region: london, icb }, "?wave=w");
    expect(crumbs).toEqual([
      { href: "/?wave=w", text: "England" },
      { href: "/regions/Y56?wave=w", text: "London" },
      { href: "/icbs/QMJ?wave=w", text: "North Central London ICB" },
      { href: "/organisations/RAL?wave=w", text: "Royal Free" },
    ]);
  });

  it("end at the ICB or region the page is narrowed to", () => {
    expect(areaCrumbs({ kind: "icb", ...icb, region: london, icb: null }, "").map((c) => c.href)).toEqual(["/", "/regions/Y56", "/icbs/QMJ"]);
    expect(areaCrumbs({ kind: "region", ...london, region: null, icb: null }, "").map((c) => c.href)).toEqual(["/", "/regions/Y56"]);
  });

  it("lead to the staff groups list when not narrowed", () => {
    expect(areaCrumbs(null, "?archetype=U")).toEqual([
      { href: "/?archetype=U", text: "England" },
      { href: "/staff-groups?archetype=U", text: "Staff groups" },
    ]);
  });
});
