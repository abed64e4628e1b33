// Where the identity provider sends the person back after single sign-on: the sign-in is checked
// and their account found (app/lib/sso.server.ts); then a new session, and the page they asked
// for. When there is no account for them, or the sign-in cannot be verified, a page says why.
import { data, type LoaderFunctionArgs, type MetaFunction, redirect } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { getDatabase } from "~/lib/db.server";
import { notFound } from "~/lib/http.server";
import { pageTitle } from "~/lib/page-title";
import { sessionCookie } from "~/lib/sign-in.server";
import { clearedFlowCookie, finishSsoSignIn } from "~/lib/sso.server";
import { cookieValue, SESSION_COOKIE } from "~/lib/viewer.server";

export async function loader({ request, context }: LoaderFunctionArgs) {
  const settings = context.server?.sso;
  if (!settings) throw notFound("Single sign-on is not set up for this service: sign in with your email address and password.");
  const outcome = await finishSsoSignIn(getDatabase(), request, settings, cookieValue(request.headers.get("Cookie"), SESSION_COOKIE));
  const headers = new Headers({ "Set-Cookie": clearedFlowCookie(request) });
  if (outcome.ok) {
    headers.append("Set-Cookie", sessionCookie(request, outcome.token));
    return redirect(outcome.redirectTo, { headers });
  }
  return data({ message: outcome.message, reference: outcome.reference, redirectTo: outcome.redirectTo }, { status: outcome.status, headers });
}

export const meta: MetaFunction = () => pageTitle("Sign in");

export default function SsoRefusedPage() {
  const { message, reference, redirectTo } = useLoaderData<typeof loader>();
  return (
    <>
      <h1>You could not be signed in</h1>
      <p>{message}</p>
      {reference ? (
        <p>
          Your sign-in reference: <code>{reference}</code>
        </p>
      ) : null}
      <p>
        <a href={`/sign-in?redirectTo=${encodeURIComponent(redirectTo)}`}>Go back to sign in</a>
      </p>
    </>
  );
}
