// Where a staged file is loaded. On the ingest's own connection (PGlite, whose database lives on
// this thread, or a run of one file), or on a worker thread with its own PostgreSQL connections, so
// that files load while the next is read: reading holds this thread's event loop for milliseconds
// at a time, and a COPY fed from the same thread would stall in those gaps (decisions 013, 015).
import { Worker } from "node:worker_threads";
import type { Session } from "../db/client";
import { InputError } from "../db/problems";
import { type LoadOutcome, type LoadRequest, loadStaged } from "./load";
import { organisationsOfFiles, type PrescanOptions } from "./prescan";
import { type StagedTransfer, transferStage } from "./stage";

export interface Loader {
  /** Loads one staged file in its own transaction; throws InputError when the file is refused. */
  load(request: LoadRequest): Promise<LoadOutcome>;
  /** How many loads may run at once. */
  lanes: number;
  /** The organisations of each file (ingest/prescan.ts), read where this loader works. */
  organisationsOf(files: string[], options: PrescanOptions): Promise<Map<string, Set<string>>>;
  close(): Promise<void>;
}

export function loaderOnSession(session: Session): Loader {
  return {
    load: (request) => session.transaction((tx) => loadStaged(tx, request)),
    lanes: 1,
    organisationsOf: organisationsOfFiles,
    close: async () => {},
  };
}

/**
 * Loads at once on the loading thread, each on its own connection: while one holds the wave's
 * lock (and waits for its commit to reach the disk), the other copies its ratings.
 */
export const WORKER_LANES = 2;

/** What the worker (ingest/load-worker.ts) is asked: load a file, or read files' organisations. */
export type LoaderTask =
  | { kind: "load"; request: Omit<LoadRequest, "staged"> & { staged: StagedTransfer } }
  | { kind: "organisations"; files: string[]; options: PrescanOptions };

/** What the worker answers. */
export type LoadReply =
  | { outcome: LoadOutcome }
  | { organisations: [string, string[]][] }
  | { refused: { message: string; problems: InputError["problems"] } }
  | { error: { message: string; stack?: string } };

export function loaderOnWorker(url: string): Loader {
  const worker = new Worker(new URL("./load-worker-boot.mjs", import.meta.url), {
    workerData: { entry: new URL("./load-worker.ts", import.meta.url).href, url },
    // The thread's live data are two files' respondent ids, a few COPY buffers and a piece of a file
    // read for its organisations: small heaps keep the process's peak memory flat (docs/benchmarks.md).
    resourceLimits: { maxOldGenerationSizeMb: 64, maxYoungGenerationSizeMb: 8 },
  });
  // Tasks by number, answered in any order: up to WORKER_LANES loads, and one reading of organisations.
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
  const ask = async (task: LoaderTask): Promise<LoadReply> => {
    const id = next++;
    const reply = await new Promise<LoadReply>((resolve, reject) => {
      pending.set(id, { resolve, reject });
      worker.postMessage({ id, task });
    });
    if ("refused" in reply) throw new InputError(reply.refused.message, reply.refused.problems);
    if ("error" in reply) {
      const error = new Error(reply.error.message);
      if (reply.error.stack) error.stack = reply.error.stack;
      throw error;
    }
    return reply;
  };
  return {
    lanes: WORKER_LANES,
    async load(request) {
      const reply = await ask({ kind: "load", request: { ...request, staged: transferStage(request.staged) } });
      return (reply as { outcome: LoadOutcome }).outcome;
    },
    async organisationsOf(files, options) {
      const reply = await ask({ kind: "organisations", files, options });
      return new Map((reply as { organisations: [string, string[]][] }).organisations.map(([file, codes]) => [file, new Set(codes)]));
    },
    async close() {
      worker.removeAllListeners("exit");
      await worker.terminate();
    },
  };
}
