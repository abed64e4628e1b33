// Local demo mode only: view the dashboards as one of the demo accounts (national, region, ICB,
// organisation), to see what each role sees. Anywhere else this page does not exist.
import { type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction, redirect } from "@remix-run/node";
import { Form, useLoaderData } from "@remix-run/react";
import { demoAccounts } from "~db/access/demo-accounts";
import { startSession } from "~db/access/sessions";
import { CSRF_FIELD } from "~/lib/csrf-field";
import { csrfToken, requireCsrf } from "~/lib/csrf.server";
import { getDatabase } from "~/lib/db.server";
import { notFound } from "~/lib/http.server";
import { pageTitle } from "~/lib/page-title";
import { sessionCookie } from "~/lib/sign-in.server";
import { cookieValue, SESSION_COOKIE } from "~/lib/viewer.server";

export async function loader({ request, context }: LoaderFunctionArgs) {
  if (!context.server?.demo) throw notFound("There is no page at this address.");
  return { csrf: csrfToken(context), accounts: await demoAccounts(getDatabase()), current: context.viewer?.user.email ?? null };
}

export async function action({ request, context }: ActionFunctionArgs) {
  if (!context.server?.demo) throw notFound("There is no page at this address.");
  const form = await request.formData();
  requireCsrf(context, form.get(CSRF_FIELD));
  const chosen = (await demoAccounts(getDatabase())).find((a) => String(a.id) === form.get("account"));
  if (!chosen) throw notFound("There is no such demo account.");
  const { token } = await startSession(getDatabase(), chosen.id, cookieValue(request.headers.get("Cookie"), SESSION_COOKIE));
  return redirect("/", { headers: { "Set-Cookie": sessionCookie(request, token) } });
}

export const meta: MetaFunction = () => pageTitle("View the demo as another role");

const ROLE_NAMES = { national: "National programme team (also an administrator)", region: "Regional education lead", icb: "ICB lead", organisation: "Trust workforce planner" };

export default function DemoPage() {
  const { csrf, accounts, current } = useLoaderData<typeof loader>();
  return (
    <>
      <h1>View the demo as another role</h1>
      <p>This is a local demo on the embedded database: no one signs in. Choose whose figures to see; each role sees only its own area.</p>
      <ul className="nhsuk-list">
        {accounts.map((a) => (
          <li key={a.id}>
            <Form method="post" className="app-inline-form">
              <input type="hidden" name={CSRF_FIELD} value={csrf} />
              <input type="hidden" name="account" value={a.id} />
              <button className="nhsuk-button nhsuk-button--secondary" type="submit" aria-describedby={`account-${a.id}`}>
                View as {ROLE_NAMES[a.role]}
                {a.scopeCode ? ` (${a.scopeCode})` : ""}
              </button>{" "}
              <span id={`account-${a.id}`}>{a.email === current ? "(viewing now)" : ""}</span>
            </Form>
          </li>
        ))}
      </ul>
    </>
  );
}
