// Where a staged file is loaded. On the ingest's own connection (PGlite, whose database lives on
// this thread, or a run of one file), or on a worker thread with its own PostgreSQL connection, so
// that one file loads while the next is read: reading holds this thread's event loop for tens of
// milliseconds at a time, and a COPY fed from the same thread would stall in those gaps
// (decision 013).
import { Worker } from "node:worker_threads";
import type { Session } from "../db/client";
import { InputError } from "../db/problems";
import { type LoadOutcome, type LoadRequest, loadStaged } from "./load";
import { transferStage } from "./stage";

export interface Loader {
  /** Loads one staged file in its own transaction; throws InputError when the file is refused. */
  load(request: LoadRequest): Promise<LoadOutcome>;
  /** How many loads may run at once. */
  lanes: number;
  close(): Promise<void>;
}

export function loaderOnSession(session: Session): Loader {
  return {
    load: (request) => session.transaction((tx) => loadStaged(tx, request)),
    lanes: 1,
    close: async () => {},
  };
}

/**
 * Loads at once on the loading thread, each on its own connection: while one holds the wave's
 * lock (and waits for its commit to reach the disk), the other copies its ratings.
 */
export const WORKER_LANES = 2;

/** What the worker (ingest/load-worker.ts) answers for one file. */
export type LoadReply =
  | { outcome: LoadOutcome }
  | { refused: { message: string; problems: InputError["problems"] } }
  | { error: { message: string; stack?: string } };

export function loaderOnWorker(url: string): Loader {
  const worker = new Worker(new URL("./load-worker-boot.mjs", import.meta.url), {
    workerData: { entry: new URL("./load-worker.ts", import.meta.url).href, url },
    // The thread's live data are a file's respondent ids and a few COPY buffers: a small heap keeps
    // the process's peak memory flat (docs/benchmarks.md).
    resourceLimits: { maxOldGenerationSizeMb: 64 },
  });
  // Requests by number: up to WORKER_LANES are answered in any order.
  const pending = new Map<number, { resolve: (r: LoadReply) => void; reject: (e: Error) => void }>();
  let next = 0;
  worker.on("message", ({ id, reply }: { id: number; reply: LoadReply }) => {
    const p = pending.get(id);
    pending.delete(id);
    p?.resolve(reply);
  });
  const fail = (error: Error) => {
    for (const p of pending.values()) p.reject(error);
    pending.clear();
  };
  worker.on("error", fail);
  worker.on("exit", (code) => fail(new Error(`the loading thread stopped (exit code ${code})`)));
  return {
    lanes: WORKER_LANES,
    async load(request) {
      const id = next++;
      const reply = await new Promise<LoadReply>((resolve, reject) => {
        pending.set(id, { resolve, reject });
        worker.postMessage({ id, request: { ...request, staged: transferStage(request.staged) } });
      });
      if ("outcome" in reply) return reply.outcome;
      if ("refused" in reply) throw new InputError(reply.refused.message, reply.refused.problems);
      const error = new Error(reply.error.message);
      if (reply.error.stack) error.stack = reply.error.stack;
      throw error;
    },
    async close() {
      worker.removeAllListeners("exit");
      await worker.terminate();
    },
  };
}
