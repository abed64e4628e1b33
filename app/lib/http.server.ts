// Turning analytics refusals into HTTP answers. QueryError messages are written for users (they
// name the bad value and what to use instead), so a 400 page can show them as they are.
import { QueryError } from "~db/analytics/dimensions";

export function badRequest(message: string): Response {
  return new Response(message, { status: 400, statusText: "Bad Request" });
}

/** Not for this viewer: out of their Scope, or for administrators only. */
export function forbidden(message: string): Response {
  return new Response(message, { status: 403, statusText: "Forbidden" });
}

export function notFound(message: string): Response {
  return new Response(message, { status: 404, statusText: "Not Found" });
}

/** Runs an analytics call; a QueryError becomes a thrown 400 response, anything else propagates. */
export async function orBadRequest<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof QueryError) throw badRequest(error.message);
    throw error;
  }
}
