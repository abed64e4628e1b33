// An OpenID provider for tests, on 127.0.0.1 at a random port (node:http and jose): discovery,
// JWKS, /authorize, /token and /userinfo, as Entra ID or NHS CIS2 serve them, but signing in
// whoever the test chose beforehand without asking. It checks what a real provider checks: the
// client and its registered redirect URI, state and nonce carried through, the PKCE S256 challenge
// against the verifier, one use per code, and the client's authentication (a secret in the Basic
// header, or a private_key_jwt assertion signed with the client's registered key).
import { createHash, randomBytes, type KeyObject } from "node:crypto";
import { once } from "node:events";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { exportJWK, generateKeyPair, jwtVerify, SignJWT, decodeProtectedHeader } from "jose";

/** Who the provider signs in: their subject, email and any further claims. */
export interface TestIdentity {
  sub: string;
  email?: string;
  email_verified?: boolean;
  /** More claims, e.g. an ODS code claim, or roles that must not matter. */
  claims?: Record<string, unknown>;
}

export type TestClient = { id: string } & ({ auth: "client_secret_basic"; secret: string } | { auth: "private_key_jwt"; publicKey: KeyObject; keyId: string; algorithm: string });

export interface TestProviderOptions {
  client: TestClient;
  /** Where the person's claims go: all in the ID token (Entra ID), or only `sub` there and the rest from UserInfo (NHS CIS2). */
  claimsIn: "id_token" | "userinfo";
}

export interface TestProvider {
  issuer: string;
  /** Signs in `identity` at every /authorize from now on; null refuses (access_denied). */
  signInAs(identity: TestIdentity | null): void;
  /** Registers a redirect URI, as done with the provider when a service is set up. */
  allowRedirect(uri: string): void;
  /** The next ID token is forged: another nonce, another audience, or signed by a key not in the JWKS. */
  forgeNextIdToken(what: "nonce" | "audience" | "key"): void;
  /** Each successful token request's client authentication (method and, for assertions, the algorithm). */
  tokenRequests: { auth: string; algorithm?: string }[];
  close(): Promise<void>;
}

interface Grant {
  identity: TestIdentity;
  clientId: string;
  redirectUri: string;
  nonce: string;
  challenge: string;
}

const sha256 = (text: string) => createHash("sha256").update(text).digest("base64url");
const random = () => randomBytes(24).toString("base64url");

async function body(req: IncomingMessage): Promise<URLSearchParams> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return new URLSearchParams(Buffer.concat(chunks).toString("utf8"));
}

function json(res: ServerResponse, status: number, value: unknown): void {
  res.writeHead(status, { "Content-Type": "application/json", "Cache-Control": "no-store" });
  res.end(JSON.stringify(value));
}

export async function startOidcProvider(options: TestProviderOptions): Promise<TestProvider> {
  const { privateKey, publicKey } = await generateKeyPair("RS256");
  const signingKey = { ...(await exportJWK(publicKey)), kid: "test-provider-1", alg: "RS256", use: "sig" };
  const redirects = new Set<string>();
  const grants = new Map<string, Grant>();
  const accessTokens = new Map<string, TestIdentity>();
  const usedAssertions = new Set<string>();
  const tokenRequests: TestProvider["tokenRequests"] = [];
  let identity: TestIdentity | null = null;
  let forge: "nonce" | "audience" | "key" | null = null;
  const strangerKey = (await generateKeyPair("RS256")).privateKey;
  let issuer = "";
  const client = options.client;

  const personClaims = (who: TestIdentity) => ({
    ...(who.email !== undefined ? { email: who.email } : {}),
    ...(who.email_verified !== undefined ? { email_verified: who.email_verified } : {}),
    ...who.claims,
  });

  /** The client's authentication at the token endpoint, or why it fails. */
  async function authenticate(req: IncomingMessage, form: URLSearchParams): Promise<{ auth: string; algorithm?: string } | string> {
    if (client.auth === "client_secret_basic") {
      const header = req.headers.authorization ?? "";
      if (!header.startsWith("Basic ")) return "expected client_secret_basic";
      const [id, secret] = Buffer.from(header.slice(6), "base64").toString("utf8").split(":").map((part) => decodeURIComponent(part.replace(/\+/g, " ")));
      return id === client.id && secret === client.secret ? { auth: client.auth } : "wrong client id or secret";
    }
    if (form.get("client_assertion_type") !== "urn:ietf:params:oauth:client-assertion-type:jwt-bearer") return "expected private_key_jwt";
    const assertion = form.get("client_assertion") ?? "";
    try {
      const header = decodeProtectedHeader(assertion);
      if (header.kid !== client.keyId) return `unknown key id ${header.kid}`;
      const { payload } = await jwtVerify(assertion, client.publicKey, { issuer: client.id, subject: client.id, audience: `${issuer}/token`, algorithms: [client.algorithm] });
      if (!payload.jti || usedAssertions.has(payload.jti)) return "assertion without a jti, or used before";
      usedAssertions.add(payload.jti);
      return { auth: client.auth, algorithm: header.alg };
    } catch (error) {
      return `assertion refused: ${(error as Error).message}`;
    }
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", issuer);
    if (req.method === "GET" && url.pathname === "/.well-known/openid-configuration") {
      return json(res, 200, {
        issuer,
        authorization_endpoint: `${issuer}/authorize`,
        token_endpoint: `${issuer}/token`,
        userinfo_endpoint: `${issuer}/userinfo`,
        jwks_uri: `${issuer}/jwks`,
        response_types_supported: ["code"],
        subject_types_supported: ["public"],
        id_token_signing_alg_values_supported: ["RS256"],
        token_endpoint_auth_methods_supported: [client.auth],
        code_challenge_methods_supported: ["S256"],
        scopes_supported: ["openid", "email", "profile"],
      });
    }
    if (req.method === "GET" && url.pathname === "/jwks") return json(res, 200, { keys: [signingKey] });
    if (req.method === "GET" && url.pathname === "/authorize") {
      const p = url.searchParams;
      const redirectUri = p.get("redirect_uri") ?? "";
      // An unknown client or redirect URI is never redirected to: the page says so, as providers do.
      if (p.get("client_id") !== client.id || !redirects.has(redirectUri)) {
        res.writeHead(400, { "Content-Type": "text/plain" });
        return void res.end(`unknown client or redirect URI: ${p.get("client_id")} ${redirectUri}`);
      }
      const back = new URL(redirectUri);
      if (p.get("state")) back.searchParams.set("state", p.get("state")!);
      const valid =
        p.get("response_type") === "code" && (p.get("scope") ?? "").split(" ").includes("openid") && p.get("nonce") && p.get("state") && p.get("code_challenge_method") === "S256" && p.get("code_challenge");
      if (!valid) back.searchParams.set("error", "invalid_request");
      else if (!identity) back.searchParams.set("error", "access_denied");
      else {
        const code = random();
        grants.set(code, { identity, clientId: client.id, redirectUri, nonce: p.get("nonce")!, challenge: p.get("code_challenge")! });
        back.searchParams.set("code", code);
      }
      res.writeHead(302, { Location: back.href });
      return void res.end();
    }
    if (req.method === "POST" && url.pathname === "/token") {
      const form = await body(req);
      const auth = await authenticate(req, form);
      if (typeof auth === "string") return json(res, 401, { error: "invalid_client", error_description: auth });
      const code = form.get("code") ?? "";
      const grant = grants.get(code);
      // A code is good once: a second exchange finds nothing.
      grants.delete(code);
      if (form.get("grant_type") !== "authorization_code" || !grant) return json(res, 400, { error: "invalid_grant", error_description: "unknown or used code" });
      if (form.get("redirect_uri") !== grant.redirectUri) return json(res, 400, { error: "invalid_grant", error_description: "redirect_uri differs" });
      if (sha256(form.get("code_verifier") ?? "") !== grant.challenge) return json(res, 400, { error: "invalid_grant", error_description: "PKCE verifier does not match" });
      const now = Math.floor(Date.now() / 1000);
      const forged = forge;
      forge = null;
      const idToken = await new SignJWT({ nonce: forged === "nonce" ? random() : grant.nonce, auth_time: now, ...(options.claimsIn === "id_token" ? personClaims(grant.identity) : {}) })
        .setProtectedHeader({ alg: "RS256", kid: signingKey.kid, typ: "JWT" })
        .setIssuer(issuer)
        .setAudience(forged === "audience" ? "another-client" : grant.clientId)
        .setSubject(grant.identity.sub)
        .setIssuedAt(now)
        .setExpirationTime(now + 300)
        .sign(forged === "key" ? strangerKey : privateKey);
      const accessToken = random();
      accessTokens.set(accessToken, grant.identity);
      tokenRequests.push(auth);
      return json(res, 200, { access_token: accessToken, token_type: "Bearer", expires_in: 300, id_token: idToken });
    }
    if (req.method === "GET" && url.pathname === "/userinfo") {
      const who = accessTokens.get((req.headers.authorization ?? "").replace(/^Bearer /, ""));
      if (!who) return json(res, 401, { error: "invalid_token" });
      return json(res, 200, { sub: who.sub, ...personClaims(who) });
    }
    json(res, 404, { error: "not_found" });
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((error: Error) => json(res, 500, { error: "server_error", error_description: error.message }));
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    issuer,
    signInAs: (who) => void (identity = who),
    forgeNextIdToken: (what) => void (forge = what),
    allowRedirect: (uri) => void redirects.add(uri),
    tokenRequests,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
