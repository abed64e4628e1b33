// The load generator of `npm run bench:pages`, run as its own process so that it takes no CPU time
// from the server's event loop: autocannon against one URL for a fixed duration. Prints one JSON
// line: requests, errors, responses other than 200, and latency percentiles (ms) worked out from
// every response's time (autocannon's own summary has no p95).
// node --import tsx scripts/bench-load.ts <url> [--connections 16] [--duration 10] [--timeout 120] [--cookie "name=value"]
import { createRequire } from "node:module";
import { args, run } from "./cli";

// autocannon ships no types: only what is used here.
interface Instance extends PromiseLike<{ duration: number; errors: number; timeouts: number }> {
  on(event: "response", listener: (client: unknown, status: number, bytes: number, ms: number) => void): void;
}
const autocannon = createRequire(import.meta.url)("autocannon") as (options: {
  url: string;
  connections: number;
  duration: number;
  timeout: number;
  headers?: Record<string, string>;
}) => Instance;

await run(async () => {
  const { values, positionals } = args(
    { connections: { type: "string" }, duration: { type: "string" }, timeout: { type: "string" }, cookie: { type: "string" } },
    "Usage: node --import tsx scripts/bench-load.ts <url> [--connections 16] [--duration 10] [--timeout 120] [--cookie name=value]",
    true,
  );
  const url = positionals[0];
  if (!url) throw new Error("Give the URL to load.");
  const times: number[] = [];
  let other = 0;
  const instance = autocannon({
    url,
    connections: Number(values.connections ?? 16),
    duration: Number(values.duration ?? 10),
    timeout: Number(values.timeout ?? 120),
    // A signed-in session's cookie: pages need an account (docs/security.md).
    ...(values.cookie ? { headers: { Cookie: values.cookie } } : {}),
  });
  instance.on("response", (_client, status, _bytes, ms) => {
    times.push(ms);
    if (status !== 200) other++;
  });
  const result = await instance;
  times.sort((a, b) => a - b);
  const at = (q: number) => (times.length ? times[Math.min(times.length - 1, Math.ceil(q * times.length) - 1)] : null);
  console.log(
    JSON.stringify({
      url,
      requests: times.length,
      perSecond: times.length / result.duration,
      errors: result.errors,
      timeouts: result.timeouts,
      non200: other,
      p50: at(0.5),
      p95: at(0.95),
      p99: at(0.99),
      max: times.at(-1) ?? null,
    }),
  );
});
