// NHS.UK form groups used by the filter, sign-in and administration forms: a labelled text input
// (with an optional hint) and a labelled select. The field's name is its id.
import type { InputHTMLAttributes } from "react";
import type { Option } from "~/lib/filter-options.server";

type InputProps = Omit<InputHTMLAttributes<HTMLInputElement>, "id" | "name" | "className">;

export function TextField({ id, label, hint, width, ...input }: { id: string; label: string; hint?: string; width?: string } & InputProps) {
  return (
    <div className="nhsuk-form-group">
      <label className="nhsuk-label" htmlFor={id}>
        {label}
      </label>
      {hint ? (
        <div className="nhsuk-hint" id={`${id}-hint`}>
          {hint}
        </div>
      ) : null}
      <input className={width ? `nhsuk-input ${width}` : "nhsuk-input"} id={id} name={id} aria-describedby={hint ? `${id}-hint` : undefined} {...input} />
    </div>
  );
}

/** A select; with `all`, a first option of that text means nothing is chosen (a filter not set). */
export function Select({ id, label, value, all, options }: { id: string; label: string; value: string | null; all?: string; options: Option[] }) {
  return (
    <div className="nhsuk-form-group">
      <label className="nhsuk-label" htmlFor={id}>
        {label}
      </label>
      <select className="nhsuk-select" id={id} name={id} defaultValue={value ?? ""} key={value ?? ""}>
        {all !== undefined ? <option value="">{all}</option> : null}
        {options.map((o) => (
          <option value={o.code} key={o.code}>
            {o.name}
          </option>
        ))}
      </select>
    </div>
  );
}
