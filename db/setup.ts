// Opens the configured database and makes it ready: migrated, reference data and the bundled
// framework loaded. Every entry point (server and CLIs) goes through here.
import { databaseOptionsFromEnv, type Database, type Env, openDatabase, type OpenOptions } from "./client";
import { BUNDLED_FRAMEWORK_VERSION, loadBundledFramework } from "./framework";
import { lockDataDir } from "./lock";
import { migrate, migrationStatus, newerDatabaseError, SETUP_LOCK_KEY, SetupError } from "./migrate";
import { loadReferenceData } from "./reference";

export interface PrepareOptions {
  /** `npm run db:migrate`: the only path that migrates when NODE_ENV=production. */
  migrateInProduction?: boolean;
  env?: Env;
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
 * folder's lock (waiting up to `waitSeconds`), then prepares it.
 */
export async function openPreparedDatabase(
  settings: { open?: OpenOptions; waitSeconds?: number } & PrepareOptions = {},
): Promise<OpenedDatabase> {
  const open = settings.open ?? databaseOptionsFromEnv(settings.env);
  const lock = !open.url && open.dataDir ? await lockDataDir(open.dataDir, settings.waitSeconds) : null;
  let db: Database | undefined;
  try {
    db = await openDatabase(open);
    await prepareDatabase(db, settings);
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

export { SetupError };
