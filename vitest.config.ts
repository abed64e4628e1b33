import os from "node:os";
import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

// Separate from vite.config.ts so tests do not load the Remix plugin; the aliases are repeated.
export default defineConfig({
  resolve: {
    alias: {
      "~db": fileURLToPath(new URL("./db", import.meta.url)),
      "~ingest": fileURLToPath(new URL("./ingest", import.meta.url)),
      "~": fileURLToPath(new URL("./app", import.meta.url)),
    },
  },
  test: {
    include: ["tests/**/*.test.ts"],
    pool: "forks",
    // The tests mostly wait on databases, servers and the browser: two files at a time even on two
    // CPUs (the default would run one), which takes the suite from about 17 to about 11 minutes.
    maxWorkers: Math.max(2, os.availableParallelism() - 1),
    globalSetup: ["tests/support/global-setup.ts"],
    testTimeout: 60_000,
    hookTimeout: 180_000,
  },
});
