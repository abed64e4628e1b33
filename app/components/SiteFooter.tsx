// The NHS.UK footer (meta variant: no links to pages that do not exist yet).
export function SiteFooter() {
  return (
    <footer className="nhsuk-footer" role="contentinfo">
      <div className="nhsuk-width-container">
        <div className="nhsuk-footer__meta">
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
