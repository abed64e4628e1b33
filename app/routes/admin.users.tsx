// Accounts (administrators only): who may sign in, with which Role and Scope, and whether they
// administer. Changes end the account's sessions, so they apply at once.
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import type { BreadcrumbHandle } from "~/components/Breadcrumbs";
import { ErrorSummary } from "~/components/ErrorSummary";
import { Select, TextField } from "~/components/FormFields";
import { accountAction, accountsPage } from "~/lib/accounts.server";
import { CSRF_FIELD } from "~/lib/csrf-field";
import { englandCrumb } from "~/lib/links";
import { pageTitle } from "~/lib/page-title";

export async function loader({ request, context }: LoaderFunctionArgs) {
  return accountsPage(request, context);
}

export async function action({ request, context }: ActionFunctionArgs) {
  return accountAction(request, context);
}

export const handle: BreadcrumbHandle = { breadcrumbs: () => [englandCrumb()] };

export const meta: MetaFunction = () => pageTitle("Accounts");

const ROLE_NAMES: Record<string, string> = { national: "National", region: "Region", icb: "ICB", organisation: "Organisation" };

export default function AccountsPage() {
  const { csrf, users, roles, you } = useLoaderData<typeof loader>();
  const outcome = useActionData<typeof action>();
  const values = outcome?.kind === "invalid" ? outcome.values : {};
  return (
    <>
      <h1>Accounts</h1>
      {outcome?.kind === "invalid" ? <ErrorSummary title="There is a problem" items={[{ href: "#email", text: outcome.message }]} /> : null}
      {outcome && outcome.kind !== "invalid" ? (
        <div className="nhsuk-inset-text" role="status">
          <span className="nhsuk-u-visually-hidden">Information: </span>
          <p>
            {outcome.kind === "added" ? "Added" : outcome.kind === "changed" ? "Changed" : "Removed"} {outcome.email}.
            {"password" in outcome && outcome.password ? (
              <>
                {" "}
                Its password is <code className="app-secret">{outcome.password}</code>: give it to them now, it is not shown again.
              </>
            ) : null}
          </p>
        </div>
      ) : null}

      <table className="nhsuk-table">
        <caption className="nhsuk-table__caption">Accounts ({users.length})</caption>
        <thead className="nhsuk-table__head">
          <tr>
            <th scope="col">Email</th>
            <th scope="col">Role and scope</th>
            <th scope="col">Administrator</th>
            <th scope="col">Signs in with</th>
            <th scope="col">Status</th>
            <th scope="col">Actions</th>
          </tr>
        </thead>
        <tbody className="nhsuk-table__body">
          {users.map((u) => (
            <tr key={u.id}>
              <td>{u.email}</td>
              <td>
                {ROLE_NAMES[u.role]}
                {u.scopeCode ? ` ${u.scopeCode}` : ""}
              </td>
              <td>{u.admin ? "Yes" : "No"}</td>
              <td>{[u.hasPassword ? "password" : null, u.oidcSubject ? "single sign-on" : null].filter(Boolean).join(", ") || "nothing yet"}</td>
              <td>{u.disabledAt ? "Disabled" : "Active"}</td>
              <td>
                <Form method="post" className="app-inline-form">
                  <input type="hidden" name={CSRF_FIELD} value={csrf} />
                  <input type="hidden" name="id" value={u.id} />
                  <button className="nhsuk-button nhsuk-button--secondary nhsuk-button--small" type="submit" name="intent" value="reset">
                    New password<span className="nhsuk-u-visually-hidden"> for {u.email}</span>
                  </button>{" "}
                  {u.id !== you ? (
                    <button className="nhsuk-button nhsuk-button--warning nhsuk-button--small" type="submit" name="intent" value="remove">
                      Remove<span className="nhsuk-u-visually-hidden"> {u.email}</span>
                    </button>
                  ) : null}
                </Form>
              </td>
            </tr>
          ))}
        </tbody>
      </table>

      <h2>Add or change an account</h2>
      <p>
        An account sees the figures of its scope only: England (national), one region, one ICB or one organisation. To change
        an account, enter its email with the new role, scope and administration: its sessions end, so the change applies at once.
      </p>
      <Form method="post" noValidate>
        <input type="hidden" name={CSRF_FIELD} value={csrf} />
        <TextField id="email" label="Email address" width="nhsuk-u-width-two-thirds" type="email" spellCheck={false} defaultValue={values.email ?? ""} />
        <Select id="role" label="Role" value={values.role ?? "organisation"} options={roles.map((r) => ({ code: r, name: ROLE_NAMES[r] }))} />
        <TextField
          id="scope"
          label="Scope code"
          hint="The region (e.g. Y56), ICB (e.g. QKK) or organisation (ODS code, e.g. RWF). Leave empty for national."
          width="nhsuk-input--width-10"
          defaultValue={values.scope ?? ""}
        />
        <div className="nhsuk-checkboxes">
          <div className="nhsuk-checkboxes__item">
            <input className="nhsuk-checkboxes__input" id="admin" name="admin" type="checkbox" value="yes" defaultChecked={values.admin === "yes"} />
            <label className="nhsuk-label nhsuk-checkboxes__label" htmlFor="admin">
              Administrator (loads exports, manages accounts, reads the audit log)
            </label>
          </div>
          <div className="nhsuk-checkboxes__item">
            <input className="nhsuk-checkboxes__input" id="sso" name="sso" type="checkbox" value="yes" defaultChecked={values.sso === "yes"} />
            <label className="nhsuk-label nhsuk-checkboxes__label" htmlFor="sso">
              Signs in with single sign-on only (no password)
            </label>
          </div>
        </div>
        <p />
        <button className="nhsuk-button" type="submit" name="intent" value="add">
          Add the account
        </button>
      </Form>
    </>
  );
}
