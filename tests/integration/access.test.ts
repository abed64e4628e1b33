// Accounts, sessions and the audit log on both databases: what an account may hold, how sessions
// end (idle, absolute, sign-out, account change, fixation), and that the audit log is append-only.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { recordEvent, searchEvents } from "../../db/access/audit";
import { endExpiredSessions, endSession, readSession, startSession } from "../../db/access/sessions";
import { linkSubject, PROVISIONER, provisionAccount, trustCodes } from "../../db/access/single-sign-on";
import { addUser, changeUser, findUser, removeUser, scopeOf } from "../../db/access/users";
import { InputError } from "../../db/problems";
import { openFixture, TARGETS, type TestDatabase } from "../support/databases";

const actor = { command: "test" };
const LIMITS = { idleMs: 30 * 60_000, absoluteMs: 12 * 3_600_000 };

describe.each(TARGETS)("accounts and sessions on %s", (target) => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await openFixture(target);
  });
  afterAll(() => t.close());

  it("hold a role with a scope in the reference data, and refuse anything else with the reason", async () => {
    const [{ code: region }] = await t.db.query<{ code: string }>("select code from regions order by code limit 1");
    const user = await addUser(t.db, { email: " Lead@Example.ORG ", role: "region", scope: region.toLowerCase(), password: "long enough password" }, actor);
    expect(user).toMatchObject({ email: "lead@example.org", role: "region", scopeCode: region, admin: false, hasPassword: true });
    expect(scopeOf(user)).toEqual({ kind: "region", code: region });
    const refused = async (input: Parameters<typeof addUser>[1]) => (await addUser(t.db, input, actor).then(() => null, (e: unknown) => e)) as Error;
    expect(await refused({ email: "lead@example.org", role: "national" })).toMatchObject({ message: expect.stringMatching(/already an account/) });
    expect(await refused({ email: "x@example.org", role: "region", scope: "ZZZ" })).toMatchObject({ message: expect.stringMatching(/no region with the code ZZZ/) });
    expect(await refused({ email: "x@example.org", role: "national", scope: region })).toMatchObject({ message: expect.stringMatching(/no scope code/) });
    expect(await refused({ email: "x@example.org", role: "icb" })).toMatchObject({ message: expect.stringMatching(/needs the icb's code/) });
    expect(await refused({ email: "x@example.org", role: "admin" })).toMatchObject({ message: expect.stringMatching(/not one of/) });
    expect(await refused({ email: "not an email", role: "national" })).toBeInstanceOf(InputError);
    expect(await refused({ email: "y@example.org", role: "national", password: "short" })).toMatchObject({ message: expect.stringMatching(/at least 12/) });
    // Only what access needs is stored.
    const [columns] = await t.db.query<{ names: string }>(
      "select string_agg(column_name, ',' order by column_name) as names from information_schema.columns where table_name = 'users'",
    );
    expect(columns.names).toBe("admin,created_at,disabled_at,email,id,oidc_subject,password_hash,role,scope_code");
  });

  it("end sessions when idle, when old, on sign-out, and when the account changes; a new sign-in ends the token presented", async () => {
    const user = await addUser(t.db, { email: "planner@example.org", role: "national", password: "long enough password" }, actor);
    const now = Date.now();
    const first = await startSession(t.db, user.id);
    expect((await readSession(t.db, first.token, LIMITS, now))?.user.email).toBe("planner@example.org");
    expect((await readSession(t.db, first.token, LIMITS, now))?.csrfToken).toBe(first.csrfToken);
    expect(await readSession(t.db, "not-a-token", LIMITS, now)).toBeNull();
    // Idle: nothing for longer than the idle limit.
    expect(await readSession(t.db, first.token, LIMITS, now + LIMITS.idleMs + 61_000)).toBeNull();
    expect(await readSession(t.db, first.token, LIMITS, now)).toBeNull(); // ended, not merely refused

    // Absolute: used every few minutes, still ended after the absolute limit.
    const busy = await startSession(t.db, user.id);
    let at = now;
    while (at < now + LIMITS.absoluteMs - 20 * 60_000) {
      at += 20 * 60_000;
      expect(await readSession(t.db, busy.token, LIMITS, at), `at +${(at - now) / 60_000} min`).not.toBeNull();
    }
    expect(await readSession(t.db, busy.token, LIMITS, now + LIMITS.absoluteMs + 60_000)).toBeNull();

    // Fixation: signing in with a token already in the cookie ends that token.
    const planted = await startSession(t.db, user.id);
    const fresh = await startSession(t.db, user.id, planted.token);
    expect(await readSession(t.db, planted.token, LIMITS, now)).toBeNull();
    expect(await readSession(t.db, fresh.token, LIMITS, now)).not.toBeNull();
    await endSession(t.db, fresh.token);
    expect(await readSession(t.db, fresh.token, LIMITS, now)).toBeNull();

    // A change to the account (here its role) ends its sessions; so does disabling or removing it.
    const live = await startSession(t.db, user.id);
    const [{ code: icb }] = await t.db.query<{ code: string }>("select code from icbs order by code limit 1");
    await changeUser(t.db, user.id, { email: user.email, role: "icb", scope: icb }, actor);
    expect(await readSession(t.db, live.token, LIMITS, now)).toBeNull();
    const again = await startSession(t.db, user.id);
    await changeUser(t.db, user.id, { email: user.email, role: "icb", scope: icb, disabled: true }, actor);
    expect(await readSession(t.db, again.token, LIMITS, now)).toBeNull();
    await removeUser(t.db, user.id, actor);
    expect(await findUser(t.db, { id: user.id })).toBeNull();

    // Only the token's hash is stored.
    const other = await addUser(t.db, { email: "other@example.org", role: "national" }, actor);
    const session = await startSession(t.db, other.id);
    const stored = await t.db.query<{ token_hash: string }>("select token_hash from sessions where user_id = $1", [other.id]);
    expect(stored).toHaveLength(1);
    expect(stored[0].token_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(stored[0].token_hash).not.toContain(session.token);
    expect(await endExpiredSessions(t.db, LIMITS, Date.now() + LIMITS.absoluteMs + 1)).toBeGreaterThanOrEqual(1);
  });

  it("take from single sign-on only a link to an account, or a new organisation account for an open trust", async () => {
    const [open, closing] = await t.db.query<{ code: string }>("select code from organisations where closed_on is null order by code limit 2");
    await t.db.query("update organisations set closed_on = current_date - 1 where code = $1", [closing.code]);
    const [{ code: icb }] = await t.db.query<{ code: string }>("select code from icbs order by code limit 1");
    const [{ code: region }] = await t.db.query<{ code: string }>("select code from regions order by code limit 1");
    expect([...(await trustCodes(t.db, [open.code, closing.code, icb, region, "ZZZ"]))]).toEqual([open.code]);
    expect((await trustCodes(t.db, [])).size).toBe(0);

    const planner = await addUser(t.db, { email: "sso.planner@example.org", role: "organisation", scope: open.code }, actor);
    await linkSubject(t.db, planner, "subject-7");
    expect(await findUser(t.db, { oidcSubject: "subject-7" })).toMatchObject({ email: "sso.planner@example.org", oidcSubject: "subject-7" });
    // Linked once: a second identity cannot take the account over.
    await expect(linkSubject(t.db, planner, "subject-8")).rejects.toThrow(/linked to another identity/);
    expect((await searchEvents(t.db, { action: "user_change", text: "subject-7" })).map((e) => e.detail)).toEqual([
      { user: "sso.planner@example.org", oidc_subject_linked: "subject-7", matched_by: "verified email" },
    ]);

    const made = await provisionAccount(t.db, "new.sso@example.org", open.code, "subject-9");
    expect(made).toMatchObject({ email: "new.sso@example.org", role: "organisation", scopeCode: open.code, admin: false, hasPassword: false, oidcSubject: "subject-9" });
    expect((await searchEvents(t.db, { action: "user_add", text: "new.sso@example.org" }))[0].detail).toMatchObject({ command: PROVISIONER.command, admin: false });
    // The reference data decide, as for any account: an ICB's code is no organisation.
    await expect(provisionAccount(t.db, "icb.sso@example.org", icb, "subject-10")).rejects.toThrow(/no organisation with the code/);
  });

  it("keep an append-only audit log of account changes, searchable", async () => {
    await recordEvent(t.db, { userId: 1, email: "someone@example.org" }, "export", { scope: "region:Y56", detail: { path: "/api/gaps" } });
    const changes = await searchEvents(t.db, { action: "user_add" });
    expect(changes.map((e) => e.detail.user)).toEqual(expect.arrayContaining(["lead@example.org", "planner@example.org", "other@example.org"]));
    expect((await searchEvents(t.db, { email: "SOMEONE@example.org", text: "api/gaps" })).map((e) => e.action)).toEqual(["export"]);
    expect(await searchEvents(t.db, { text: "100%_" })).toEqual([]);
    await expect(t.db.query("update audit_events set email = 'x'")).rejects.toThrow(/append-only/);
    await expect(t.db.query("delete from audit_events")).rejects.toThrow(/append-only/);
    expect((await searchEvents(t.db, {})).length).toBeGreaterThan(3);
  });
});
