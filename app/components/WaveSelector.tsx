// Choosing the survey Wave: a GET form, so the choice lives in the URL (?wave=) and works without
// JavaScript. With JavaScript, Remix's <Form> navigates without a full reload.
import { Form } from "@remix-run/react";
import type { WaveOption } from "~/lib/waves.server";

export function WaveSelector({ waves, selected }: { waves: WaveOption[]; selected: string | null }) {
  if (waves.length === 0) return null;
  return (
    <Form method="get" className="app-wave-selector">
      <div className="nhsuk-form-group">
        <label className="nhsuk-label" htmlFor="wave">
          Survey wave
        </label>
        <select className="nhsuk-select" id="wave" name="wave" defaultValue={selected ?? undefined} key={selected}>
          {[...waves].reverse().map((w) => (
            <option value={w.label} key={w.label}>
              {w.name}
            </option>
          ))}
        </select>
      </div>
      <button className="nhsuk-button nhsuk-button--secondary nhsuk-button--small" type="submit">
        Show wave
      </button>
    </Form>
  );
}
