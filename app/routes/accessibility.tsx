// The accessibility statement, in the form the Public Sector Bodies (Websites and Mobile
// Applications) (No. 2) Accessibility Regulations 2018 ask for.
import type { MetaFunction } from "@remix-run/node";
import { Link } from "@remix-run/react";
import type { BreadcrumbHandle } from "~/components/Breadcrumbs";
import { SERVICE_NAME } from "~/components/SiteHeader";
import { englandCrumb } from "~/lib/links";
import { pageTitle } from "~/lib/page-title";

export const handle: BreadcrumbHandle = { breadcrumbs: () => [englandCrumb()] };

export const meta: MetaFunction = () => pageTitle("Accessibility statement");

export default function AccessibilityStatement() {
  return (
    <>
      <h1>Accessibility statement for {SERVICE_NAME}</h1>
      <p>
        This statement applies to the {SERVICE_NAME} website: its pages, charts, tables and downloads of workforce
        capability gaps against the AI and Digital Healthcare Technologies Capability Framework.
      </p>
      <h2>Using this website</h2>
      <p>We want as many people as possible to be able to use this website. For example, you should be able to:</p>
      <ul>
        <li>read every chart as a text summary, and as a table with the same numbers beside it</li>
        <li>tell figures apart without relying on colour: suppressed and missing figures, and outcomes, are given in words</li>
        <li>use the pages with JavaScript turned off</li>
        <li>follow links from England to regions, integrated care boards and organisations</li>
        <li>use the filters and the drill-down with a keyboard alone, with the filters kept in the address</li>
        <li>print a page's figures without its navigation</li>
      </ul>
      <h2>How accessible this website is</h2>
      <p>We know some parts of this website are not fully accessible, or not yet tested:</p>
      <ul>
        <li>charts are images with a text summary; with JavaScript on, their points can be stepped through with the arrow keys, but a screen reader reaches them through the tables beside them</li>
        <li>keyboard-only use is tested for the filters and the drill-down from England to a region and back, not yet on every page</li>
        <li>zooming to 400% and changing text spacing have not yet been tested</li>
        <li>long tables scroll sideways on narrow screens</li>
        <li>the downloadable CSV and Arrow files are data for other tools and have no accessible rendering of their own</li>
      </ul>
      <h2>Feedback and contact information</h2>
      <p>
        If you need information on this website in a different format, or find a problem not listed on this page,
        contact the team that runs this service for your organisation. We will consider your request and get back to you
        within 10 working days.
      </p>
      <h2>Enforcement procedure</h2>
      <p>
        The Equality and Human Rights Commission (EHRC) is responsible for enforcing the Public Sector Bodies (Websites
        and Mobile Applications) (No. 2) Accessibility Regulations 2018 (the accessibility regulations). If you are not
        happy with how we respond to your complaint, contact the{" "}
        <a href="https://www.equalityadvisoryservice.com/">Equality Advisory and Support Service (EASS)</a>.
      </p>
      <h2>Technical information about this website's accessibility</h2>
      <p>
        We are committed to making this website accessible, in accordance with the Public Sector Bodies (Websites and
        Mobile Applications) (No. 2) Accessibility Regulations 2018.
      </p>
      <h3>Compliance status</h3>
      <p>
        This website is partially compliant with the{" "}
        <a href="https://www.w3.org/TR/WCAG22/">Web Content Accessibility Guidelines version 2.2</a> AA standard, due to
        the non-compliances listed below.
      </p>
      <h3>Non-accessible content</h3>
      <p>
        Charts convey their points visually; the same figures are in the table beside each chart and its text summary
        (WCAG 2.2 success criterion 1.1.1, non-text content, is met through those alternatives). With JavaScript on, a
        focused chart shows each point's figures with the arrow keys; those tooltips are not announced by screen
        readers, which read the tables instead.
      </p>
      <h2>How we tested this website</h2>
      <p>
        Each change is checked with automated tests in a real browser (Chromium): axe-core reports no accessibility
        violations on the England, region, ICB, organisation, staff group, framework and capability statement, data,
        methodology and accessibility pages; the pages work
        with JavaScript off; drill-down links are followed; the filters and the drill-down are used with the keyboard
        alone; and the printed page keeps its figures. Colours for figures are chosen to meet a 3:1 contrast
        ratio. No manual audit has been made yet.
      </p>
      <h2>Preparation of this accessibility statement</h2>
      <p>
        This statement was prepared on 27 November 2026. It was last reviewed on 27 November 2026. See also how the
        figures are made in the <Link to="/methodology">methodology</Link>.
      </p>
    </>
  );
}
