// The one place that chooses the database: DATABASE_URL → PostgreSQL through postgres.js,
// otherwise embedded PGlite persisted under data/. Both are wrapped in the same small
// interface so that every query, migration and load runs unchanged on either.
import { Writable } from "node:stream";
import { once } from "node:events";
import net from "node:net";
import path from "node:path";
import type { PgDatabase, PgQueryResultHKT } from "drizzle-orm/pg-core";
import * as schema from "./schema";

export type Driver = "pglite" | "postgres";
export type Orm = PgDatabase<PgQueryResultHKT, typeof schema>;
export type Row = Record<string, unknown>;

/** What every data-access function needs: parameterised SQL and CSV COPY into a table. */
export interface Sql {
  readonly driver: Driver;
  query<T = Row>(text: string, params?: unknown[]): Promise<T[]>;
  /** Several statements, no parameters (migrations, DDL). */
  exec(text: string): Promise<void>;
  /** COPY CSV text into `table(columns)`; chunks are joined by the driver as a stream. */
  copyCsv(table: string, columns: string[], chunks: AsyncIterable<string> | Iterable<string>): Promise<void>;
  /**
   * COPY in PostgreSQL's binary format: `chunks` hold whole tuples (the header and trailer are
   * added here). Integers are written with typed stores rather than built into text; the server's
   * cost is about that of CSV (1.11 s against 1.13 s for 1 M ratings, measured).
   */
  copyBinary(table: string, columns: string[], chunks: AsyncIterable<Uint8Array> | Iterable<Uint8Array>): Promise<void>;
}

/**
 * COPY data queued in this process before waiting for the socket to drain: more than the stream's
 * default, so the server always has the next rows at hand, and little enough to keep memory flat.
 */
const COPY_BUFFER_BYTES = 4 << 20;

/** The binary COPY header (signature, flags, header extension length) and trailer. */
const BINARY_COPY_HEADER = Buffer.concat([Buffer.from("PGCOPY\n\xff\r\n\0", "latin1"), Buffer.alloc(8)]);
const BINARY_COPY_TRAILER = Buffer.from([0xff, 0xff]);

/** One connection, kept for several steps (session temp tables live as long as it does). */
export interface Session extends Sql {
  transaction<T>(fn: (tx: Sql) => Promise<T>): Promise<T>;
}

export interface Database extends Session {
  readonly orm: Orm;
  /** Where the data live, for messages: a redacted URL or the PGlite folder. */
  readonly location: string;
  /** PostgreSQL only: the connection string, for another thread's own connection. Never log it. */
  readonly url?: string;
  session<T>(fn: (session: Session) => Promise<T>): Promise<T>;
  close(): Promise<void>;
  /** PGlite only: the whole data folder as a gzipped tarball (test fixtures, backups). */
  dumpDataDir?(): Promise<Blob>;
  /**
   * PGlite only: how many statements that may write have finished through this handle. The
   * process owns the folder (db/lock.ts), so while this stays the same the data have not changed.
   */
  changes?(): number;
}

export interface OpenOptions {
  /** PostgreSQL connection string; when absent, PGlite is used. */
  url?: string;
  /** PGlite data folder; absent with no url means in memory. */
  dataDir?: string;
  /** PGlite only: start from a dumped data folder (test fixtures). */
  loadDataDir?: Blob;
}

/** Where the embedded database and the generated pseudonym key live: DATA_DIR, default ./data. */
export function dataDir(env: Env = process.env): string {
  return path.resolve(env.DATA_DIR || "data");
}

/** The database this process should use, from the environment. */
export function databaseOptionsFromEnv(env: Env = process.env): OpenOptions {
  return env.DATABASE_URL ? { url: env.DATABASE_URL } : { dataDir: path.join(dataDir(env), "pglite") };
}

/**
 * The schema owner's connection, for migrations and for writing respondent-level rows (loads,
 * withdrawals, the purge): DATABASE_OWNER_URL when the app has a role of its own in DATABASE_URL
 * (row-level security, decision 026), else the same database as the app.
 */
export function ownerDatabaseOptionsFromEnv(env: Env = process.env): OpenOptions {
  return env.DATABASE_URL && env.DATABASE_OWNER_URL ? { url: env.DATABASE_OWNER_URL } : databaseOptionsFromEnv(env);
}

export async function openDatabase(options: OpenOptions): Promise<Database> {
  return options.url ? openPostgres(options.url) : openPGlite(options);
}

// Dates stay ISO strings, and int8/numeric become numbers, identically on both drivers.
const DATE_OID = 1082;
const INT8_OID = 20;
const NUMERIC_OID = 1700;

/**
 * postgres.js leaves Nagle's algorithm on, so the small CopyDone message that ends every COPY
 * waits for the server's delayed ACK of the last data (~40 ms a COPY: seconds over a run of
 * files). The connection is otherwise the one postgres.js would make (TLS is negotiated on it).
 */
function connectWithoutDelay(options: { host: string[]; port: number[]; path?: string | false }): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const socket = options.path ? net.connect(options.path) : net.connect(options.port[0], options.host[0]);
    socket.setNoDelay(true);
    socket.once("connect", () => resolve(socket)).once("error", reject);
  });
}

async function openPostgres(url: string): Promise<Database> {
  const { default: postgres } = await import("postgres");
  const { drizzle } = await import("drizzle-orm/postgres-js");
  const client = postgres(url, {
    max: 4,
    onnotice: () => {},
    // Supported by postgres.js, missing from its type definitions.
    ...({ socket: connectWithoutDelay } as object),
    types: {
      date: { to: DATE_OID, from: [DATE_OID], serialize: (x: string) => x, parse: (x: string) => x },
      int8: { to: INT8_OID, from: [INT8_OID], serialize: (x: number) => String(x), parse: Number },
      numeric: { to: NUMERIC_OID, from: [NUMERIC_OID], serialize: (x: number) => String(x), parse: Number },
    },
  });
  // A pool, a reserved connection or a transaction: all run unsafe() and COPY alike.
  type Client = Pick<typeof client, "unsafe">;
  const wrap = (c: Client): Sql => ({
    driver: "postgres",
    async query<T>(text: string, params: unknown[] = []) {
      return [...(await c.unsafe(text, params as never[]))] as T[];
    },
    async exec(text: string) {
      await c.unsafe(text);
    },
    async copyCsv(table, columns, chunks) {
      const writable: Writable = await c
        .unsafe(`copy ${table} (${columns.join(", ")}) from stdin with (format csv)`)
        .writable();
      for await (const chunk of chunks) {
        if (!writable.write(chunk) && writable.writableLength > COPY_BUFFER_BYTES) await once(writable, "drain");
      }
      writable.end();
      await once(writable, "finish");
    },
    async copyBinary(table, columns, chunks) {
      const writable: Writable = await c
        .unsafe(`copy ${table} (${columns.join(", ")}) from stdin with (format binary)`)
        .writable();
      writable.write(BINARY_COPY_HEADER);
      for await (const chunk of chunks) {
        if (!writable.write(chunk) && writable.writableLength > COPY_BUFFER_BYTES) await once(writable, "drain");
      }
      writable.end(BINARY_COPY_TRAILER);
      await once(writable, "finish");
    },
  });
  const base = wrap(client);
  return {
    ...base,
    orm: drizzle({ client, schema }) as unknown as Orm,
    location: redactUrl(url),
    url,
    async transaction(fn) {
      return (await client.begin((tx) => fn(wrap(tx)))) as never;
    },
    async session(fn) {
      const reserved = await client.reserve();
      const s = wrap(reserved);
      try {
        return await fn({
          ...s,
          async transaction(inner) {
            await reserved.unsafe("begin");
            try {
              const result = await inner(s);
              await reserved.unsafe("commit");
              return result;
            } catch (error) {
              await reserved.unsafe("rollback").catch(() => {});
              throw error;
            }
          },
        });
      } finally {
        reserved.release();
      }
    },
    async close() {
      await client.end({ timeout: 5 });
    },
  };
}

async function openPGlite(options: OpenOptions): Promise<Database> {
  const { PGlite, types } = await import("@electric-sql/pglite");
  const { drizzle } = await import("drizzle-orm/pglite");
  const pg = new PGlite({
    dataDir: options.dataDir,
    loadDataDir: options.loadDataDir,
    parsers: { [types.DATE]: (x: string) => x, [types.NUMERIC]: Number, [types.INT8]: Number },
  });
  await pg.waitReady;
  await dropOrphanedTempTables(pg);
  type Tx = Parameters<Parameters<typeof pg.transaction>[0]>[0];
  // Reads, and single statements on the access tables (the audit log, sessions), change no figure:
  // an audited export or a session's touch must not make every page read the data status again.
  const READS_OR_ACCESS_WRITES = /^\s*(select\b|(insert\s+into|update|delete\s+from)\s+(audit_events|sessions)\b)/i;
  // Counted after each statement that may write (anything but a plain select) has finished, and
  // after each transaction: a reader that saw the old count reads again.
  let changes = 0;
  const changed = <T>(result: T) => (changes++, result);
  const wrap = (c: typeof pg | Tx): Sql => ({
    driver: "pglite",
    async query<T>(text: string, params: unknown[] = []) {
      const { rows } = await c.query<T>(text, params);
      return READS_OR_ACCESS_WRITES.test(text) ? rows : changed(rows);
    },
    async exec(text: string) {
      changed(await c.exec(text));
    },
    async copyCsv(table, columns, chunks) {
      // PGlite has no COPY FROM STDIN; it reads a Blob mounted at /dev/blob instead. Blobs of
      // ~16 MB, cut at a line end, keep memory flat however large the source is.
      let parts: string[] = [];
      let size = 0;
      const send = async (text: string) => {
        if (text) {
          await c.query(`copy ${table} (${columns.join(", ")}) from '/dev/blob' with (format csv)`, [], {
            blob: new Blob([text]),
          });
        }
      };
      for await (const chunk of chunks) {
        parts.push(chunk);
        size += chunk.length;
        if (size >= 16_000_000) {
          const text = parts.join("");
          const cut = text.lastIndexOf("\n") + 1;
          await send(text.slice(0, cut));
          parts = [text.slice(cut)];
          size = parts[0].length;
        }
      }
      await send(parts.join(""));
      changes++;
    },
    async copyBinary(table, columns, chunks) {
      // As copyCsv: blobs of ~16 MB, each a whole binary COPY stream (chunks hold whole tuples).
      let parts: Uint8Array[] = [BINARY_COPY_HEADER];
      let size = 0;
      const send = async () => {
        if (size === 0) return;
        parts.push(BINARY_COPY_TRAILER);
        await c.query(`copy ${table} (${columns.join(", ")}) from '/dev/blob' with (format binary)`, [], {
          blob: new Blob(parts as BlobPart[]),
        });
        parts = [BINARY_COPY_HEADER];
        size = 0;
      };
      for await (const chunk of chunks) {
        parts.push(chunk);
        size += chunk.length;
        if (size >= 16_000_000) await send();
      }
      await send();
      changes++;
    },
  });
  const base = wrap(pg);
  return {
    ...base,
    orm: drizzle({ client: pg, schema }) as unknown as Orm,
    location: options.dataDir ?? "memory",
    async transaction(fn) {
      return pg.transaction((tx) => fn(wrap(tx))).finally(() => changes++);
    },
    // PGlite is a single connection: the database is the session.
    async session(fn) {
      return fn({ ...base, transaction: (inner) => pg.transaction((tx) => inner(wrap(tx))).finally(() => changes++) });
    },
    changes: () => changes,
    async close() {
      if (!pg.closed) await pg.close();
    },
    async dumpDataDir() {
      return pg.dumpDataDir("gzip");
    },
  };
}

/**
 * A process killed mid-ingest leaves its session temp tables (the staged rows of a file that never
 * loaded) in PGlite's catalog and on disk: PostgreSQL drops them when the backend exits, but PGlite
 * has no backend to exit. PGlite has a single connection, so any temp table there on opening is such
 * a leftover.
 */
async function dropOrphanedTempTables(pg: { query<T>(text: string): Promise<{ rows: T[] }>; exec(text: string): Promise<unknown> }) {
  const { rows } = await pg.query<{ name: string }>(
    `select format('%I.%I', n.nspname, c.relname) as name
     from pg_class c join pg_namespace n on n.oid = c.relnamespace
     where n.nspname ~ '^pg_temp_[0-9]+$' and c.relkind in ('r', 'p')`,
  );
  if (rows.length) await pg.exec(`drop table if exists ${rows.map((r) => r.name).join(", ")} cascade`);
}

function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = "***";
    return u.toString();
  } catch {
    return "DATABASE_URL";
  }
}

/** Environment variables, as passed to the functions that read configuration (tests pass their own). */
export type Env = Record<string, string | undefined>;
