// Top of every page: the synthetic-data warning (while demo data are loaded) and how fresh the data are.
import { formatDateTime } from "~/lib/format";

export const SYNTHETIC_WARNING = "Synthetic demo data — not real figures";

export interface DataStatusSummary {
  synthetic: boolean;
  dataAsAt: string | null;
}

export function DataStatusNotice({ status }: { status: DataStatusSummary }) {
  return (
    <>
      {status.synthetic ? (
        <div className="nhsuk-card nhsuk-card--warning">
          <div className="nhsuk-card__content">
            <h2 className="nhsuk-card__heading">Important</h2>
            <p className="nhsuk-card__description">{SYNTHETIC_WARNING}</p>
          </div>
        </div>
      ) : null}
      <p className="nhsuk-body-s app-data-as-at">
        {status.dataAsAt ? (
          <>
            Data as at <time dateTime={status.dataAsAt}>{formatDateTime(status.dataAsAt)}</time> (UK time)
          </>
        ) : (
          "No data loaded yet"
        )}
      </p>
    </>
  );
}
