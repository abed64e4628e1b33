// The wave's headline figures for a place: respondents, organisations reporting, overall gap rate.
import type { Headline } from "~/lib/gap-figures.server";
import { formatCount, formatPercent } from "~/lib/format";

export function HeadlineFigures({ headline }: { headline: Headline }) {
  const withheld = headline.suppressed ? "Suppressed" : "No data";
  const items: [string, string][] = [
    ["Respondents", headline.respondents === null ? withheld : formatCount(headline.respondents)],
  ];
  if (headline.organisations !== undefined) items.push(["Organisations reporting", formatCount(headline.organisations)]);
  items.push(["Overall gap rate", headline.gapRate === null ? withheld : formatPercent(headline.gapRate)]);
  return (
    <>
      <h2 className="nhsuk-u-visually-hidden">Headline figures</h2>
    <dl className="app-headline">
      {items.map(([term, value]) => (
        <div className="app-headline__item" key={term}>
          <dt className="app-headline__label">{term}</dt>
          <dd className="app-headline__value">{value}</dd>
        </div>
      ))}
    </dl>
    </>
  );
}
