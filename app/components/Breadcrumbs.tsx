// NHS.UK breadcrumbs. Routes declare theirs in `handle.breadcrumbs(data)`; the root layout shows
// the deepest route's trail above <main>. Only ancestors are listed, as nhsuk-frontend does.
import { Link, useMatches } from "@remix-run/react";

export interface Crumb {
  href: string;
  text: string;
}

export interface BreadcrumbHandle {
  /** Ancestors of the page, outermost first; `data` is undefined when the loader failed. */
  breadcrumbs: (data: unknown) => Crumb[];
}

function hasBreadcrumbs(handle: unknown): handle is BreadcrumbHandle {
  return typeof (handle as BreadcrumbHandle | undefined)?.breadcrumbs === "function";
}

/** How far up a viewer's pages go: England for national accounts, else their own area's level. */
export type ViewerLevel = "national" | "region" | "icb" | "organisation";

/** Crumbs above the viewer's own area lead to pages they cannot open (England, a region for an ICB account…): left out. */
const ABOVE: Record<ViewerLevel, RegExp | null> = {
  national: null,
  region: /^\/(\?|$)/,
  icb: /^\/(\?|$|regions\/)/,
  organisation: /^\/(\?|$|regions\/|icbs\/)/,
};

export function useBreadcrumbs(level: ViewerLevel = "national"): Crumb[] {
  const match = [...useMatches()].reverse().find((m) => hasBreadcrumbs(m.handle));
  const crumbs = match && hasBreadcrumbs(match.handle) ? match.handle.breadcrumbs(match.data) : [];
  const above = ABOVE[level];
  return above ? crumbs.filter((c) => !above.test(c.href)) : crumbs;
}

export function Breadcrumbs({ items }: { items: Crumb[] }) {
  if (items.length === 0) return null;
  const parent = items[items.length - 1];
  return (
    <nav className="nhsuk-breadcrumb" aria-label="Breadcrumb">
      <ol className="nhsuk-breadcrumb__list">
        {items.map((item) => (
          <li className="nhsuk-breadcrumb__list-item" key={item.href}>
            <Link className="nhsuk-breadcrumb__link" to={item.href}>
              {item.text}
            </Link>
          </li>
        ))}
      </ol>
      {/* Small screens show only a link back to the parent. */}
      <Link className="nhsuk-back-link" to={parent.href}>
        <span className="nhsuk-u-visually-hidden">Back to </span>
        {parent.text}
      </Link>
    </nav>
  );
}
