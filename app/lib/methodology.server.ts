// The Methodology page is docs/metrics.md itself, rendered: one text for the definitions, so the
// page cannot drift from the documentation the query layer is tested against.
import { readFileSync } from "node:fs";
import path from "node:path";
import MarkdownIt from "markdown-it";

export interface RenderedDocument {
  html: string;
  /** The second-level headings, for the page's contents list. */
  sections: { id: string; title: string }[];
}

const slug = (text: string) =>
  text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-|-$/g, "");

/**
 * Markdown to HTML in the NHS.UK style: tables get nhsuk-table classes, headings get ids, raw HTML
 * is escaped, and links to other files of the repository (which the site does not serve) become
 * plain text. Pure.
 */
export function renderMarkdown(markdown: string): RenderedDocument {
  const md = new MarkdownIt({ html: false, linkify: false, typographer: false });
  // Only web and in-page links are kept: a relative link would point at nothing on this site.
  md.validateLink = (url) => /^(https?:|#)/i.test(url);
  const sections: RenderedDocument["sections"] = [];
  md.renderer.rules.heading_open = (tokens, i, options, _env, self) => {
    const title = tokens[i + 1]?.content ?? "";
    const id = slug(title);
    tokens[i].attrSet("id", id);
    if (tokens[i].tag === "h2") sections.push({ id, title });
    return self.renderToken(tokens, i, options);
  };
  const withClass = (name: string, className: string) => {
    md.renderer.rules[name] = (tokens, i, options, _env, self) => {
      tokens[i].attrJoin("class", className);
      return self.renderToken(tokens, i, options);
    };
  };
  withClass("table_open", "nhsuk-table");
  withClass("thead_open", "nhsuk-table__head");
  withClass("tbody_open", "nhsuk-table__body");
  withClass("tr_open", "nhsuk-table__row");
  withClass("th_open", "nhsuk-table__header");
  withClass("td_open", "nhsuk-table__cell");
  // The document's own title is the page's h1; its sections start at h2.
  const body = markdown.replace(/^# .*\n/, "");
  return { html: md.render(body), sections };
}

let metrics: RenderedDocument | null = null;

/** docs/metrics.md, rendered once per process (it does not change while the server runs). */
export function methodology(): RenderedDocument {
  metrics ??= renderMarkdown(readFileSync(path.resolve("docs", "metrics.md"), "utf8"));
  return metrics;
}
