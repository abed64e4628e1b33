// The wave's headline figures for a place: respondents, organisations reporting, overall gap rate
// with its interval, and (when asked for) the weighted rate and the change since an earlier wave.
import type { ReactNode } from "react";
import type { Headline, HeadlineChange } from "~/lib/gap-figures.server";
import { formatCount, formatPercent, formatPoints, waveName } from "~/lib/format";

/** The change flag in words, with a tag: the word carries the meaning, the colour only repeats it. */
const FLAGS: Record<string, { tag: string; text: string; explanation: string }> = {
  improved: { tag: "nhsuk-tag--green", text: "Improved", explanation: "the gap fell by more than chance would explain" },
  worse: { tag: "nhsuk-tag--red", text: "Worse", explanation: "the gap rose by more than chance would explain" },
  "no significant change": { tag: "nhsuk-tag--grey", text: "No significant change", explanation: "the change is within what chance would explain" },
};

function Interval({ low, high, unit }: { low: number; high: number; unit: "percent" | "points" }) {
  const f = unit === "percent" ? formatPercent : (x: number) => formatPoints(x, false);
  return (
    <span className="app-headline__detail">
      {/* The space keeps the words apart when read as text (the span is a block only visually). */}{" "}
      95% interval {f(low)} to {f(high)}
      {unit === "points" ? " points" : ""}
    </span>
  );
}

function changeItem(change: HeadlineChange, withheld: string): [string, ReactNode] {
  const term = `Change since ${waveName(change.compareTo)}`;
  if (change.change === null || change.low === null || change.high === null) return [term, withheld];
  const flag = change.flag ? FLAGS[change.flag] : undefined;
  return [
    term,
    <>
      {formatPoints(change.change, false)}
      <span className="app-headline__unit"> points</span>
      <Interval low={change.low} high={change.high} unit="points" />
      {flag ? (
        <span className="app-headline__detail">
          {" "}
          <strong className={`nhsuk-tag ${flag.tag}`}>{flag.text}</strong>
          <span className="nhsuk-u-visually-hidden">: {flag.explanation}</span>
        </span>
      ) : null}
    </>,
  ];
}

export function HeadlineFigures({ headline }: { headline: Headline }) {
  const withheld = headline.suppressed ? "Suppressed" : "No data";
  const items: [string, ReactNode][] = [
    ["Respondents", headline.respondents === null ? withheld : formatCount(headline.respondents)],
  ];
  if (headline.organisations !== undefined) items.push(["Organisations reporting", formatCount(headline.organisations)]);
  items.push([
    "Overall gap rate",
    headline.gapRate === null ? (
      withheld
    ) : (
      <>
        {formatPercent(headline.gapRate)}
        {typeof headline.ciLow === "number" && typeof headline.ciHigh === "number" ? (
          <Interval low={headline.ciLow} high={headline.ciHigh} unit="percent" />
        ) : null}
      </>
    ),
  ]);
  if (headline.weighted !== undefined) {
    const w = headline.weighted;
    items.push([
      "Weighted gap rate",
      w === null ? (
        headline.suppressed ? withheld : "No headcount"
      ) : (
        <>
          {formatPercent(w.rate)}
          <Interval low={w.low} high={w.high} unit="percent" />
        </>
      ),
    ]);
  }
  const change = headline.change;
  if (change && "compareTo" in change) items.push(changeItem(change, headline.suppressed ? "Suppressed" : "Not published"));
  return (
    <>
      <h2 className="nhsuk-u-visually-hidden">Headline figures</h2>
      <dl className="app-headline" id="headline">
        {items.map(([term, value]) => (
          <div className="app-headline__item" key={term}>
            <dt className="app-headline__label">{term}</dt>
            <dd className="app-headline__value">{value}</dd>
          </div>
        ))}
      </dl>
      {change ? <ChangeNote change={change} weighted={headline.weighted !== undefined} suppressed={headline.suppressed} /> : null}
    </>
  );
}

/** What the change compares, in the words of docs/metrics.md ("Trends"). */
function ChangeNote({ change, weighted, suppressed }: { change: HeadlineChange | { unavailable: string }; weighted: boolean; suppressed: boolean }) {
  if ("unavailable" in change) {
    return (
      <p className="nhsuk-body-s app-headline__note" id="headline-change-note">
        No change is shown: {change.unavailable}
      </p>
    );
  }
  const earlier = waveName(change.compareTo);
  const sentences: string[] = [
    change.matched
      ? `The change since ${earlier} is measured over the ${formatCount(change.organisationsCompared)} organisations that reported in both waves` +
        ` (${formatCount(change.organisationsLeftOut)} left out), so that organisations joining or leaving do not move it.`
      : `The change since ${earlier} compares each wave over all organisations that reported in it.`,
  ];
  if (change.compareRate !== null) sentences.push(`Over those organisations the gap rate was ${formatPercent(change.compareRate)} in ${earlier}.`);
  else if (!suppressed) sentences.push("It is not published: too few respondents were compared in one of the waves, or the earlier wave's figure is suppressed.");
  if (change.seriesBreak) sentences.push("The waves use different framework versions: only statements paired one to one between the versions are compared.");
  if (change.provisionalWaves.length) {
    const names = change.provisionalWaves.map(waveName);
    sentences.push(`${names.join(" and ")} ${names.length === 1 ? "is" : "are"} still open, so the change may move as files arrive.`);
  }
  if (weighted) sentences.push("Weighting is not compared across waves: the change is of the unweighted gap rate.");
  return (
    <p className="nhsuk-body-s app-headline__note" id="headline-change-note">
      {sentences.join(" ")}
    </p>
  );
}
