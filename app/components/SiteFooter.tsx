// The NHS.UK footer (meta variant). Links only to pages that exist for this visitor: the data page,
// methodology and accessibility statement always; loading exports, accounts and the audit log for administrators.
import { Link } from "@remix-run/react";

const LINKS: [string, string][] = [
  ["/data", "About the data"],
  ["/staff-groups", "Staff groups"],
  ["/framework", "Capability framework"],
  ["/methodology", "Methodology"],
  ["/accessibility", "Accessibility statement"],
];
const INGEST_LINKS: [string, string][] = [
  ["/ingest", "Load exports"],
  ["/ingest/history", "Ingest history"],
];
const ADMIN_LINKS: [string, string][] = [
  ["/admin/users", "Accounts"],
  ["/admin/audit", "Audit log"],
];

export function SiteFooter({ ingest = false, admin = false }: { ingest?: boolean; admin?: boolean }) {
  return (
    <footer className="nhsuk-footer" role="contentinfo">
      <div className="nhsuk-width-container">
        <div className="nhsuk-footer__meta">
          <h2 className="nhsuk-u-visually-hidden">Support links</h2>
          <ul className="nhsuk-footer__list">
            {[...LINKS, ...(ingest ? INGEST_LINKS : []), ...(admin ? ADMIN_LINKS : [])].map(([to, text]) => (
              <li className="nhsuk-footer__list-item" key={to}>
                <Link className="nhsuk-footer__list-item-link" to={to}>
                  {text}
                </Link>
              </li>
            ))}
          </ul>
          <p className="nhsuk-body-s">
            Workforce capability gaps against the AI and Digital Healthcare Technologies Capability Framework. Figures for fewer
            than 10 respondents are not published.
          </p>
          <p className="nhsuk-body-s">© NHS England</p>
        </div>
      </div>
    </footer>
  );
}
