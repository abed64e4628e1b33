// Starts single sign-on: sends the browser to the identity provider, with a short-lived cookie that
// binds the sign-in to this browser (app/lib/sso.server.ts). A link, not a form: starting a sign-in
// changes nothing until the provider sends the person back. Without single sign-on set up, 404.
import { data, type LoaderFunctionArgs, type MetaFunction, redirect } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { notFound } from "~/lib/http.server";
import { pageTitle } from "~/lib/page-title";
import { startSsoSignIn } from "~/lib/sso.server";
import { safeRedirect } from "~/lib/viewer.server";

export async function loader({ request, context }: LoaderFunctionArgs) {
  const settings = context.server?.sso;
  if (!settings) throw notFound("Single sign-on is not set up for this service: sign in with your email address and password.");
  const redirectTo = safeRedirect(new URL(request.url).searchParams.get("redirectTo"));
  const start = await startSsoSignIn(request, settings, redirectTo);
  if (!start.ok) return data({ message: start.message, redirectTo }, { status: 502 });
  return redirect(start.location, { headers: { "Set-Cookie": start.cookie } });
}

export const meta: MetaFunction = () => pageTitle("Sign in");

export default function SsoUnavailablePage() {
  const { message, redirectTo } = useLoaderData<typeof loader>();
  return (
    <>
      <h1>You could not be signed in</h1>
      <p>{message}</p>
      <p>
        <a href={`/sign-in?redirectTo=${encodeURIComponent(redirectTo)}`}>Go back to sign in</a>
      </p>
    </>
  );
}
