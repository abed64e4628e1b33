// npm run user:add / user:list / user:remove as a user runs them, on a copy of the embedded fixture.
import { describe, expect, it } from "vitest";
import { openDatabase } from "../../db/client";
import { verifyPassword } from "../../db/access/passwords";
import { fixtureDataDir } from "../support/databases";
import { runScript } from "../support/processes";

describe("user commands", () => {
  it("add an account with a password shown once, list it, refuse bad input with the reason, and remove it", async () => {
    const dir = await fixtureDataDir();
    const env = { DATA_DIR: dir };
    const added = runScript("user", ["add", "--email", "Planner@Example.org", "--role", "organisation", "--scope", "ral"], env);
    expect(added.status, added.stderr).toBe(0);
    const password = /Password \(shown once\): (\S+)/.exec(added.stdout)?.[1];
    expect(password).toMatch(/^[A-Za-z0-9_-]{20}$/);
    expect(added.stdout).toContain("planner@example.org\torganisation\tRAL");

    const list = runScript("user", ["list"], env);
    expect(list.stdout).toContain("planner@example.org\torganisation\tRAL\t\tpassword");
    expect(list.stdout).not.toContain(password!);

    const sso = runScript("user", ["add", "--email", "lead@example.org", "--role", "national", "--admin", "--oidc-subject", "abc-123"], env);
    expect(sso.status, sso.stderr).toBe(0);
    expect(sso.stdout).not.toMatch(/Password/);

    for (const [args, message] of [
      [["add", "--email", "x@example.org", "--role", "region", "--scope", "Q99"], /no region with the code Q99/],
      [["add", "--email", "planner@example.org", "--role", "national"], /already an account/],
      [["add", "--email", "x@example.org", "--role", "trust"], /Role “trust” is not one of national, region, icb, organisation/],
    ] as [string[], RegExp][]) {
      const refused = runScript("user", args, env);
      expect(refused.status, args.join(" ")).toBe(1);
      expect(refused.stderr).toMatch(message);
    }
    expect(runScript("user", ["add", "--role", "national"], env).status).toBe(2);

    const db = await openDatabase({ dataDir: `${dir}/pglite` });
    const [row] = await db.query<{ password_hash: string }>("select password_hash from users where email = 'planner@example.org'");
    expect(await verifyPassword(password!, row.password_hash)).toBe(true);
    await db.close();

    expect(runScript("user", ["remove", "--email", "planner@example.org"], env).status).toBe(0);
    expect(runScript("user", ["list"], env).stdout).not.toContain("planner@example.org");
  });
});
