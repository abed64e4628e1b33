// Single sign-on with OpenID Connect through openid-client: the authorization code flow with PKCE,
// state and nonce. Starting a sign-in keeps its secrets in this process under a random handle, held
// by the browser in a short-lived httpOnly cookie; the callback takes them once (a replayed or forged
// callback finds none), openid-client checks state, nonce, PKCE and the ID token, and the account
// is found from our own `users` (db/access/single-sign-on.ts). Every outcome is audited.
import { randomBytes, webcrypto } from "node:crypto";
import * as oidc from "openid-client";
import { recordEvent } from "~db/access/audit";
import { decideSsoAccount, linkSubject, provisionAccount, ssoAccounts, ssoIdentity, type SsoAccount, type SsoRefusal, trustCodes } from "~db/access/single-sign-on";
import type { Session as Connection } from "~db/client";
import { InputError } from "~db/problems";
import { secureAttribute } from "./csrf.server";
import { beginSession } from "./sign-in.server";
import { SSO_CALLBACK_PATH, type SsoSettings } from "./sso-settings.server";
import { cookieValue, safeRedirect } from "./viewer.server";

/** Holds the handle of a sign-in in progress; sent only to the sign-in paths. */
export const SSO_COOKIE = "capgap_sso";
const FLOW_MS = 10 * 60_000;
/** Sign-ins in progress kept at most (each a few hundred bytes): the oldest go first. */
const MAX_FLOWS = 10_000;
/** Discovery is repeated hourly, so a provider's changed endpoints are picked up without a restart. */
const DISCOVERY_MS = 60 * 60_000;

interface Flow {
  state: string;
  nonce: string;
  verifier: string;
  redirectUri: string;
  redirectTo: string;
  expires: number;
}

const flows = new Map<string, Flow>();

function keepFlow(flow: Flow): string {
  // Flows are kept in the order they expire: drop from the front while expired or too many.
  const now = Date.now();
  for (const [handle, f] of flows) {
    if (f.expires >= now && flows.size < MAX_FLOWS) break;
    flows.delete(handle);
  }
  const handle = randomBytes(32).toString("base64url");
  flows.set(handle, flow);
  return handle;
}

/** The flow for `handle`, removed as it is read: a callback is accepted once. */
function takeFlow(handle: string | null): Flow | null {
  if (!handle) return null;
  const flow = flows.get(handle);
  flows.delete(handle);
  return flow && flow.expires >= Date.now() ? flow : null;
}

function flowCookie(request: Request, handle: string | null): string {
  const value = handle ? `${handle}; Max-Age=${FLOW_MS / 1000}` : "; Max-Age=0";
  return `${SSO_COOKIE}=${value}; Path=/sign-in/oidc; HttpOnly; SameSite=Lax${secureAttribute(request)}`;
}

/** The Set-Cookie header that removes a finished sign-in's cookie. */
export const clearedFlowCookie = (request: Request) => flowCookie(request, null);

const SUBTLE_PARAMETERS: Record<string, (bits: string) => RsaHashedImportParams | EcKeyImportParams> = {
  RS: (bits) => ({ name: "RSASSA-PKCS1-v1_5", hash: `SHA-${bits}` }),
  PS: (bits) => ({ name: "RSA-PSS", hash: `SHA-${bits}` }),
  ES: (bits) => ({ name: "ECDSA", namedCurve: `P-${bits === "512" ? "521" : bits}` }),
};

async function clientAuthentication(settings: SsoSettings, tokenEndpoint: () => string): Promise<oidc.ClientAuth> {
  const auth = settings.clientAuth;
  if (auth.method !== "private_key_jwt") return auth.method === "client_secret_basic" ? oidc.ClientSecretBasic(auth.secret) : oidc.ClientSecretPost(auth.secret);
  const parameters = SUBTLE_PARAMETERS[auth.algorithm.slice(0, 2)](auth.algorithm.slice(2));
  const key = await webcrypto.subtle.importKey("pkcs8", auth.key.export({ format: "der", type: "pkcs8" }), parameters, false, ["sign"]);
  return oidc.PrivateKeyJwt(
    { key: key as CryptoKey, kid: auth.keyId },
    // Entra ID and NHS CIS2 expect the token endpoint as the assertion's audience, not the issuer.
    { [oidc.modifyAssertion]: (_header, payload) => void (payload.aud = tokenEndpoint()) },
  );
}

async function discover(settings: SsoSettings): Promise<oidc.Configuration> {
  let tokenEndpoint = "";
  const auth = await clientAuthentication(settings, () => tokenEndpoint);
  const config = await oidc.discovery(settings.issuer, settings.clientId, undefined, auth, {
    // The ID token's signature is checked against the provider's keys too, though it comes straight
    // from the provider over TLS: a proxy that inspects TLS cannot then make up who signed in.
    // Plain http only to a provider on this machine (the settings refuse it anywhere else).
    execute: [oidc.enableNonRepudiationChecks, ...(settings.insecure ? [oidc.allowInsecureRequests] : [])],
    timeout: 10,
  });
  tokenEndpoint = config.serverMetadata().token_endpoint ?? "";
  return config;
}

let discovered: { settings: SsoSettings; at: number; config: Promise<oidc.Configuration> } | null = null;

/** The provider's configuration, discovered once per process and hour; a failure is retried next time. */
function configuration(settings: SsoSettings): Promise<oidc.Configuration> {
  if (discovered && discovered.settings === settings && Date.now() - discovered.at < DISCOVERY_MS) return discovered.config;
  const config = discover(settings);
  const entry = { settings, at: Date.now(), config };
  discovered = entry;
  config.catch(() => {
    if (discovered === entry) discovered = null;
  });
  return config;
}

export type SsoStart = { ok: true; location: string; cookie: string } | { ok: false; message: string };

/** Where to send the browser to sign in, and the cookie that binds the sign-in to it. */
export async function startSsoSignIn(request: Request, settings: SsoSettings, redirectTo: string | null): Promise<SsoStart> {
  let config: oidc.Configuration;
  try {
    config = await configuration(settings);
  } catch (error) {
    process.stderr.write(`Single sign-on: discovery at ${settings.issuer.href} failed: ${(error as Error).message}\n`);
    return { ok: false, message: unreachable(settings) };
  }
  const verifier = oidc.randomPKCECodeVerifier();
  const flow: Flow = {
    state: oidc.randomState(),
    nonce: oidc.randomNonce(),
    verifier,
    redirectUri: settings.redirectUri ?? new URL(SSO_CALLBACK_PATH, request.url).href,
    redirectTo: safeRedirect(redirectTo),
    expires: Date.now() + FLOW_MS,
  };
  const url = oidc.buildAuthorizationUrl(config, {
    response_type: "code",
    redirect_uri: flow.redirectUri,
    scope: settings.scopes,
    state: flow.state,
    nonce: flow.nonce,
    code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
    code_challenge_method: "S256",
  });
  return { ok: true, location: url.href, cookie: flowCookie(request, keepFlow(flow)) };
}

export type SsoOutcome =
  | { ok: true; token: string; redirectTo: string }
  | { ok: false; status: 400 | 403 | 502; message: string; reference: string | null; redirectTo: string };

const unreachable = (settings: SsoSettings) =>
  `${capitalised(settings.label)} could not be reached. Try again in a few minutes, or sign in with your email address and password if you have one.`;

const capitalised = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);

/** What the person is told for each refusal: plain, and what to do next. */
function refusalMessage(reason: SsoRefusal, settings: SsoSettings, email: string | null, emailVerified: boolean): string {
  const worked = `Signing in with ${settings.label} worked, but`;
  const ask = "Ask your administrator";
  switch (reason) {
    case "account disabled":
      return `${worked} your account here is disabled. ${ask} if you still need it.`;
    case "account linked to another identity":
      return `${worked} the account for ${email} here is linked to a different sign-in. ${ask} to check which one is yours.`;
    default: {
      const unverified = email && !emailVerified ? ` (${settings.label} did not confirm your email address, so it could not be used to find your account)` : "";
      return `${worked} there is no account here for ${email ?? "you"}${unverified}. ${ask} to add one, giving them the reference below.`;
    }
  }
}

/**
 * Finishes a sign-in at the callback: checks the provider's answer against the flow this browser
 * started, finds (or links, or provisions) the account, and starts a session.
 */
export async function finishSsoSignIn(db: Connection, request: Request, settings: SsoSettings, previousToken: string | null): Promise<SsoOutcome> {
  const flow = takeFlow(cookieValue(request.headers.get("Cookie"), SSO_COOKIE));
  const fail = async (status: 400 | 403 | 502, message: string, reason: string, audit: { account?: SsoAccount | null; email?: string | null; subject?: string } = {}) => {
    const actor = audit.account ? { userId: audit.account.id, email: audit.account.email } : null;
    await recordEvent(db, actor, "sign_in_failed", { detail: { method: "oidc", reason, email: audit.email ?? null, subject: audit.subject ?? null } });
    return { ok: false as const, status, message, reference: audit.subject ?? null, redirectTo: flow?.redirectTo ?? "/" };
  };
  if (!flow) return fail(400, "This sign-in has expired, was already used, or was started in another browser. Start again.", "no sign-in in progress for this browser");

  let claims: Record<string, unknown>;
  try {
    const config = await configuration(settings);
    // The callback as the provider was given it (behind a proxy the request's own address differs).
    const current = new URL(flow.redirectUri);
    current.search = new URL(request.url).search;
    const tokens = await oidc.authorizationCodeGrant(config, current, {
      pkceCodeVerifier: flow.verifier,
      expectedState: flow.state,
      expectedNonce: flow.nonce,
      idTokenExpected: true,
    });
    claims = { ...tokens.claims()! };
    // The ID token's own claims win: they are signed; UserInfo adds what it lacks (NHS CIS2's email and roles).
    if (settings.userInfo) claims = { ...(await oidc.fetchUserInfo(config, tokens.access_token, String(claims.sub))), ...claims };
  } catch (error) {
    const detail = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    process.stderr.write(`Single sign-on: a sign-in failed: ${detail}\n`);
    if (error instanceof oidc.AuthorizationResponseError) {
      // Only an error code is shown, never free text from the address.
      const code = /^[a-z_]{1,40}$/.test(error.error) ? ` (${error.error})` : "";
      const message =
        error.error === "access_denied"
          ? `The sign-in was cancelled or refused at ${settings.label}. Start again if you meant to sign in.`
          : `${capitalised(settings.label)} could not sign you in${code}. Start again, or ask your administrator if it keeps happening.`;
      return fail(400, message, `provider refused: ${error.error}`);
    }
    if (error instanceof oidc.ResponseBodyError || error instanceof oidc.ClientError) {
      return fail(400, "This sign-in could not be verified, or was already used. Start again.", `not verified: ${detail}`);
    }
    return fail(502, unreachable(settings), `provider unreachable: ${detail}`);
  }

  const identity = ssoIdentity(claims, settings);
  const { bySubject, byEmail } = await ssoAccounts(db, identity);
  const decision = decideSsoAccount({ identity, bySubject, byEmail, autoProvision: settings.autoProvision, trusts: await trustCodes(db, identity.organisationCodes) });
  let account: Pick<SsoAccount, "id" | "email" | "role" | "scopeCode">;
  try {
    if (decision.action === "refuse") {
      return fail(403, refusalMessage(decision.reason, settings, identity.email, identity.emailVerified), decision.reason, { account: decision.account, email: identity.email, subject: identity.subject });
    }
    if (decision.action === "link") await linkSubject(db, decision.account, identity.subject);
    account = decision.action === "provision" ? await provisionAccount(db, decision.email, decision.organisation, identity.subject) : decision.account;
  } catch (error) {
    // Another sign-in linked or made the account meanwhile, or the email is not one an account may have.
    if (!(error instanceof InputError)) throw error;
    return fail(403, refusalMessage("no account", settings, identity.email, identity.emailVerified), `${decision.action} refused: ${error.message}`, { email: identity.email, subject: identity.subject });
  }
  return { ok: true, token: await beginSession(db, account, previousToken, "oidc"), redirectTo: flow.redirectTo };
}
