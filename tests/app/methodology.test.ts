// The Methodology page renders docs/metrics.md: NHS.UK tables, heading ids, no raw HTML, no dead links.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { renderMarkdown } from "~/lib/methodology.server";

describe("renderMarkdown (the Methodology page)", () => {
  it("renders tables in the NHS.UK style, ids on headings, and drops links to files the site does not serve", () => {
    const { html, sections } = renderMarkdown(
      "# Metrics\n\n## Coverage and weighting\n\n| column | what |\n|---|---|\n| `gap_rate` | a share |\n\nSee [formats](docs/formats.md) and [W3C](https://www.w3.org/).\n\n<script>alert(1)</script>\n",
    );
    expect(sections).toEqual([{ id: "coverage-and-weighting", title: "Coverage and weighting" }]);
    expect(html).not.toContain("<h1");
    expect(html).toContain('<h2 id="coverage-and-weighting">');
    expect(html).toContain('<table class="nhsuk-table">');
    expect(html).toContain('<td class="nhsuk-table__cell"><code>gap_rate</code></td>');
    expect(html).not.toContain('href="docs/formats.md"');
    expect(html).toContain('<a href="https://www.w3.org/">W3C</a>');
    expect(html).not.toContain("<script>");
  });
});

describe("the rendered docs/metrics.md", () => {
  it("lists every section of the definitions, disclosure control included", () => {
    const { sections } = renderMarkdown(readFileSync("docs/metrics.md", "utf8"));
    const titles = sections.map((s) => s.title);
    for (const t of ["Uncertainty", "Trends", "Coverage and weighting", "Commissioning priorities", "Attained level", "Disclosure control"]) {
      expect(titles).toContain(t);
    }
  });
});
