import { describe, expect, it } from "vitest";
import { formatCount, formatDateTime, formatPercent, shorten, waveName } from "~/lib/format";

describe("formatting", () => {
  it("shows percentages to one decimal place and counts with separators (en-GB)", () => {
    expect(formatPercent(0.40234)).toBe("40.2%");
    expect(formatPercent(0.4)).toBe("40.0%");
    expect(formatCount(10234)).toBe("10,234");
  });

  it("shows instants in UK time, including summer time", () => {
    expect(formatDateTime("2026-11-22T03:02:35Z")).toBe("22 November 2026 at 03:02");
    expect(formatDateTime("2026-07-01T23:30:00Z")).toBe("2 July 2026 at 00:30");
  });

  it("shortens at a word boundary and names waves", () => {
    expect(shorten("Understands why the NHS is adopting digital technologies", 30)).toBe("Understands why the NHS is…");
    expect(shorten("Short", 30)).toBe("Short");
    expect(waveName("2026-summer")).toBe("Summer 2026");
    expect(waveName("pilot")).toBe("pilot");
  });
});
