// A response rate as tables show it: the rate, tagged "Low" in words (not colour alone) when it is
// below the threshold, or why there is none.
import { formatPercent } from "~/lib/format";

export function ResponseRate({ rate, low, suppressed }: { rate: number | null; low: boolean | null; suppressed: boolean }) {
  if (rate === null) return <>{suppressed ? "suppressed" : "no data"}</>;
  return (
    <>
      {formatPercent(rate)}
      {low ? (
        <>
          {" "}
          <strong className="nhsuk-tag nhsuk-tag--orange">Low</strong>
        </>
      ) : null}
    </>
  );
}
