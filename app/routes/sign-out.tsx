// Sign out: a page with one button (a form with the session's CSRF token), so that no link or
// image elsewhere can sign anyone out, and pages keep no per-session token in their documents.
import { type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction, redirect } from "@remix-run/node";
import { Form, useLoaderData } from "@remix-run/react";
import { CSRF_FIELD } from "~/lib/csrf-field";
import { csrfToken, requireCsrf } from "~/lib/csrf.server";
import { getDatabase } from "~/lib/db.server";
import { pageTitle } from "~/lib/page-title";
import { clearedSessionCookie, signOut } from "~/lib/sign-in.server";
import { cookieValue, requireViewer, SESSION_COOKIE } from "~/lib/viewer.server";

export async function loader({ request, context }: LoaderFunctionArgs) {
  const viewer = requireViewer(request, context);
  return { csrf: csrfToken(context), email: viewer.user.email };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const viewer = requireViewer(request, context);
  requireCsrf(context, (await request.formData()).get(CSRF_FIELD));
  await signOut(getDatabase(), cookieValue(request.headers.get("Cookie"), SESSION_COOKIE), viewer.csrfToken ? { userId: viewer.user.id, email: viewer.user.email } : null);
  return redirect("/sign-in", { headers: { "Set-Cookie": clearedSessionCookie(request) } });
}

export const meta: MetaFunction = () => pageTitle("Sign out");

export default function SignOutPage() {
  const { csrf, email } = useLoaderData<typeof loader>();
  return (
    <>
      <h1>Sign out</h1>
      <p>You are signed in as {email}.</p>
      <Form method="post">
        <input type="hidden" name={CSRF_FIELD} value={csrf} />
        <button className="nhsuk-button" type="submit">
          Sign out
        </button>
      </Form>
    </>
  );
}
