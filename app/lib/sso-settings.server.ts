// Single sign-on settings, from the OIDC_* environment variables (docs/security.md, "Single
// sign-on"). With none set, single sign-on is off and nothing else changes. A partial or invalid
// setting stops the server at start, naming the variable, rather than failing at someone's sign-in.
import { createPrivateKey, type KeyObject } from "node:crypto";
import { readFileSync } from "node:fs";
import { isLoopbackHostHeader } from "./server-context.server";

export const SSO_CALLBACK_PATH = "/sign-in/oidc/callback";

export type SsoClientAuth =
  | { method: "client_secret_basic" | "client_secret_post"; secret: string }
  | { method: "private_key_jwt"; key: KeyObject; keyId: string; algorithm: string };

export interface SsoSettings {
  /** The issuer identifier: its discovery document is at issuer + /.well-known/openid-configuration. */
  issuer: URL;
  clientId: string;
  clientAuth: SsoClientAuth;
  /** The callback as registered with the provider; null: this request's origin + SSO_CALLBACK_PATH. */
  redirectUri: string | null;
  scopes: string;
  /** Who signs people in, as the sign-in button and messages name it ("Sign in with …"). */
  label: string;
  /** The provider vouches for its `email` claim even without `email_verified: true`. */
  trustEmail: boolean;
  /** Claims are also read from the UserInfo endpoint (NHS CIS2 sends email and roles only there). */
  userInfo: boolean;
  /** Accounts may be created for an unknown person whose claim names one trust (organisation Scope only). */
  autoProvision: boolean;
  /** The claim carrying the person's organisation's ODS code(s). */
  organisationClaim: string | null;
  /** Plain HTTP to the provider: only when the issuer is on this machine (tests, local development). */
  insecure: boolean;
}

export class SsoSettingsError extends Error {
  constructor(problems: string[]) {
    super(`Single sign-on is not configured correctly:\n- ${problems.join("\n- ")}\nCorrect these, or unset every OIDC_ variable to turn single sign-on off (docs/security.md, "Single sign-on").`);
    this.name = "SsoSettingsError";
  }
}

/** Every variable single sign-on reads (docs/security.md). */
export const SSO_VARIABLES = [
  "OIDC_ISSUER",
  "OIDC_CLIENT_ID",
  "OIDC_CLIENT_SECRET",
  "OIDC_CLIENT_AUTH",
  "OIDC_PRIVATE_KEY",
  "OIDC_KEY_ID",
  "OIDC_PRIVATE_KEY_ALG",
  "OIDC_REDIRECT_URI",
  "OIDC_SCOPES",
  "OIDC_LABEL",
  "OIDC_USERINFO",
  "OIDC_TRUST_EMAIL",
  "OIDC_AUTO_PROVISION",
  "OIDC_ORGANISATION_CLAIM",
];

const DEFAULT_SCOPES = "openid email profile";
const DEFAULT_LABEL = "your organisation's account";
const RSA_ALGORITHMS = ["RS256", "RS384", "RS512", "PS256", "PS384", "PS512"];
const EC_ALGORITHMS: Record<string, string> = { prime256v1: "ES256", secp384r1: "ES384", secp521r1: "ES512" };

/** An https URL, or http only to a loopback host. */
function urlProblem(name: string, value: string): string | null {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return `${name} must be a full URL (e.g. https://login.microsoftonline.com/<tenant>/v2.0), not “${value}”.`;
  }
  if (url.protocol === "https:") return null;
  if (url.protocol === "http:" && isLoopbackHostHeader(url.host)) return null;
  return `${name} must use https (plain http is allowed only to this machine), not “${value}”.`;
}

function onOff(env: Record<string, string | undefined>, name: string, problems: string[]): boolean {
  const value = env[name]?.trim().toLowerCase();
  if (!value || value === "off") return false;
  if (value === "on") return true;
  problems.push(`${name} must be on or off, not “${env[name]}”.`);
  return false;
}

/** The private key for private_key_jwt: PEM text (with real or \n-escaped newlines), or a path to a PEM file. */
function privateKey(value: string, readFile: (path: string) => string, problems: string[]): KeyObject | null {
  let pem = value;
  if (!value.includes("-----BEGIN")) {
    try {
      pem = readFile(value);
    } catch (error) {
      problems.push(`OIDC_PRIVATE_KEY names a file that could not be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}): ${value}. Give the PEM text or a readable file.`);
      return null;
    }
  }
  try {
    const key = createPrivateKey(pem.replace(/\\n/g, "\n"));
    if (key.asymmetricKeyType !== "rsa" && key.asymmetricKeyType !== "ec") {
      problems.push(`OIDC_PRIVATE_KEY must be an RSA or EC private key, not ${key.asymmetricKeyType}.`);
      return null;
    }
    return key;
  } catch {
    problems.push("OIDC_PRIVATE_KEY is not a PEM private key (PKCS#8 “BEGIN PRIVATE KEY”, or “BEGIN RSA/EC PRIVATE KEY”).");
    return null;
  }
}

/** The JWS algorithm the client assertion is signed with: RS512 for RSA keys (NHS CIS2 asks for it) unless OIDC_PRIVATE_KEY_ALG says otherwise; EC keys by their curve. */
function assertionAlgorithm(key: KeyObject, chosen: string | undefined, problems: string[]): string {
  if (key.asymmetricKeyType === "ec") {
    const algorithm = EC_ALGORITHMS[key.asymmetricKeyDetails?.namedCurve ?? ""];
    if (!algorithm) problems.push(`OIDC_PRIVATE_KEY's curve ${key.asymmetricKeyDetails?.namedCurve} is not one of P-256, P-384 or P-521.`);
    else if (chosen && chosen !== algorithm) problems.push(`OIDC_PRIVATE_KEY_ALG ${chosen} does not fit this EC key, which signs ${algorithm}.`);
    return algorithm ?? "";
  }
  const algorithm = chosen || "RS512";
  if (!RSA_ALGORITHMS.includes(algorithm)) problems.push(`OIDC_PRIVATE_KEY_ALG must be one of ${RSA_ALGORITHMS.join(", ")} for an RSA key, not “${algorithm}”.`);
  return algorithm;
}

/**
 * The single sign-on settings in `env`, or null when none of SSO_VARIABLES is set. Throws
 * SsoSettingsError listing every problem, each naming its variable.
 */
export function readSsoSettings(env: Record<string, string | undefined>, readFile: (path: string) => string = (p) => readFileSync(p, "utf8")): SsoSettings | null {
  const value = (name: string) => env[name]?.trim() || undefined;
  // Only these names: another program's OIDC_ variable in the environment turns nothing on.
  if (!SSO_VARIABLES.some((name) => value(name))) return null;
  const problems: string[] = [];

  const issuer = value("OIDC_ISSUER");
  const clientId = value("OIDC_CLIENT_ID");
  if (!issuer) problems.push("OIDC_ISSUER is not set: the identity provider's issuer URL (for Entra ID https://login.microsoftonline.com/<tenant id>/v2.0).");
  else {
    const problem = urlProblem("OIDC_ISSUER", issuer);
    if (problem) problems.push(problem);
  }
  if (!clientId) problems.push("OIDC_CLIENT_ID is not set: this service's client id, as registered with the identity provider.");

  const secret = value("OIDC_CLIENT_SECRET");
  const keyText = value("OIDC_PRIVATE_KEY");
  const method = value("OIDC_CLIENT_AUTH");
  let clientAuth: SsoClientAuth | null = null;
  if (secret && keyText) problems.push("Set OIDC_CLIENT_SECRET or OIDC_PRIVATE_KEY, not both: the client authenticates one way.");
  else if (keyText) {
    if (method && method !== "private_key_jwt") problems.push(`OIDC_CLIENT_AUTH is ${method}, but OIDC_PRIVATE_KEY is set: leave OIDC_CLIENT_AUTH out, or set private_key_jwt.`);
    const keyId = value("OIDC_KEY_ID");
    if (!keyId) problems.push("OIDC_KEY_ID is not set: the key id (kid) the identity provider knows OIDC_PRIVATE_KEY's public key by.");
    const key = privateKey(keyText, readFile, problems);
    if (key && keyId) clientAuth = { method: "private_key_jwt", key, keyId, algorithm: assertionAlgorithm(key, value("OIDC_PRIVATE_KEY_ALG"), problems) };
  } else if (secret) {
    const secretMethod = method ?? "client_secret_basic";
    if (secretMethod !== "client_secret_basic" && secretMethod !== "client_secret_post") {
      problems.push(`OIDC_CLIENT_AUTH must be client_secret_basic or client_secret_post with OIDC_CLIENT_SECRET, not “${secretMethod}”.`);
    } else clientAuth = { method: secretMethod, secret };
  } else problems.push("Neither OIDC_CLIENT_SECRET nor OIDC_PRIVATE_KEY is set: the client must authenticate to the identity provider with one of them.");

  const redirectUri = value("OIDC_REDIRECT_URI");
  if (redirectUri) {
    const problem = urlProblem("OIDC_REDIRECT_URI", redirectUri);
    if (problem) problems.push(problem);
    else if (new URL(redirectUri).pathname !== SSO_CALLBACK_PATH) problems.push(`OIDC_REDIRECT_URI must end in ${SSO_CALLBACK_PATH}, where this service receives the sign-in: “${redirectUri}”.`);
  }

  const scopes = (value("OIDC_SCOPES") ?? DEFAULT_SCOPES).split(/\s+/).join(" ");
  if (!scopes.split(" ").includes("openid")) problems.push(`OIDC_SCOPES must include openid: “${scopes}”.`);

  const trustEmail = onOff(env, "OIDC_TRUST_EMAIL", problems);
  const userInfo = onOff(env, "OIDC_USERINFO", problems);
  const autoProvision = onOff(env, "OIDC_AUTO_PROVISION", problems);
  const organisationClaim = value("OIDC_ORGANISATION_CLAIM") ?? null;
  if (autoProvision && !organisationClaim) problems.push("OIDC_AUTO_PROVISION is on but OIDC_ORGANISATION_CLAIM is not set: name the claim that carries the person's trust's ODS code (e.g. nhsid_nrbac_roles).");

  if (problems.length) throw new SsoSettingsError(problems);
  const issuerUrl = new URL(issuer!);
  return {
    issuer: issuerUrl,
    clientId: clientId!,
    clientAuth: clientAuth!,
    redirectUri: redirectUri ?? null,
    scopes,
    label: value("OIDC_LABEL") ?? DEFAULT_LABEL,
    trustEmail,
    userInfo,
    autoProvision,
    organisationClaim,
    insecure: issuerUrl.protocol === "http:",
  };
}
