// npm run user:add -- --email <email> --role national|region|icb|organisation [--scope <code>] [--admin] [--oidc-subject <sub>] [--password-stdin]
// npm run user:list
// npm run user:remove -- --email <email>
import { addUser, findUser, listUsers, removeUser, type User } from "../db/access/users";
import { randomPassword } from "../db/access/passwords";
import { InputError } from "../db/problems";
import { args, run, UsageError, withDatabase } from "./cli";

const USAGE = `Usage: npm run user:add -- --email <email> --role national|region|icb|organisation [--scope <code>] [--admin]
                        [--oidc-subject <subject>] [--password-stdin]
       npm run user:list
       npm run user:remove -- --email <email>

--scope is the region, ICB or organisation code the account sees (none for national); --admin adds
ingest and account management. Without --password-stdin or --oidc-subject a random password is
made and printed once; with --oidc-subject alone the account signs in only through single sign-on.`;

const line = (u: User) =>
  [u.email, u.role, u.scopeCode ?? "", u.admin ? "admin" : "", u.hasPassword ? "password" : "", u.oidcSubject ? "sso" : "", u.disabledAt ? "disabled" : ""].join("\t");

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8").replace(/\r?\n$/, "");
}

await run(async () => {
  const { values, positionals } = args(
    {
      email: { type: "string" },
      role: { type: "string" },
      scope: { type: "string" },
      admin: { type: "boolean" },
      "oidc-subject": { type: "string" },
      "password-stdin": { type: "boolean" },
      wait: { type: "string" },
    },
    USAGE,
    true,
  );
  const [command] = positionals;
  if (values.help || !command) return void console.log(USAGE);
  const actor = { command: `user:${command}` };
  if (command === "list") {
    const users = await withDatabase(values.wait, ({ db }) => listUsers(db));
    console.log(["email", "role", "scope", "admin", "password", "sso", "disabled"].join("\t"));
    for (const u of users) console.log(line(u));
    return;
  }
  if (!values.email) throw new UsageError(`--email is required.\n\n${USAGE}`);
  if (command === "remove") {
    await withDatabase(values.wait, async ({ db }) => {
      const user = await findUser(db, { email: values.email });
      if (!user) throw new InputError(`There is no account for ${values.email}.`);
      await removeUser(db, user.id, actor);
    });
    return void console.log(`Removed ${values.email}.`);
  }
  if (command !== "add") throw new UsageError(USAGE);
  if (!values.role) throw new UsageError(`--role is required.\n\n${USAGE}`);
  const password = values["password-stdin"] ? await readStdin() : values["oidc-subject"] ? null : randomPassword();
  const user = await withDatabase(values.wait, ({ db }) =>
    addUser(db, { email: values.email!, role: values.role!, scope: values.scope, admin: values.admin, password, oidcSubject: values["oidc-subject"] }, actor),
  );
  console.log(line(user));
  // Shown once, here only: it is stored as a hash.
  if (password && !values["password-stdin"]) console.log(`Password (shown once): ${password}`);
});
