// A browser-like HTTP client for server tests: keeps cookies, reads a page's CSRF token, signs in.
// Plain fetch with manual redirects, so a test sees every status and Location.

export class HttpClient {
  private cookies = new Map<string, string>();

  constructor(readonly base: string) {}

  /** The cookie header this client sends, and a way to plant one (fixation tests). */
  cookie(name: string): string | undefined {
    return this.cookies.get(name);
  }

  setCookie(name: string, value: string): void {
    this.cookies.set(name, value);
  }

  async request(path: string, init: RequestInit = {}): Promise<Response> {
    const headers = new Headers(init.headers);
    if (this.cookies.size) headers.set("Cookie", [...this.cookies].map(([k, v]) => `${k}=${v}`).join("; "));
    const response = await fetch(`${this.base}${path}`, { ...init, headers, redirect: "manual" });
    for (const line of response.headers.getSetCookie()) {
      const [pair, ...attributes] = line.split(";");
      const at = pair.indexOf("=");
      const name = pair.slice(0, at).trim();
      const value = pair.slice(at + 1).trim();
      const expired = attributes.some((a) => /^\s*max-age=0\s*$/i.test(a));
      if (expired || value === "") this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    return response;
  }

  get(path: string): Promise<Response> {
    return this.request(path);
  }

  /** POSTs a form (URL-encoded, or multipart when given FormData). */
  post(path: string, form: Record<string, string> | FormData): Promise<Response> {
    const body = form instanceof FormData ? form : new URLSearchParams(form);
    return this.request(path, { method: "POST", body });
  }

  /** The CSRF token of the first form on the page at `path`. */
  async csrf(path: string): Promise<string> {
    const response = await this.get(path);
    const html = await response.text();
    const token = /name="csrf" value="([^"]+)"/.exec(html)?.[1];
    if (!token) throw new Error(`no CSRF token on ${path} (HTTP ${response.status})`);
    return token;
  }

  /** Signs in with a password; returns the sign-in POST's response (302 on success). */
  async signIn(email: string, password: string, redirectTo = "/"): Promise<Response> {
    const csrf = await this.csrf("/sign-in");
    return this.post("/sign-in", { csrf, email, password, redirectTo });
  }
}
