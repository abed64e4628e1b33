/** The form field holding the CSRF token (app/lib/csrf.server.ts checks it). */
export const CSRF_FIELD = "csrf";
