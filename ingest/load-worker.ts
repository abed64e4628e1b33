// The loading thread (ingest/loader.ts): its own PostgreSQL connections, one per staged file
// being loaded (up to WORKER_LANES at once), each file in its own transaction; and, at the start
// of a run, the reading of every file's organisations while the run's thread checks and stages.
// A staged file's scratch files are read through the descriptors the reading thread opened; that
// thread closes them once the answer is back.
import { parentPort, workerData } from "node:worker_threads";
import { openDatabase } from "../db/client";
import { InputError } from "../db/problems";
import { type LoadRequest, loadStaged } from "./load";
import type { LoadReply, LoaderTask } from "./loader";
import { organisationsOfFiles } from "./prescan";
import { receiveStage } from "./stage";

const db = await openDatabase({ url: (workerData as { url: string }).url });

parentPort!.on("message", async ({ id, task }: { id: number; task: LoaderTask }) => {
  let reply: LoadReply;
  try {
    if (task.kind === "organisations") {
      const found = await organisationsOfFiles(task.files, task.options);
      reply = { organisations: [...found].map(([file, codes]) => [file, [...codes]]) };
    } else {
      const request: LoadRequest = { ...task.request, staged: receiveStage(task.request.staged) };
      const outcome = await db.session(async (session) => {
        // Memory for the SQL rollups of a file whose respondents' rows were not together.
        await session.exec("set work_mem = '64MB'");
        return session.transaction((tx) => loadStaged(tx, request));
      });
      reply = { outcome };
    }
  } catch (error) {
    reply =
      error instanceof InputError
        ? { refused: { message: error.problems.length ? error.message.split("\n")[0] : error.message, problems: error.problems } }
        : { error: { message: (error as Error).message, stack: (error as Error).stack } };
  }
  parentPort!.postMessage({ id, reply });
});
