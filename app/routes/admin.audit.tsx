// The audit log (administrators only): sign-ins, views, exports, loads and account changes,
// newest first, searchable by account, action, dates and text.
import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, useLoaderData } from "@remix-run/react";
import { AUDIT_ACTIONS, searchEvents } from "~db/access/audit";
import type { BreadcrumbHandle } from "~/components/Breadcrumbs";
import { Select, TextField } from "~/components/FormFields";
import { getDatabase } from "~/lib/db.server";
import { badRequest } from "~/lib/http.server";
import { englandCrumb } from "~/lib/links";
import { pageTitle } from "~/lib/page-title";
import { requireAdmin } from "~/lib/viewer.server";

const PAGE = 100;
const DATE = /^\d{4}-\d{2}-\d{2}$/;

export async function loader({ request, context }: LoaderFunctionArgs) {
  requireAdmin(request, context);
  const params = new URL(request.url).searchParams;
  const get = (name: string) => params.get(name)?.trim() || undefined;
  const search = { email: get("email"), action: get("action"), from: get("from"), to: get("to"), text: get("text") };
  if (search.action && !(AUDIT_ACTIONS as readonly string[]).includes(search.action)) throw badRequest(`action=${search.action}: choose one of ${AUDIT_ACTIONS.join(", ")}.`);
  for (const name of ["from", "to"] as const) if (search[name] && !DATE.test(search[name]!)) throw badRequest(`${name}=${search[name]}: give a date as YYYY-MM-DD.`);
  const before = Number(get("before"));
  const events = await searchEvents(getDatabase(), { ...search, before: Number.isSafeInteger(before) && before > 0 ? before : undefined, limit: PAGE + 1 });
  const older = events.length > PAGE ? events[PAGE - 1].id : null;
  const next = new URLSearchParams(Object.entries(search).filter((e): e is [string, string] => Boolean(e[1])));
  if (older) next.set("before", String(older));
  return { search, actions: AUDIT_ACTIONS, events: events.slice(0, PAGE), olderHref: older ? `/admin/audit?${next}` : null };
}

export const handle: BreadcrumbHandle = { breadcrumbs: () => [englandCrumb()] };

export const meta: MetaFunction = () => pageTitle("Audit log");

export default function AuditPage() {
  const { search, actions, events, olderHref } = useLoaderData<typeof loader>();
  return (
    <>
      <h1>Audit log</h1>
      <Form method="get" className="app-filter-form">
        <TextField id="email" label="Account email" width="nhsuk-u-width-one-half" type="email" defaultValue={search.email ?? ""} />
        <Select id="action" label="Action" value={search.action ?? null} all="Any" options={actions.map((a) => ({ code: a, name: a.replace(/_/g, " ") }))} />
        <TextField id="from" label="From (YYYY-MM-DD)" width="nhsuk-input--width-10" defaultValue={search.from ?? ""} />
        <TextField id="to" label="To (YYYY-MM-DD)" width="nhsuk-input--width-10" defaultValue={search.to ?? ""} />
        <TextField id="text" label="Scope, page or file containing" width="nhsuk-u-width-one-half" defaultValue={search.text ?? ""} />
        <button className="nhsuk-button nhsuk-button--secondary" type="submit">
          Search
        </button>
      </Form>
      <table className="nhsuk-table">
        <caption className="nhsuk-table__caption">Events, newest first{events.length ? "" : ": none match"}</caption>
        <thead className="nhsuk-table__head">
          <tr>
            <th scope="col">When (UTC)</th>
            <th scope="col">Account</th>
            <th scope="col">Action</th>
            <th scope="col">Scope</th>
            <th scope="col">Detail</th>
          </tr>
        </thead>
        <tbody className="nhsuk-table__body">
          {events.map((e) => (
            <tr key={e.id}>
              <td>
                <time dateTime={e.at}>{e.at.replace("T", " ").replace("Z", "")}</time>
              </td>
              <td>{e.email ?? "–"}</td>
              <td>{e.action.replace(/_/g, " ")}</td>
              <td>{e.scope ?? "–"}</td>
              <td>
                <code className="app-audit-detail">{JSON.stringify(e.detail)}</code>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {olderHref ? <Link to={olderHref}>Older events</Link> : null}
    </>
  );
}
