// Pages computed when the data change, not on their first view. After a commit, the first viewer
// of the England page or a region page would wait for every figure on it (seconds at national
// scale, docs/benchmarks.md). The server watches the data version and, when it moves (a load,
// withdrawal or import committed, here or by another process), renders those pages in the
// background, one at a time, through the same request handler a browser reaches: the page cache
// then holds their results, their documents and the shared national figures behind the pages
// below them (comparators, the priority basis).
import type { Sql } from "~db/client";
import { dataStatus, regionsReporting } from "~db/analytics/status";
import { listWaves } from "~db/waves";

/** The pages kept warm: England, the Data page and every region with data in the latest wave, as their links are written. */
export async function warmPaths(db: Sql): Promise<string[]> {
  const latest = (await listWaves(db)).at(-1);
  if (!latest) return [];
  return ["/", ...(await regionsReporting(db, latest.id)).map((code) => `/regions/${code}`), "/data"];
}

export interface Warmer {
  /** Resolves when the pages of the current data version have been rendered (tests, benchmarks). */
  settled(): Promise<void>;
  stop(): void;
}

export interface WarmOptions {
  /** Renders one page (a GET of `path`) and returns its HTTP status. */
  render: (path: string) => Promise<number>;
  /** How often the data version is read, in milliseconds. */
  every?: number;
  log?: (line: string) => void;
}

/** PAGE_WARM=off: pages are computed on their first view only. */
export function warmingEnabled(env: Record<string, string | undefined> = process.env): boolean {
  return env.PAGE_WARM !== "off" && env.PAGE_CACHE !== "off";
}

/** Watches the data version of `db` and renders warmPaths whenever it moves (and once at start). */
export function warmPages(db: Sql, { render, every = 5_000, log = () => {} }: WarmOptions): Warmer {
  let warmed: string | null = null;
  let running: Promise<void> | null = null;
  let stopped = false;

  const warm = async () => {
    const { version } = await dataStatus(db);
    if (version === warmed) return;
    const started = performance.now();
    const paths = await warmPaths(db);
    for (const path of paths) {
      if (stopped) return;
      // A newer commit makes these pages stale: start again with the new version on the next round.
      if ((await dataStatus(db)).version !== version) return;
      const status = await render(path);
      if (status !== 200) log(`Warming ${path}: HTTP ${status}.`);
    }
    warmed = version;
    if (paths.length) log(`Pages warmed for the current data: ${paths.length} in ${((performance.now() - started) / 1000).toFixed(1)} s.`);
  };
  const round = (): Promise<void> => {
    running ??= warm()
      .catch((error: unknown) => log(`Warming pages failed: ${(error as Error).message}`))
      .finally(() => (running = null));
    return running;
  };
  const timer = setInterval(round, every);
  timer.unref();
  void round();

  return {
    async settled() {
      // A round may end early (a newer commit, a failure): a few more, then give up waiting.
      for (let attempt = 0; attempt < 5 && !stopped; attempt++) {
        await (running ?? round());
        if (warmed === (await dataStatus(db)).version) return;
      }
    },
    stop() {
      stopped = true;
      clearInterval(timer);
    },
  };
}
