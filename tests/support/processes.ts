// Running the project's own entry points as child processes, as a user would.
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { once } from "node:events";

export interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `scripts/<name>.ts` with tsx; `env` is added to a clean copy of this process's environment. */
export function runScript(name: string, args: string[], env: Record<string, string>): Run {
  const result = spawnSync(process.execPath, ["--import", "tsx", `scripts/${name}.ts`, ...args], {
    env: { ...withoutDatabase(process.env), ...env },
    encoding: "utf8",
    timeout: 120_000,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** As runScript, with stdout as bytes (Arrow output). */
export function runScriptBytes(name: string, args: string[], env: Record<string, string>): Buffer {
  return spawnSync(process.execPath, ["--import", "tsx", `scripts/${name}.ts`, ...args], {
    env: { ...withoutDatabase(process.env), ...env },
    timeout: 120_000,
  }).stdout;
}

/** The parent's environment without anything that picks a database or a mode. */
function withoutDatabase(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const { DATABASE_URL: _d, DATA_DIR: _a, NODE_ENV: _n, ...rest } = env;
  return rest as NodeJS.ProcessEnv;
}

export interface Server {
  url: string;
  process: ChildProcess;
  output(): string;
  stop(): Promise<number | null>;
}

/** Starts server.ts (production build) on a free port and waits until it says it is running. */
export async function startServer(env: Record<string, string>): Promise<Server> {
  const port = 3400 + Math.floor(Math.random() * 500);
  const child = spawn(process.execPath, ["--import", "tsx", "server.ts"], {
    env: { ...withoutDatabase(process.env), PORT: String(port), HOST: "127.0.0.1", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout!.on("data", (d) => (output += d));
  child.stderr!.on("data", (d) => (output += d));
  const started = Date.now();
  while (!output.includes("is running at")) {
    if (child.exitCode !== null) throw new Error(`server exited ${child.exitCode}:\n${output}`);
    if (Date.now() - started > 120_000) throw new Error(`server did not start:\n${output}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    url: `http://127.0.0.1:${port}`,
    process: child,
    output: () => output,
    async stop() {
      if (child.exitCode !== null) return child.exitCode;
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
      const [code] = await once(child, "exit");
      clearTimeout(timer);
      return code as number | null;
    },
  };
}
