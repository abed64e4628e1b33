import { describe, expect, it } from "vitest";
import { filterQuery, isNarrowed, narrowing, NO_FILTERS, readPageFilters, withFilters } from "~/lib/filters";
import { canonicalAddress } from "~/lib/page-filters.server";

const read = (search: string) => readPageFilters(new URLSearchParams(search));

describe("page filters in the URL", () => {
  it("reads every filter, trimming values and treating empty ones as unset", () => {
    expect(read("wave=2026-summer&compare_to=&archetype=%20U%20&staff_group=NAM&band=5&domain=D2&level=3&weighted=true")).toEqual({
      wave: "2026-summer",
      compare_to: null,
      archetype: "U",
      staff_group: "NAM",
      band: "5",
      domain: "D2",
      level: "3",
      weighted: true,
    });
    expect(read("")).toEqual(NO_FILTERS);
    // A checkbox submits "on" when it has no value; anything else is not weighted.
    expect(read("weighted=on").weighted).toBe(true);
    expect(read("weighted=false").weighted).toBe(false);
  });

  it("writes one normal form: fixed order, empty values dropped, weighted only when true", () => {
    const filters = read("level=2&archetype=E&wave=2026-summer&weighted=true&band=");
    expect(filterQuery(filters)).toBe("?wave=2026-summer&archetype=E&level=2&weighted=true");
    expect(filterQuery(NO_FILTERS)).toBe("");
    expect(filterQuery(filters, { archetype: null, weighted: false })).toBe("?wave=2026-summer&level=2");
    expect(withFilters("/regions/Y56", filters, { wave: null })).toBe("/regions/Y56?archetype=E&level=2&weighted=true");
  });

  it("round-trips: reading the written form gives the same filters", () => {
    const filters = read("wave=w&compare_to=v&archetype=S&staff_group=ACS&band=8a&domain=D1&level=4&weighted=true");
    expect(read(filterQuery(filters).slice(1))).toEqual(filters);
  });

  it("hands only the narrowing filters to the query layer", () => {
    const filters = read("wave=w&compare_to=v&archetype=S&band=8a&weighted=true");
    expect(narrowing(filters)).toEqual({ archetype: "S", band: "8a" });
    expect(isNarrowed(filters)).toBe(true);
    expect(isNarrowed(read("wave=w&weighted=true&compare_to=v"))).toBe(false);
  });
});

describe("canonical page address", () => {
  const at = (path: string) => canonicalAddress(new URL(`http://localhost${path}`));

  it("is null when the address is already canonical", () => {
    expect(at("/")).toBeNull();
    expect(at("/?wave=w&archetype=E")).toBeNull();
    expect(at("/organisations/RBT?wave=w&sort=code")).toBeNull();
  });

  it("orders the filters, drops empty fields a GET form submits, and keeps the page's own parameters after them", () => {
    expect(at("/?archetype=E&wave=w")).toBe("/?wave=w&archetype=E");
    expect(at("/?wave=&compare_to=&archetype=&weighted=true")).toBe("/?weighted=true");
    expect(at("/?wave=&archetype=")).toBe("/");
    expect(at("/organisations/RBT?sort=code&domain=&wave=w")).toBe("/organisations/RBT?wave=w&sort=code");
  });
});
