// Small pieces of text several pages share.

export function NoWaves() {
  return <p className="app-chart__no-data">There are no survey waves loaded yet. Figures appear here once the first wave is loaded.</p>;
}

export function SuppressionNote({ k }: { k: number }) {
  return (
    <div className="nhsuk-inset-text">
      <span className="nhsuk-u-visually-hidden">Information: </span>
      <p>
        To protect staff, figures for any group of fewer than {k} respondents are suppressed. They are marked
        “S” in charts and “suppressed” in tables.
      </p>
    </div>
  );
}
