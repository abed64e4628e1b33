// Single sign-on settings from the environment: off when no OIDC_ variable is set; a partial or
// invalid setting is refused with every problem named by its variable, so the server stops at start.
import { generateKeyPairSync } from "node:crypto";
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { readSsoSettings, SSO_VARIABLES, SsoSettingsError } from "~/lib/sso-settings.server";

const ENTRA = {
  OIDC_ISSUER: "https://login.microsoftonline.com/9188040d-6c67-4c5b-b112-36a304b66dad/v2.0",
  OIDC_CLIENT_ID: "6731de76-14a6-49ae-97bc-6eba6914391e",
  OIDC_CLIENT_SECRET: "a secret",
};
const rsaPem = generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey.export({ format: "pem", type: "pkcs8" }) as string;
const ecPem = generateKeyPairSync("ec", { namedCurve: "P-384" }).privateKey.export({ format: "pem", type: "pkcs8" }) as string;
const CIS2 = {
  OIDC_ISSUER: "https://am.nhsint.auth-ptl.cis2.spineservices.nhs.uk/openam/oauth2/realms/root/realms/NHSIdentity/realms/Healthcare",
  OIDC_CLIENT_ID: "123456789012.apps.national",
  OIDC_PRIVATE_KEY: rsaPem,
  OIDC_KEY_ID: "capgap-1",
};

/** The problems a setting is refused with, or null when it is accepted. */
function refusal(env: Record<string, string>, readFile?: (path: string) => string): string | null {
  try {
    readSsoSettings(env, readFile);
    return null;
  } catch (error) {
    expect(error).toBeInstanceOf(SsoSettingsError);
    return (error as Error).message;
  }
}

describe("single sign-on settings", () => {
  it("are off with no OIDC_ variable, whatever else is set", () => {
    expect(readSsoSettings({})).toBeNull();
    expect(readSsoSettings({ DATABASE_URL: "postgres://x", OIDC_LABEL: "  " })).toBeNull();
    // Another program's variable of the same prefix is not ours.
    expect(readSsoSettings({ OIDC_TOKEN_FOR_SOMETHING_ELSE: "x" })).toBeNull();
  });

  it("read an Entra ID setting with its defaults", () => {
    const settings = readSsoSettings(ENTRA)!;
    expect(settings.issuer.href).toBe(ENTRA.OIDC_ISSUER);
    expect(settings).toMatchObject({
      clientId: ENTRA.OIDC_CLIENT_ID,
      clientAuth: { method: "client_secret_basic", secret: "a secret" },
      redirectUri: null,
      scopes: "openid email profile",
      label: "your organisation's account",
      trustEmail: false,
      userInfo: false,
      autoProvision: false,
      organisationClaim: null,
      insecure: false,
    });
    expect(readSsoSettings({ ...ENTRA, OIDC_CLIENT_AUTH: "client_secret_post" })!.clientAuth.method).toBe("client_secret_post");
  });

  it("read an NHS CIS2 setting: private_key_jwt signed RS512 by default, UserInfo, provisioning from a claim", () => {
    const settings = readSsoSettings({
      ...CIS2,
      OIDC_SCOPES: "openid  email nationalrbacaccess",
      OIDC_LABEL: "NHS Care Identity",
      OIDC_USERINFO: "on",
      OIDC_TRUST_EMAIL: "ON",
      OIDC_AUTO_PROVISION: "on",
      OIDC_ORGANISATION_CLAIM: "nhsid_nrbac_roles",
      OIDC_REDIRECT_URI: "https://capgap.example.nhs.uk/sign-in/oidc/callback",
    })!;
    expect(settings.clientAuth).toMatchObject({ method: "private_key_jwt", keyId: "capgap-1", algorithm: "RS512" });
    expect(settings).toMatchObject({ scopes: "openid email nationalrbacaccess", label: "NHS Care Identity", userInfo: true, trustEmail: true, autoProvision: true, organisationClaim: "nhsid_nrbac_roles" });
    expect(readSsoSettings({ ...CIS2, OIDC_PRIVATE_KEY_ALG: "PS256" })!.clientAuth).toMatchObject({ algorithm: "PS256" });
    expect(readSsoSettings({ ...CIS2, OIDC_PRIVATE_KEY: ecPem })!.clientAuth).toMatchObject({ algorithm: "ES384" });
    // A key with escaped newlines (as some secret stores keep it), or in a file.
    expect(readSsoSettings({ ...CIS2, OIDC_PRIVATE_KEY: rsaPem.replace(/\n/g, "\\n") })!.clientAuth.method).toBe("private_key_jwt");
    expect(readSsoSettings({ ...CIS2, OIDC_PRIVATE_KEY: "/run/secrets/oidc.pem" }, (path) => (path === "/run/secrets/oidc.pem" ? rsaPem : ""))!.clientAuth.method).toBe("private_key_jwt");
  });

  it("allow plain http only to a provider on this machine", () => {
    expect(readSsoSettings({ ...ENTRA, OIDC_ISSUER: "http://127.0.0.1:4567" })!.insecure).toBe(true);
    expect(readSsoSettings({ ...ENTRA, OIDC_ISSUER: "http://localhost:4567/realm" })!.insecure).toBe(true);
    expect(refusal({ ...ENTRA, OIDC_ISSUER: "http://login.example.org" })).toMatch(/OIDC_ISSUER must use https/);
    expect(refusal({ ...ENTRA, OIDC_REDIRECT_URI: "http://capgap.example.org/sign-in/oidc/callback" })).toMatch(/OIDC_REDIRECT_URI must use https/);
  });

  it("refuse a partial setting, naming each missing variable", () => {
    expect(refusal({ OIDC_ISSUER: ENTRA.OIDC_ISSUER })).toMatch(/OIDC_CLIENT_ID is not set[\s\S]*Neither OIDC_CLIENT_SECRET nor OIDC_PRIVATE_KEY/);
    expect(refusal({ OIDC_LABEL: "NHS Care Identity" })).toMatch(/OIDC_ISSUER is not set[\s\S]*OIDC_CLIENT_ID is not set/);
    expect(refusal({ OIDC_CLIENT_ID: "x", OIDC_CLIENT_SECRET: "y" })).toMatch(/OIDC_ISSUER is not set/);
    const { OIDC_KEY_ID: _kid, ...noKeyId } = CIS2;
    expect(refusal(noKeyId)).toMatch(/OIDC_KEY_ID is not set/);
    expect(refusal({ ...ENTRA, OIDC_AUTO_PROVISION: "on" })).toMatch(/OIDC_ORGANISATION_CLAIM is not set/);
    // Every problem at once, so one restart is enough to put them right.
    expect(refusal({ OIDC_AUTO_PROVISION: "yes" })!.split("\n- ").length).toBe(5);
  });

  it("are each documented in docs/security.md", () => {
    const documented = [...readFileSync("docs/security.md", "utf8").matchAll(/^\| `(OIDC_[A-Z_]+)` \|/gm)].map((m) => m[1]);
    expect(documented.sort()).toEqual([...SSO_VARIABLES].sort());
  });

  it("refuse invalid values, naming the variable", () => {
    expect(refusal({ ...ENTRA, OIDC_ISSUER: "login.microsoftonline.com" })).toMatch(/OIDC_ISSUER must be a full URL/);
    expect(refusal({ ...ENTRA, OIDC_PRIVATE_KEY: rsaPem, OIDC_KEY_ID: "k" })).toMatch(/Set OIDC_CLIENT_SECRET or OIDC_PRIVATE_KEY, not both/);
    expect(refusal({ ...ENTRA, OIDC_CLIENT_AUTH: "private_key_jwt" })).toMatch(/OIDC_CLIENT_AUTH must be client_secret_basic or client_secret_post/);
    expect(refusal({ ...CIS2, OIDC_PRIVATE_KEY: "-----BEGIN PRIVATE KEY-----\nnot a key\n-----END PRIVATE KEY-----" })).toMatch(/OIDC_PRIVATE_KEY is not a PEM private key/);
    expect(
      refusal({ ...CIS2, OIDC_PRIVATE_KEY: "/no/such/key.pem" }, () => {
        throw Object.assign(new Error("missing"), { code: "ENOENT" });
      }),
    ).toMatch(/OIDC_PRIVATE_KEY names a file that could not be read \(ENOENT\): \/no\/such\/key\.pem/);
    expect(refusal({ ...CIS2, OIDC_PRIVATE_KEY_ALG: "HS256" })).toMatch(/OIDC_PRIVATE_KEY_ALG must be one of/);
    expect(refusal({ ...CIS2, OIDC_PRIVATE_KEY: ecPem, OIDC_PRIVATE_KEY_ALG: "ES256" })).toMatch(/OIDC_PRIVATE_KEY_ALG ES256 does not fit this EC key, which signs ES384/);
    expect(refusal({ ...ENTRA, OIDC_SCOPES: "email profile" })).toMatch(/OIDC_SCOPES must include openid/);
    expect(refusal({ ...ENTRA, OIDC_TRUST_EMAIL: "yes" })).toMatch(/OIDC_TRUST_EMAIL must be on or off/);
    expect(refusal({ ...ENTRA, OIDC_REDIRECT_URI: "https://capgap.example.org/callback" })).toMatch(/OIDC_REDIRECT_URI must end in \/sign-in\/oidc\/callback/);
    // The secret itself never appears in a message.
    expect(refusal({ ...ENTRA, OIDC_TRUST_EMAIL: "yes" })).not.toContain(ENTRA.OIDC_CLIENT_SECRET);
  });
});
