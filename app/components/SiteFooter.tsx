// The NHS.UK footer (meta variant). Links only to pages that exist for this visitor: the data page
// methodology and accessibility statement always; the ingest page only while the server offers it (bound to loopback, pending sign-in).
import { Link } from "@remix-run/react";

export function SiteFooter({ ingest = false }: { ingest?: boolean }) {
  return (
    <footer className="nhsuk-footer" role="contentinfo">
      <div className="nhsuk-width-container">
        <div className="nhsuk-footer__meta">
          <h2 className="nhsuk-u-visually-hidden">Support links</h2>
          <ul className="nhsuk-footer__list">
            <li className="nhsuk-footer__list-item">
              <Link className="nhsuk-footer__list-item-link" to="/data">
                About the data
              </Link>
            </li>
            <li className="nhsuk-footer__list-item">
              <Link className="nhsuk-footer__list-item-link" to="/methodology">
                Methodology
              </Link>
            </li>
            <li className="nhsuk-footer__list-item">
              <Link className="nhsuk-footer__list-item-link" to="/accessibility">
                Accessibility statement
              </Link>
            </li>
          </ul>
          {ingest ? (
            <>
              <ul className="nhsuk-footer__list">
                <li className="nhsuk-footer__list-item">
                  <Link className="nhsuk-footer__list-item-link" to="/ingest">
                    Load exports
                  </Link>
                </li>
                <li className="nhsuk-footer__list-item">
                  <Link className="nhsuk-footer__list-item-link" to="/ingest/history">
                    Ingest history
                  </Link>
                </li>
              </ul>
            </>
          ) : null}
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
