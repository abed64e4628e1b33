// Which account a single sign-on is: by subject, else by an email the provider verified (then
// linked), else, with auto-provisioning, a new organisation account for exactly one known trust.
// Claims never give a region, ICB, national Scope or administration.
import { describe, expect, it } from "vitest";
import { decideSsoAccount, organisationCodes, type SsoAccount, ssoIdentity } from "../../../../db/access/single-sign-on";

const account = (over: Partial<SsoAccount> = {}): SsoAccount => ({ id: 7, email: "a.planner@nhs.net", role: "region", scopeCode: "Y56", admin: false, oidcSubject: null, disabledAt: null, ...over });
const PLAIN = { trustEmail: false, organisationClaim: "nhsid_nrbac_roles" };
const TRUSTS = new Set(["RWF"]);

/** The decision for `claims`, given the accounts found by subject and email. */
function decide(claims: Record<string, unknown>, found: { bySubject?: SsoAccount; byEmail?: SsoAccount } = {}, options = { ...PLAIN, autoProvision: false }) {
  const identity = ssoIdentity({ sub: "subject-1", ...claims }, options);
  return decideSsoAccount({ identity, bySubject: found.bySubject ?? null, byEmail: found.byEmail ?? null, autoProvision: options.autoProvision, trusts: TRUSTS });
}
const PROVISIONING = { ...PLAIN, autoProvision: true };

describe("finding the account of a single sign-on", () => {
  it("signs in the account with the subject, whatever the email says, unless it is disabled", () => {
    const linked = account({ oidcSubject: "subject-1" });
    expect(decide({ email: "someone.else@nhs.net", email_verified: true }, { bySubject: linked })).toEqual({ action: "sign_in", account: linked });
    expect(decide({}, { bySubject: linked })).toEqual({ action: "sign_in", account: linked });
    const disabled = account({ oidcSubject: "subject-1", disabledAt: "2026-01-01T00:00:00Z" });
    expect(decide({}, { bySubject: disabled })).toEqual({ action: "refuse", reason: "account disabled", account: disabled });
  });

  it("links the subject to the account with a verified email", () => {
    const found = account();
    expect(decide({ email: "A.Planner@NHS.net", email_verified: true }, { byEmail: found })).toEqual({ action: "link", account: found });
    // The provider vouches for its emails (OIDC_TRUST_EMAIL=on): no email_verified needed.
    expect(decide({ email: "a.planner@nhs.net" }, { byEmail: found }, { ...PLAIN, trustEmail: true, autoProvision: false })).toEqual({ action: "link", account: found });
  });

  it("refuses an email the provider has not verified, even when an account has it", () => {
    const found = account();
    for (const verified of [false, undefined, "true", 1]) {
      expect(decide({ email: "a.planner@nhs.net", email_verified: verified }, { byEmail: found }), String(verified)).toEqual({ action: "refuse", reason: "email not verified", account: null });
    }
  });

  it("never moves an account to a second identity, nor signs in a disabled one by email", () => {
    const taken = account({ oidcSubject: "subject-0" });
    expect(decide({ email: "a.planner@nhs.net", email_verified: true }, { byEmail: taken })).toEqual({ action: "refuse", reason: "account linked to another identity", account: taken });
    const disabled = account({ disabledAt: "2026-01-01T00:00:00Z" });
    expect(decide({ email: "a.planner@nhs.net", email_verified: true }, { byEmail: disabled })).toEqual({ action: "refuse", reason: "account disabled", account: disabled });
  });

  it("refuses anyone without an account when auto-provisioning is off, whatever their claims", () => {
    expect(decide({ email: "new@nhs.net", email_verified: true, nhsid_nrbac_roles: [{ org_code: "RWF" }] })).toEqual({ action: "refuse", reason: "no account", account: null });
  });

  it("provisions an organisation account only for exactly one trust in the reference data", () => {
    const person = { email: "New.Planner@nhs.net", email_verified: true };
    expect(decide({ ...person, nhsid_nrbac_roles: [{ org_code: "rwf", role_name: "Analyst" }, { org_code: "RWF" }] }, {}, PROVISIONING)).toEqual({
      action: "provision",
      email: "new.planner@nhs.net",
      organisation: "RWF",
    });
    const refused = (claims: Record<string, unknown>) => {
      const decision = decide({ ...person, ...claims }, {}, PROVISIONING);
      return decision.action === "refuse" ? decision.reason : decision.action;
    };
    expect(refused({ nhsid_nrbac_roles: [{ org_code: "RXX" }] })).toBe("organisation not a trust");
    // An ICB's or a region's code is not a trust: no wider Scope from a claim.
    expect(refused({ nhsid_nrbac_roles: [{ org_code: "QKK" }] })).toBe("organisation not a trust");
    expect(refused({ nhsid_nrbac_roles: "Y56" })).toBe("organisation not a trust");
    expect(refused({ nhsid_nrbac_roles: [{ org_code: "RWF" }, { org_code: "RJ1" }] })).toBe("several organisations in the claim");
    expect(refused({})).toBe("no organisation in the claim");
    expect(refused({ nhsid_nrbac_roles: [{ role_name: "Admin" }] })).toBe("no organisation in the claim");
    // Claims that look like administration or a wider role are not read at all.
    expect(refused({ roles: ["admin", "national"], admin: true, scope: "national", groups: ["Capgap Administrators"] })).toBe("no organisation in the claim");
    const withAdminClaims = decide({ ...person, nhsid_nrbac_roles: ["RWF"], roles: ["admin"], admin: true, role: "national" }, {}, PROVISIONING);
    expect(withAdminClaims).toEqual({ action: "provision", email: "new.planner@nhs.net", organisation: "RWF" });
    // The new account needs an email the provider vouches for.
    expect(decide({ email: "new@nhs.net", nhsid_nrbac_roles: ["RWF"] }, {}, PROVISIONING)).toMatchObject({ reason: "no verified email for a new account" });
    expect(decide({ nhsid_nrbac_roles: ["RWF"] }, {}, PROVISIONING)).toMatchObject({ reason: "no verified email for a new account" });
  });

  it("reads ODS codes from a string, strings, or objects with org_code, ignoring anything else", () => {
    expect(organisationCodes("rwf")).toEqual(["RWF"]);
    expect(organisationCodes(["RWF", " rj1 ", "RWF"])).toEqual(["RWF", "RJ1"]);
    expect(organisationCodes([{ org_code: "RWF", person_roleid: "5555" }, { org_name: "No code" }, null, 7])).toEqual(["RWF"]);
    expect(organisationCodes(["R W F", "RWF; drop table", ""])).toEqual([]);
    expect(organisationCodes(undefined)).toEqual([]);
    expect(organisationCodes({ org_code: "RWF" })).toEqual(["RWF"]);
  });
});
