// The NHS.UK header with the service name and the account (who is signed in, whose figures they
// see, and a link to sign out), preceded by the skip link (nhsuk-frontend markup).
import { Link } from "@remix-run/react";

export const SERVICE_NAME = "Capability Gap Analytics";

const NHS_LOGO_PATH =
  "M200 0v80H0V0h200Zm-27.5 5.5c-14.5 0-29 5-29 22 0 10.2 7.7 13.5 14.7 16.3l.7.3c5.4 2 10.1 3.9 10.1 8.4 0 6.5-8.5 7.5-14 7.5s-12.5-1.5-16-3.5L135 70c5.5 2 13.5 3.5 20 3.5 15.5 0 32-4.5 32-22.5 0-19.5-25.5-16.5-25.5-25.5 0-5.5 5.5-6.5 12.5-6.5a35 35 0 0 1 14.5 3l4-13.5c-4.5-2-12-3-20-3Zm-131 2h-22l-14 65H22l9-45h.5l13.5 45h21.5l14-65H64l-9 45h-.5l-13-45Zm63 0h-18l-13 65h17l6-28H117l-5.5 28H129l13.5-65H125L119.5 32h-20l5-24.5Z";

/** What the header says about the viewer (the root loader's `account`). */
export interface HeaderAccount {
  email: string;
  /** Whose figures, in words: "England", "Region Y56", "ICB QKK", "Organisation RWF". */
  sees: string;
  demo: boolean;
  /** The viewer's Scope kind: pages above it are not theirs (breadcrumbs leave them out). */
  level: "national" | "region" | "icb" | "organisation";
}

export function SiteHeader({ account }: { account: HeaderAccount | null }) {
  return (
    <>
      <a className="nhsuk-skip-link" href="#maincontent">
        Skip to main content
      </a>
      <header className="nhsuk-header" role="banner">
        <div className="nhsuk-header__container nhsuk-width-container">
          <div className="nhsuk-header__service">
            {/* Logo and service name share one link to the home page (as nhsuk-frontend does). */}
            <Link className="nhsuk-header__service-logo" to="/" aria-label={`NHS ${SERVICE_NAME} homepage`}>
              <svg
                className="nhsuk-header__logo"
                xmlns="http://www.w3.org/2000/svg"
                viewBox="0 0 200 80"
                height="40"
                width="100"
                focusable="false"
                role="img"
                aria-label="NHS"
              >
                <title>NHS</title>
                <path fill="currentcolor" d={NHS_LOGO_PATH} />
              </svg>
              <span className="nhsuk-header__service-name">{SERVICE_NAME}</span>
            </Link>
          </div>
          {account ? (
            <nav className="nhsuk-header__account" aria-label="Account">
              <ul className="nhsuk-header__account-list">
                <li className="nhsuk-header__account-item">
                  <span className="nhsuk-header__account-link app-header-account">
                    {account.demo ? "Demo: " : ""}
                    {account.email} · {account.sees}
                  </span>
                </li>
                {account.demo ? (
                  <li className="nhsuk-header__account-item">
                    <Link className="nhsuk-header__account-link" to="/demo">
                      View as another role
                    </Link>
                  </li>
                ) : (
                  <li className="nhsuk-header__account-item">
                    <Link className="nhsuk-header__account-link" to="/sign-out">
                      Sign out
                    </Link>
                  </li>
                )}
              </ul>
            </nav>
          ) : null}
        </div>
      </header>
    </>
  );
}
