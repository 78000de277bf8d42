import { spawn } from "node:child_process";
import { compileCacheProblems, readCompileCacheLog } from "./compileCache";
import { startServer } from "./server";

/**
 * Run at image build time with NODE_COMPILE_CACHE set, as the task's user (Node keeps a cache folder per user id):
 * `node dist/warmup.js` starts the server on a loopback port without touching S3, loads the S3 client, closes,
 * so V8's compile cache holds every module the server loads. `node dist/warmup.js --check` then proves it: it
 * runs the same start again with Node's compile cache diagnostics and fails unless every module came from this
 * user's cache. The container then starts from cached code on its read-only filesystem.
 */
async function warmUp(): Promise<void> {
  const server = await startServer(
    { BUCKET_NAME: "warm-up", AWS_REGION: "us-east-1", HOST: "127.0.0.1", PORT: "0", LOG_LEVEL: "silent" },
    { handleSignals: false },
  );
  const health = await fetch(`${server.url}/healthz`);
  // The S3 client loads on first use (not at start): load it here too, without a request, so it is cached.
  server.loadS3Client();
  await server.close();
  if (health.status !== 200) throw new Error(`warm-up: /healthz answered ${health.status}`);
}

/** Runs the warm-up again in a child with the cache diagnostics on; throws unless it ran from cache alone. */
async function check(): Promise<void> {
  const child = spawn(process.execPath, [__filename], {
    env: { ...process.env, NODE_DEBUG_NATIVE: "COMPILE_CACHE" },
    stdio: ["ignore", "ignore", "pipe"],
  });
  let stderr = "";
  child.stderr.on("data", (chunk) => {
    stderr += chunk;
  });
  const code = await new Promise((resolve) => child.on("close", resolve));
  if (code !== 0) throw new Error(`warm-up check: the warm-up exited ${code}: ${stderr.slice(-2000)}`);
  const uid = process.getuid?.() ?? -1;
  const report = readCompileCacheLog(stderr);
  const problems = compileCacheProblems(report, uid);
  if (problems.length > 0) throw new Error(`warm-up check for uid ${uid}: ${problems.join("; ")}`);
  process.stdout.write(
    `compile cache: all ${report.accepted.length} modules came from ${report.directory} (uid ${uid})\n`,
  );
}

(process.argv.includes("--check") ? check() : warmUp()).catch((error: unknown) => {
  process.stderr.write(`${(error as Error).message ?? String(error)}\n`);
  process.exit(1);
});
