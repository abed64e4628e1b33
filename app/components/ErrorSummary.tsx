// The NHS.UK error summary: what is wrong, each item linking to where it can be fixed. It takes
// focus when it appears (nhsuk-frontend's script would), so screen readers announce it.
import { useEffect, useRef } from "react";

export interface ErrorItem {
  href: string;
  text: string;
}

export function ErrorSummary({ title, items, description }: { title: string; items: ErrorItem[]; description?: string }) {
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => ref.current?.focus(), []);
  return (
    <div className="nhsuk-error-summary" aria-labelledby="error-summary-title" tabIndex={-1} ref={ref}>
      <div role="alert">
        <h2 className="nhsuk-error-summary__heading" id="error-summary-title">
          {title}
        </h2>
        <div className="nhsuk-error-summary__body">
          {description ? <p>{description}</p> : null}
          {items.length ? (
            <ul className="nhsuk-list nhsuk-error-summary__list">
              {items.map((item) => (
                <li key={`${item.href}-${item.text}`}>
                  <a href={item.href}>{item.text}</a>
                </li>
              ))}
            </ul>
          ) : null}
        </div>
      </div>
    </div>
  );
}
