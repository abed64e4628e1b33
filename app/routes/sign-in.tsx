// Sign in: email and password, or single sign-on when it is configured. Every successful sign-in
// starts a new session (the cookie's old token, if any, ends), then returns to the page asked for.
import { type ActionFunctionArgs, data, type LoaderFunctionArgs, type MetaFunction, redirect } from "@remix-run/node";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { ErrorSummary } from "~/components/ErrorSummary";
import { TextField } from "~/components/FormFields";
import { CSRF_FIELD } from "~/lib/csrf-field";
import { csrfToken, requireCsrf } from "~/lib/csrf.server";
import { getDatabase } from "~/lib/db.server";
import { pageTitle } from "~/lib/page-title";
import { sessionCookie, signInWithPassword } from "~/lib/sign-in.server";
import { cookieValue, safeRedirect, SESSION_COOKIE } from "~/lib/viewer.server";

export async function loader({ request, context }: LoaderFunctionArgs) {
  const redirectTo = safeRedirect(new URL(request.url).searchParams.get("redirectTo"));
  // Someone signed in may sign in again (as another account): the new session replaces theirs.
  const current = context.viewer && !context.viewer.demo ? context.viewer.user.email : null;
  const sso = context.server?.sso ? { label: context.server.sso.label } : null;
  return { csrf: csrfToken(context, { session: false }), redirectTo, demo: context.server?.demo ?? false, current, sso };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const form = await request.formData();
  // Before sign-in the token is the browser's, whoever the implicit demo viewer is.
  requireCsrf(context, form.get(CSRF_FIELD), { session: false });
  const email = String(form.get("email") ?? "");
  const outcome = await signInWithPassword(getDatabase(), email, String(form.get("password") ?? ""), {
    address: context.clientAddress ?? "unknown",
    previousToken: cookieValue(request.headers.get("Cookie"), SESSION_COOKIE),
  });
  if (!outcome.ok) return data({ message: outcome.message, email }, { status: outcome.status });
  return redirect(safeRedirect(String(form.get("redirectTo") ?? "")), { headers: { "Set-Cookie": sessionCookie(request, outcome.token) } });
}

export const meta: MetaFunction = () => pageTitle("Sign in");

export default function SignInPage() {
  const { csrf, redirectTo, demo, current, sso } = useLoaderData<typeof loader>();
  const failed = useActionData<typeof action>();
  return (
    <div className="nhsuk-grid-row">
      <div className="nhsuk-grid-column-two-thirds">
        {failed ? <ErrorSummary title="You could not be signed in" items={[{ href: "#email", text: failed.message }]} /> : null}
        <h1>Sign in</h1>
        <p>Figures are shown for the region, integrated care board or organisation your account is for.</p>
        {current ? <p>You are signed in as {current}. Signing in again, as this or another account, ends that session.</p> : null}
        {demo ? (
          <div className="nhsuk-inset-text">
            <span className="nhsuk-u-visually-hidden">Information: </span>
            <p>
              This is a local demo: you can see the figures without signing in, and <a href="/demo">view them as another role</a>.
            </p>
          </div>
        ) : null}
        {sso ? (
          <>
            {/* A link, not a form: the provider is another site, and the page's form-action allows only this one. */}
            <a className="nhsuk-button" href={`/sign-in/oidc?redirectTo=${encodeURIComponent(redirectTo)}`} draggable="false">
              Sign in with {sso.label}
            </a>
            <h2>Or sign in with your email address and password</h2>
          </>
        ) : null}
        <Form method="post" noValidate>
          <input type="hidden" name={CSRF_FIELD} value={csrf} />
          <input type="hidden" name="redirectTo" value={redirectTo} />
          <TextField id="email" label="Email address" type="email" autoComplete="username" spellCheck={false} defaultValue={failed?.email ?? ""} />
          <TextField id="password" label="Password" type="password" autoComplete="current-password" />
          <button className="nhsuk-button" type="submit">
            Sign in
          </button>
        </Form>
      </div>
    </div>
  );
}
