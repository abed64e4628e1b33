import { vitePlugin as remix } from "@remix-run/dev";
import { NodePackageImporter } from "sass";
import { defineConfig } from "vite";
import { fileURLToPath } from "node:url";

declare module "@remix-run/node" {
  interface Future {
    v3_singleFetch: true;
  }
}

export default defineConfig({
  // tsconfig `paths` do not apply inside Vite; vitest.config.ts repeats these.
  resolve: {
    alias: {
      "~db": fileURLToPath(new URL("./db", import.meta.url)),
      "~ingest": fileURLToPath(new URL("./ingest", import.meta.url)),
      "~": fileURLToPath(new URL("./app", import.meta.url)),
    },
  },
  css: { preprocessorOptions: { scss: { importers: [new NodePackageImporter()] } } },
  plugins: [
    remix({
      future: {
        v3_fetcherPersist: true,
        v3_relativeSplatPath: true,
        v3_throwAbortReason: true,
        v3_singleFetch: true,
        v3_lazyRouteDiscovery: true,
      },
    }),
  ],
});
