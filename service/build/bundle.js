// @ts-check
"use strict";
/**
 * The image's code: `node build/bundle.js <outDir>` writes `server.js`, `warmup.js` and `healthcheck.js` to
 * `<outDir>`, each one file with every dependency inside, so the runtime stage needs no node_modules at all, and a
 * `package.json` that says they are CommonJS (without one, Node would look for it up to the root folder).
 *
 * Why (measured with `npm run bench`, service/README.md): a start from node_modules reads, resolves and compiles
 * 338 files, and Node's module loader was a third of a cold start's CPU; one file starts about 90 ms sooner and
 * holds about 8 MB less. Only syntax is minified: names and line breaks stay, so a stack trace names our functions
 * and Fastify's at a line a reader can open (whitespace minification put the whole bundle on a few lines of
 * hundreds of kB, which Node prints whole under a fatal error, for 10 to 15 ms of start-up: within the noise).
 *
 * `warmup.js` requires `./server` (the bundle beside it) rather than a copy of it: the warm-up must load the very
 * file the task runs, or the compile cache it fills would be for another file. Runs on the build stage's Node with
 * esbuild's WebAssembly build: no native binary, which `npm ci --omit=optional` would leave out.
 */
const { build } = require("esbuild-wasm");
const { mkdir, writeFile } = require("node:fs/promises");
const { join } = require("node:path");

/** The entry points the image runs (Dockerfile CMD, the task's health check command, the warm-up). */
const ENTRY_POINTS = ["server", "warmup", "healthcheck"];

/** The Node the image runs: the bundle keeps the syntax it supports. */
const TARGET = "node24";

/**
 * Bundles the service from `src/` (beside this folder) into `outDir`.
 * @param {string} outDir
 * @returns {Promise<string[]>} the files written
 */
async function bundle(outDir) {
  const srcDir = join(__dirname, "..", "src");
  await mkdir(outDir, { recursive: true });
  /** @type {string[]} */
  const written = [];
  for (const name of ENTRY_POINTS) {
    const outfile = join(outDir, `${name}.js`);
    const result = await build({
      entryPoints: [join(srcDir, `${name}.ts`)],
      outfile,
      bundle: true,
      platform: "node",
      target: TARGET,
      format: "cjs",
      minifySyntax: true,
      legalComments: "eof",
      // The warm-up loads the server bundle beside it, not a second copy of the server.
      external: name === "warmup" ? ["./server"] : [],
      logLevel: "silent",
    });
    // A warning is a require esbuild could not follow (it would fail in the task, not here) or code it doubts.
    if (result.warnings.length > 0) {
      const shown = result.warnings.map(
        (w) => `${w.location?.file ?? "?"}:${w.location?.line ?? "?"}: ${w.text}`,
      );
      throw new Error(`bundling ${name}: ${shown.join("; ")}`);
    }
    written.push(outfile);
  }
  const manifest = join(outDir, "package.json");
  await writeFile(manifest, `${JSON.stringify({ private: true, type: "commonjs" })}\n`);
  written.push(manifest);
  return written;
}

module.exports = { bundle, ENTRY_POINTS };

if (require.main === module) {
  const outDir = process.argv[2];
  if (!outDir) {
    process.stderr.write("usage: node build/bundle.js <outDir>\n");
    process.exit(2);
  }
  bundle(outDir).then(
    (files) => process.stdout.write(`bundled: ${files.join(", ")}\n`),
    (error) => {
      process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
      process.exit(1);
    },
  );
}
