import { defineConfig } from "drizzle-kit";

// Generating migrations needs no database. For `drizzle-kit migrate/studio`, DATABASE_URL picks
// PostgreSQL; otherwise the embedded PGlite folder (stop the app first: PGlite has one writer).
export default defineConfig({
  dialect: "postgresql",
  schema: "./db/schema.ts",
  out: "./db/migrations",
  ...(process.env.DATABASE_URL
    ? { dbCredentials: { url: process.env.DATABASE_URL } }
    : { driver: "pglite", dbCredentials: { url: "./data/pglite" } }),
});
