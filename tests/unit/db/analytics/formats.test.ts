// The three encodings of a gap table (db/analytics/formats.ts): CSV, JSON and Arrow IPC.
import { tableFromIPC } from "apache-arrow";
import { describe, expect, it } from "vitest";
import { csvCell, encode, toArrow, toCsv, toJson } from "../../../../db/analytics/formats";
import type { GapMeta, GapTable } from "../../../../db/analytics/gaps";

const META: GapMeta = {
  by: ["organisation", "level"],
  filters: { region: "Y56" },
  scope: "England",
  waves: ["2026 spring"],
  framework_versions: ["ai-dht-2023-illustrative"],
  suppression: { rule: "cells with fewer than 10 respondents are suppressed: only their dimension values are published", k: 10 },
  rounding: "respondents, required and met are rounded to the nearest 5",
  provisional_waves: [],
  synthetic: true,
  data_as_at: "2026-06-30",
  generated_at: "2026-07-01T09:00:00.000Z",
};

const TABLE: GapTable = {
  meta: META,
  columns: ["organisation", "organisation_name", "level", "level_name", "respondents", "required", "met", "gap_rate", "suppressed", "ci_low", "ci_high"],
  rows: [
    {
      organisation: "RX1",
      organisation_name: "Example, \"Teaching\" NHS Trust",
      level: 1,
      level_name: "Level 1",
      respondents: 12,
      required: 40,
      met: 30,
      gap_rate: 0.25,
      suppressed: false,
      ci_low: 0.125,
      ci_high: 0.4375,
    },
    {
      organisation: "R0A",
      organisation_name: "=HYPERLINK(\"x\")",
      level: 2,
      level_name: "Level 2",
      respondents: null,
      required: null,
      met: null,
      gap_rate: null,
      suppressed: true,
      ci_low: null,
      ci_high: null,
    },
  ],
};

describe("csvCell", () => {
  it.each([
    ["=SUM(A1:A2)", "'=SUM(A1:A2)"],
    ["+44 20 7946", "'+44 20 7946"],
    ["-cmd", "'-cmd"],
    ["@SUM(1)", "'@SUM(1)"],
    ["\tindent", "'\tindent"],
    ["\rreturn", "\"'\rreturn\""], // neutralised, then quoted for the CR
  ])("neutralises formula-like text %j", (value, expected) => {
    expect(csvCell(value)).toBe(expected);
  });

  it.each(["-0.5", "+3", "1e5", "-2E-3", "42"])("leaves the number-like text %j alone", (value) => {
    expect(csvCell(value)).toBe(value);
  });

  it("leaves ordinary text, numbers and booleans alone", () => {
    expect(csvCell("Health data management")).toBe("Health data management");
    expect(csvCell("a=b")).toBe("a=b");
    expect(csvCell(-0.5)).toBe("-0.5");
    expect(csvCell(0.25)).toBe("0.25");
    expect(csvCell(true)).toBe("true");
  });

  it("writes null as an empty cell", () => {
    expect(csvCell(null)).toBe("");
  });

  it("quotes commas, quotes and newlines, doubling quotes", () => {
    expect(csvCell("a,b")).toBe('"a,b"');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell("line 1\nline 2")).toBe('"line 1\nline 2"');
    expect(csvCell("=A1,B1")).toBe("\"'=A1,B1\"");
  });
});

describe("toCsv", () => {
  it("writes a header line and one line per row, CRLF-terminated, nulls empty", () => {
    expect(toCsv(TABLE)).toBe(
      "organisation,organisation_name,level,level_name,respondents,required,met,gap_rate,suppressed,ci_low,ci_high\r\n" +
        'RX1,"Example, ""Teaching"" NHS Trust",1,Level 1,12,40,30,0.25,false,0.125,0.4375\r\n' +
        "R0A,\"'=HYPERLINK(\"\"x\"\")\",2,Level 2,,,,,true,,\r\n",
    );
  });

  it("writes only the header for an empty table", () => {
    expect(toCsv({ ...TABLE, rows: [] })).toBe(`${TABLE.columns.join(",")}\r\n`);
  });

  it("writes a missing key as an empty cell", () => {
    const csv = toCsv({ meta: META, columns: ["a", "b"], rows: [{ a: "x" }] });
    expect(csv).toBe("a,b\r\nx,\r\n");
  });
});

describe("toJson", () => {
  it("is { meta, rows } with the rows as given", () => {
    const parsed = JSON.parse(toJson(TABLE));
    expect(Object.keys(parsed)).toEqual(["meta", "rows"]);
    expect(parsed.meta).toEqual(META);
    expect(parsed.rows).toEqual(TABLE.rows);
    expect(parsed.rows[1].gap_rate).toBeNull();
  });
});

describe("toArrow", () => {
  const decoded = tableFromIPC(toArrow(TABLE));

  it("round-trips every value, with nulls for suppressed measures", () => {
    expect(decoded.numRows).toBe(2);
    expect(decoded.schema.fields.map((f) => f.name)).toEqual(TABLE.columns);
    for (let i = 0; i < TABLE.rows.length; i++) {
      for (const c of TABLE.columns) expect(decoded.getChild(c)!.get(i), `${c}[${i}]`).toEqual(TABLE.rows[i][c]);
    }
    expect(decoded.getChild("respondents")!.get(1)).toBeNull();
    expect(decoded.getChild("gap_rate")!.get(1)).toBeNull();
  });

  it("types the columns: Int32 counts and levels, Float64 gap_rate and interval, Bool suppressed, Utf8 codes and names", () => {
    const types = Object.fromEntries(decoded.schema.fields.map((f) => [f.name, String(f.type)]));
    expect(types).toEqual({
      organisation: "Utf8",
      organisation_name: "Utf8",
      level: "Int32",
      level_name: "Utf8",
      respondents: "Int32",
      required: "Int32",
      met: "Int32",
      gap_rate: "Float64",
      suppressed: "Bool",
      ci_low: "Float64",
      ci_high: "Float64",
    });
  });

  it("carries the meta in the schema metadata, objects as JSON", () => {
    const metadata = decoded.schema.metadata;
    expect([...metadata.keys()].sort()).toEqual(Object.keys(META).sort());
    expect(metadata.get("scope")).toBe("England");
    expect(metadata.get("generated_at")).toBe("2026-07-01T09:00:00.000Z");
    expect(JSON.parse(metadata.get("by")!)).toEqual(["organisation", "level"]);
    expect(JSON.parse(metadata.get("filters")!)).toEqual({ region: "Y56" });
    expect(JSON.parse(metadata.get("suppression")!)).toEqual(META.suppression);
    expect(metadata.get("synthetic")).toBe("true");
  });

  it("types a series' provisional and series_break columns as Bool", () => {
    const series = { ...TABLE, columns: [...TABLE.columns, "provisional", "series_break"], rows: TABLE.rows.map((r, i) => ({ ...r, provisional: false, series_break: i === 1 })) };
    const table = tableFromIPC(toArrow(series));
    expect(["provisional", "series_break"].map((c) => String(table.schema.fields.find((f) => f.name === c)!.type))).toEqual(["Bool", "Bool"]);
    expect(table.getChild("series_break")!.toArray()).toEqual([false, true]);
  });

  it("writes a codes-as-text column as Utf8 even when a value is a number", () => {
    const t = tableFromIPC(toArrow({ meta: META, columns: ["band"], rows: [{ band: 5 }, { band: null }] }));
    expect(String(t.schema.fields[0].type)).toBe("Utf8");
    expect(t.getChild("band")!.get(0)).toBe("5");
    expect(t.getChild("band")!.get(1)).toBeNull();
  });
});

describe("encode", () => {
  it("dispatches on the format", () => {
    expect(encode(TABLE, "csv")).toBe(toCsv(TABLE));
    expect(encode(TABLE, "json")).toBe(toJson(TABLE));
    expect(encode(TABLE, "arrow")).toBeInstanceOf(Uint8Array);
  });
});
