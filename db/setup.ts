// Opens the configured database and makes it ready: migrated, reference data and the bundled
// framework loaded. Every entry point (server and CLIs) goes through here.
import { grantAppRole, roleOfUrl, rowSecurityActive } from "./access/row-security";
import { databaseOptionsFromEnv, type Database, type Env, openDatabase, type OpenOptions, ownerDatabaseOptionsFromEnv } from "./client";
import { BUNDLED_FRAMEWORK_VERSION, loadBundledFramework } from "./framework";
import { lockDataDir } from "./lock";
import { migrate, migrationStatus, newerDatabaseError, SETUP_LOCK_KEY, SetupError } from "./migrate";
import { loadReferenceData } from "./reference";

export interface PrepareOptions {
  /** `npm run db:migrate`: the only path that migrates when NODE_ENV=production. */
  migrateInProduction?: boolean;
  env?: Env;
  /** The app's own role (DATABASE_URL's user when DATABASE_OWNER_URL is set), granted its privileges after migrating. */
  appRole?: string;
}

export async function prepareDatabase(db: Database, options: PrepareOptions = {}): Promise<void> {
  const env = options.env ?? process.env;
  const checkOnly = env.NODE_ENV === "production" && !options.migrateInProduction;
  await db.transaction(async (tx) => {
    // One process at a time sets up a database; the others wait here and then find it ready.
    await tx.query("select pg_advisory_xact_lock($1)", [SETUP_LOCK_KEY]);
    if (!checkOnly) {
      await migrate(tx);
      await loadReferenceData(tx);
      await loadBundledFramework(tx);
      if (options.appRole) await grantAppRole(tx, options.appRole);
      return;
    }
    const status = await migrationStatus(tx);
    if (status.unknown > 0) throw newerDatabaseError(status.unknown);
    if (status.pending.length > 0) {
      throw new SetupError(
        `The database needs ${status.pending.length} migration(s). With NODE_ENV=production only ` +
          "`npm run db:migrate` changes the schema: run it, then start again.",
      );
    }
    const [{ n }] = await tx.query<{ n: number }>(
      "select count(*)::int as n from frameworks where version = $1",
      [BUNDLED_FRAMEWORK_VERSION],
    );
    if (n === 0) {
      throw new SetupError("The reference data and bundled framework are not loaded: run `npm run db:migrate`.");
    }
  });
}

export interface OpenedDatabase {
  db: Database;
  close(): Promise<void>;
}

/**
 * Opens the database from the environment (or `options`) for one process: takes the PGlite
 * folder's lock (waiting up to `waitSeconds`), then prepares it. The server opens it `as: "app"`
 * (DATABASE_URL); commands that load, withdraw or purge respondent-level rows, and migrations,
 * `as: "owner"` (DATABASE_OWNER_URL when set). With the two apart, migrations always run as the
 * owner, and the app's role must be one that row-level security applies to (decision 026).
 */
export async function openPreparedDatabase(
  settings: { open?: OpenOptions; waitSeconds?: number; as?: "app" | "owner" } & PrepareOptions = {},
): Promise<OpenedDatabase> {
  const env = settings.env ?? process.env;
  const app = settings.open ?? databaseOptionsFromEnv(env);
  const owner = settings.open ?? ownerDatabaseOptionsFromEnv(env);
  const apart = app.url !== undefined && owner.url !== undefined && app.url !== owner.url;
  const open = settings.as === "owner" ? owner : app;
  const prepare = { ...settings, appRole: apart ? roleOfUrl(app.url!) : undefined };
  const lock = !open.url && open.dataDir ? await lockDataDir(open.dataDir, settings.waitSeconds) : null;
  let db: Database | undefined;
  try {
    db = await openDatabase(open);
    // The owner is checked before it migrates; the app once the owner has made the tables.
    if (open.url && settings.as === "owner") await checkRowSecurity(db, "owner", apart);
    if (apart && open === app) await withOwner(owner, (ownerDb) => prepareDatabase(ownerDb, prepare));
    else await prepareDatabase(db, prepare);
    if (apart && open === app) await checkRowSecurity(db, "app", apart);
  } catch (error) {
    await db?.close();
    lock?.release();
    throw error;
  }
  const opened = db;
  return {
    db: opened,
    async close() {
      await opened.close();
      lock?.release();
    },
  };
}

async function withOwner(options: OpenOptions, fn: (db: Database) => Promise<void>): Promise<void> {
  const db = await openDatabase(options);
  try {
    await fn(db);
  } finally {
    await db.close();
  }
}

/**
 * The app's connection, when it has a role of its own, must be under the policies; the owner's
 * must not be (COPY into respondents or ratings fails under them, and loads would see no rows).
 */
async function checkRowSecurity(db: Database, as: "app" | "owner", apart: boolean): Promise<void> {
  const { active, role } = await rowSecurityActive(db);
  if (as === "app" && apart && !active) {
    throw new SetupError(
      `DATABASE_URL connects as “${role}”, which row-level security does not apply to (it owns the tables, is a superuser ` +
        "or has BYPASSRLS). With DATABASE_OWNER_URL set, connect the app as a role of its own (docs/security.md, “Database roles”).",
    );
  }
  if (as === "owner" && active) {
    throw new SetupError(
      apart
        ? `DATABASE_OWNER_URL connects as “${role}”, which does not own the tables: give the connection string of the role that owns them (docs/security.md, “Database roles”).`
        : `DATABASE_URL connects as “${role}”, the app's own role, which may not write respondent-level rows. ` +
            "Commands run as the owner of the tables: set DATABASE_OWNER_URL to its connection string (docs/security.md, “Database roles”).",
    );
  }
}

export { SetupError };
