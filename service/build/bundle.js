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
 *
 * Two checks and a file besides: any import left outside the bundle other than Node's built-ins (and the warm-up's
 * `./server`) fails the build, since the image has nothing else to load it from (esbuild leaves a `require` inside
 * try/catch outside the bundle without a word). Beside the code, what the image holds, since neither scanners nor
 * readers can find it in node_modules any more: `THIRD_PARTY_LICENSES.txt`, the licence of every package inside,
 * as their licences ask of a copy, and `sbom.cdx.json`, a CycloneDX SBOM of exactly those packages and versions
 * (`npm sbom --omit dev` leaves out production packages that dev tools share, lru-cache among them: measured).
 */
const { build } = require("esbuild-wasm");
const { readdir, readFile, mkdir, writeFile } = require("node:fs/promises");
const { isBuiltin } = require("node:module");
const { join } = require("node:path");

/** The entry points the image runs (Dockerfile CMD, the task's health check command, the warm-up). */
const ENTRY_POINTS = ["server", "warmup", "healthcheck"];

/** The Node the image runs: the bundle keeps the syntax it supports. */
const TARGET = "node24";

/**
 * Bundles the service into `outDir`: the entry points of `srcDir` (the service's src/ unless given).
 * @param {string} outDir
 * @param {{ srcDir?: string, entryPoints?: readonly string[] }} [options]
 * @returns {Promise<string[]>} the files written
 */
async function bundle(outDir, options = {}) {
  const srcDir = options.srcDir ?? join(__dirname, "..", "src");
  // esbuild names inputs relative to this folder (the service's, whatever the caller's working folder).
  const root = join(srcDir, "..");
  const entryPoints = options.entryPoints ?? ENTRY_POINTS;
  await mkdir(outDir, { recursive: true });
  /** @type {string[]} */
  const written = [];
  /** @type {Set<string>} */
  const inputs = new Set();
  for (const name of entryPoints) {
    const outfile = join(outDir, `${name}.js`);
    // The warm-up loads the server bundle beside it, not a second copy of the server.
    const external = name === "warmup" ? ["./server"] : [];
    const result = await build({
      entryPoints: [join(srcDir, `${name}.ts`)],
      outfile,
      bundle: true,
      platform: "node",
      target: TARGET,
      format: "cjs",
      minifySyntax: true,
      legalComments: "eof",
      external,
      logLevel: "silent",
      metafile: true,
      absWorkingDir: root,
    });
    // A warning is code esbuild doubts; an import it left outside is one the task could not load.
    const problems = result.warnings.map(
      (w) => `${w.location?.file ?? "?"}:${w.location?.line ?? "?"}: ${w.text}`,
    );
    for (const output of Object.values(result.metafile.outputs)) {
      for (const { path, kind, external: left } of output.imports) {
        if (left && !isBuiltin(path) && !external.includes(path)) {
          problems.push(`${path} (${kind}) is left outside the bundle, and the image has no node_modules`);
        }
      }
    }
    if (problems.length > 0) throw new Error(`bundling ${name}: ${problems.join("; ")}`);
    for (const input of Object.keys(result.metafile.inputs)) inputs.add(input);
    written.push(outfile);
  }
  const manifest = join(outDir, "package.json");
  await writeFile(manifest, `${JSON.stringify({ private: true, type: "commonjs" })}\n`);
  written.push(manifest);
  const packages = await readPackages(packageRoots(inputs, root));
  const licenses = join(outDir, "THIRD_PARTY_LICENSES.txt");
  await writeFile(licenses, licenseText(packages));
  const sbom = join(outDir, "sbom.cdx.json");
  await writeFile(sbom, `${JSON.stringify(cycloneDx(packages), null, 2)}\n`);
  written.push(licenses, sbom);
  return written;
}

/**
 * The package folders the bundle's inputs come from (`node_modules/fastify`, `node_modules/@aws-sdk/client-s3`,
 * nested ones too), sorted, as absolute paths.
 * @param {Iterable<string>} inputs esbuild's input paths, relative to the working folder
 * @param {string} root the folder they are relative to
 */
function packageRoots(inputs, root) {
  /** @type {Set<string>} */
  const roots = new Set();
  for (const input of inputs) {
    const match = /^(.*node_modules\/(?:@[^/]+\/)?[^/]+)\//.exec(input.replaceAll("\\", "/"));
    if (match) roots.add(match[1]);
  }
  return [...roots].sort().map((relative) => join(root, relative));
}

/** @typedef {{ name: string, version: string, license: string | undefined, text: string | undefined }} BundledPackage */

/**
 * Each package's name, version, licence and licence text (its LICENSE, LICENCE or COPYING file). A package with
 * neither a licence file nor a package.json `license` fails the build.
 * @param {string[]} roots
 * @returns {Promise<BundledPackage[]>}
 */
async function readPackages(roots) {
  /** @type {BundledPackage[]} */
  const packages = [];
  for (const root of roots) {
    const pkg = JSON.parse(await readFile(join(root, "package.json"), "utf8"));
    const file = (await readdir(root)).find((entry) => /^(licen[cs]e|copying)(\.|$)/i.test(entry));
    const text = file ? (await readFile(join(root, file), "utf8")).trim() : undefined;
    packages.push({ name: pkg.name, version: pkg.version, license: pkg.license, text });
  }
  const unlicensed = packages.filter((p) => !p.text && !p.license).map((p) => `${p.name}@${p.version}`);
  if (unlicensed.length > 0) throw new Error(`no licence found for ${unlicensed.join(", ")}`);
  return packages;
}

/** @param {BundledPackage[]} packages */
function licenseText(packages) {
  const sections = packages.map(
    (p) => `${p.name}@${p.version} (${p.license ?? "see below"})\n\n${p.text ?? `License: ${p.license}`}\n`,
  );
  const rule = `\n${"-".repeat(78)}\n\n`;
  return `Third-party software in this image's dist/*.js, ${packages.length} packages:\n\n${sections.join(rule)}`;
}

/**
 * A CycloneDX 1.5 SBOM of the bundled packages: one `library` component each, with its package URL
 * (`pkg:npm/%40scope/name@version`) and licence. No timestamp or serial number: the same bundle, the same file.
 * @param {BundledPackage[]} packages
 */
function cycloneDx(packages) {
  return {
    bomFormat: "CycloneDX",
    specVersion: "1.5",
    version: 1,
    metadata: { component: { type: "application", name: "ecs-json-api-service", "bom-ref": "service" } },
    components: packages.map((p) => {
      const [group, name] = p.name.startsWith("@") ? p.name.split("/") : [undefined, p.name];
      const purl = `pkg:npm/${group ? `${encodeURIComponent(group)}/` : ""}${name}@${p.version}`;
      return {
        type: "library",
        "bom-ref": purl,
        ...(group ? { group } : {}),
        name,
        version: p.version,
        purl,
        ...(p.license
          ? {
              licenses: /^[A-Za-z0-9.+-]+$/.test(p.license)
                ? [{ license: { id: p.license } }]
                : [{ expression: p.license }],
            }
          : {}),
      };
    }),
  };
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
