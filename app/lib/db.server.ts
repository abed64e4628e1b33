// The app's database handle. server.ts opens and prepares the database once per process and
// registers it here (on globalThis, so Vite's dev reloads and the built bundle share one handle).
import type { Database } from "~db/client";

const KEY = Symbol.for("capability-gap-analytics.database");
type Holder = { [KEY]?: Database };

export function registerDatabase(db: Database): void {
  (globalThis as Holder)[KEY] = db;
}

export function getDatabase(): Database {
  const db = (globalThis as Holder)[KEY];
  if (!db) throw new Error("The database is not open: start the app with `npm start` (server.ts).");
  return db;
}
