// npm test: unit and PGlite integration tests always; PostgreSQL when TEST_DATABASE_URL is set;
// browser tests when /usr/bin/chromium exists (after a production build). A part that cannot run
// prints SKIPPED — or fails the run when REQUIRE_PG=1 / REQUIRE_BROWSER=1 (CI).
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { CHROMIUM } from "../tests/support/browser-path";

const fail = (message: string) => {
  process.stderr.write(`FAILED: ${message}\n`);
  process.exit(1);
};
const skip = (message: string, required: boolean, requirement: string) =>
  required ? fail(`${message} but ${requirement} is set`) : process.stderr.write(`SKIPPED: ${message}\n`);

if (!process.env.TEST_DATABASE_URL) {
  skip("PostgreSQL integration tests (TEST_DATABASE_URL is not set)", process.env.REQUIRE_PG === "1", "REQUIRE_PG=1");
}
const browser = existsSync(CHROMIUM);
if (!browser) {
  skip(`browser tests (${CHROMIUM} not found; apt-get install -y chromium)`, process.env.REQUIRE_BROWSER === "1", "REQUIRE_BROWSER=1");
} else {
  const build = spawnSync(process.execPath, ["node_modules/@remix-run/dev/dist/cli.js", "vite:build"], { stdio: "inherit" });
  if (build.status !== 0) fail("the production build failed");
}
const report = path.join(mkdtempSync(path.join(os.tmpdir(), "capgap-vitest-")), "report.json");
const vitest = spawnSync(
  process.execPath,
  ["node_modules/vitest/vitest.mjs", "run", "--reporter=default", "--reporter=json", `--outputFile.json=${report}`, ...process.argv.slice(2)],
  { stdio: "inherit", env: { ...process.env, BROWSER_TESTS: browser ? "1" : "0" } },
);
if (existsSync(report)) {
  // One plain closing line that any CI can read.
  const r = JSON.parse(readFileSync(report, "utf8")) as { numPassedTests: number; numFailedTests: number; numPendingTests: number };
  console.log(`tests: ${r.numPassedTests} passed, ${r.numFailedTests} failed, ${r.numPendingTests} skipped`);
}
process.exit(vitest.status ?? 1);
