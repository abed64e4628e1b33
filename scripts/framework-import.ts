// npm run framework:import -- --version <label> --nodes <nodes.csv> --capabilities <capabilities.csv>
import { importFramework, readFrameworkFiles } from "../db/framework";
import { args, run, UsageError, withDatabase } from "./cli";

const USAGE = `Usage: npm run framework:import -- --version <label> --nodes <nodes.csv> --capabilities <capabilities.csv>
       [--title <text>] [--met-threshold <rating>]

Imports a framework version from two CSV files (docs/formats.md). Everything is validated first; on any
problem nothing is imported. A version never changes once imported.`;

await run(async () => {
  const { values } = args(
    {
      version: { type: "string" },
      nodes: { type: "string" },
      capabilities: { type: "string" },
      title: { type: "string" },
      "met-threshold": { type: "string" },
      wait: { type: "string" },
    },
    USAGE,
  );
  if (values.help) return void console.log(USAGE);
  if (!values.version || !values.nodes || !values.capabilities) {
    throw new UsageError(`--version, --nodes and --capabilities are required.\n\n${USAGE}`);
  }
  const framework = readFrameworkFiles(values.nodes, values.capabilities);
  const metThreshold = values["met-threshold"] === undefined ? undefined : Number(values["met-threshold"]);
  const outcome = await withDatabase(values.wait, ({ db }) =>
    db.transaction((tx) =>
      importFramework(tx, { version: values.version!, title: values.title ?? values.version!, framework, metThreshold }),
    ),
  );
  process.stderr.write(
    outcome === "imported"
      ? `Imported framework ${values.version}: ${framework.nodes.length} nodes, ${framework.capabilities.length} capabilities.\n`
      : `Framework ${values.version} is already imported with this content; nothing changed.\n`,
  );
});
