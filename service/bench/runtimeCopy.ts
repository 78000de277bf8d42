import { execFile, spawn } from "node:child_process";
import { chmod, mkdir, mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";

/**
 * A copy of the image's runtime stage on this machine, for servers that run the way production runs: the bundle
 * the Dockerfile builds (`build/bundle.js`) in `dist/` and nothing else (no node_modules), NODE_ENV=production, and
 * V8's compile cache filled by `dist/warmup.js` as the task's user (uid 1000 when we are root, as in the image),
 * checked by `warmup.js --check`, then made read-only, as the task's read-only root filesystem makes it.
 */

const run = promisify(execFile);

/**
 * The runtime stage's ENV (NODE_ENV, NODE_OPTIONS, MALLOC_ARENA_MAX, ...), read from the Dockerfile so that every
 * service the benchmark starts runs as the image runs it. NODE_COMPILE_CACHE is left out: the copy has its own.
 */
export function runtimeEnvironment(dockerfile: string): Record<string, string> {
  const runtime = dockerfile.slice(dockerfile.search(/^FROM .* AS runtime$/m));
  const env: Record<string, string> = {};
  for (const [, args] of runtime.matchAll(/^ENV (.+)$/gm)) {
    for (const [, name, value] of args.matchAll(/([A-Z_][A-Z0-9_]*)=("[^"]*"|\S+)/g)) {
      if (name !== "NODE_COMPILE_CACHE") env[name] = value.replace(/^"(.*)"$/, "$1");
    }
  }
  return env;
}

/** A runtime copy: where it is, the user it runs as, and its environment. */
export interface RuntimeCopy {
  readonly dir: string;
  readonly cacheDir: string;
  /** The uid and gid the service runs as (1000 when the bench runs as root, else our own). */
  readonly user: { uid: number; gid: number } | undefined;
  remove(): Promise<void>;
}

/** Builds the copy from `serviceDir` (its src/, bundled), running Node `node` as the task's user. */
export async function createRuntimeCopy(
  serviceDir: string,
  node: string,
  environment: Record<string, string>,
): Promise<RuntimeCopy> {
  const dir = await mkdtemp(join(tmpdir(), "runtime-copy-"));
  // mkdtemp makes 0700 folders: the task's user must read the copy.
  await chmod(dir, 0o755);
  await run(node, [join(serviceDir, "build", "bundle.js"), join(dir, "dist")]);
  const cacheDir = join(dir, ".node-compile-cache");
  await mkdir(cacheDir);
  const user = process.getuid?.() === 0 ? { uid: 1000, gid: 1000 } : undefined;
  if (user) await run("chown", [`${user.uid}:${user.gid}`, cacheDir]);
  const warmEnv = { PATH: process.env.PATH, ...environment, NODE_COMPILE_CACHE: cacheDir };
  await runAs(node, ["dist/warmup.js"], dir, warmEnv, user);
  const check = await runAs(node, ["dist/warmup.js", "--check"], dir, warmEnv, user);
  process.stdout.write(`runtime copy: ${check.trim()}\n`);
  // Read-only from here on, as the task's root filesystem: the owner keeps read and search rights only.
  for (const entry of await readdir(cacheDir)) await chmod(join(cacheDir, entry), 0o555);
  await chmod(cacheDir, 0o555);
  return {
    dir,
    cacheDir,
    user,
    remove: async () => {
      await chmod(cacheDir, 0o755);
      for (const entry of await readdir(cacheDir)) await chmod(join(cacheDir, entry), 0o755);
      await rm(dir, { recursive: true, force: true });
    },
  };
}

function runAs(
  node: string,
  args: string[],
  cwd: string,
  env: NodeJS.ProcessEnv,
  user: RuntimeCopy["user"],
): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(node, args, { cwd, env, stdio: ["ignore", "pipe", "pipe"], ...(user ?? {}) });
    let out = "";
    child.stdout.on("data", (chunk) => {
      out += chunk;
    });
    child.stderr.on("data", (chunk) => {
      out += chunk;
    });
    child.on("exit", (code) =>
      code === 0 ? resolve(out) : reject(new Error(`${args.join(" ")} exited ${code}: ${out}`)),
    );
  });
}
