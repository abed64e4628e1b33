// Starts the loading thread (ingest/load-worker.ts): worker threads do not inherit the TypeScript
// loader the main thread runs under, so the thread registers it before importing the module.
import { workerData } from "node:worker_threads";
import { register } from "tsx/esm/api";

register();
await import(workerData.entry);
