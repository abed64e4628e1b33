// What users see when something goes wrong: a plain explanation, never a stack trace.
import { isRouteErrorResponse, Link } from "@remix-run/react";

export interface ErrorContent {
  title: string;
  message: string;
}

/** Titles and text for an error thrown from a loader or while rendering. */
export function errorContent(error: unknown): ErrorContent {
  if (isRouteErrorResponse(error)) {
    const detail = typeof error.data === "string" && error.data.length < 500 ? error.data : "";
    if (error.status === 404) {
      return { title: "Page not found", message: detail || "If you typed the web address, check it is correct." };
    }
    if (error.status === 403) {
      return { title: "You cannot see this page", message: detail || "Your account does not give access to these figures." };
    }
    if (error.status === 400) {
      return { title: "There is a problem with the request", message: detail || "Check the web address and try again." };
    }
  }
  return {
    title: "Sorry, there is a problem with the service",
    message: "Try again later. If the problem continues, contact the Capability Gap Analytics team.",
  };
}

export function ErrorPage({ error }: { error: unknown }) {
  const { title, message } = errorContent(error);
  return (
    <>
      <h1>{title}</h1>
      <p>{message}</p>
      <p>
        <Link to="/">Go to your overview</Link>
      </p>
    </>
  );
}
