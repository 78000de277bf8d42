/**
 * The benchmark's result file, `bench/results.json`: every figure of one `npm run bench` run, read by the
 * infrastructure's offline plan (cost per million requests). Fields may be added; none is ever renamed.
 */

/** Throughput and latency of one load run (autocannon, `connections` connections). */
export interface LoadFigures {
  readonly requestsPerSecond: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  /** Server CPU time (user + system) per request, in microseconds: the figure least moved by other load. */
  readonly cpuUsPerRequest: number;
  /** Answers other than 2xx, and connection errors: both must be 0 for the figures to mean anything. */
  readonly non2xx: number;
  readonly errors: number;
}

/** Spawn-to-answer times of one kind of cold start, in milliseconds. */
export interface StartFigures {
  readonly median: number;
  readonly min: number;
  readonly max: number;
  readonly runs: number;
}

/** The targets of the performance issue. */
export const TARGETS = { warmRatio: 0.9, warmP99Ms: 10, rssAfterWarmMb: 100, coldStartMs: 250 } as const;

export interface BenchResults {
  readonly schema: 1;
  readonly date: string;
  /** The servers' Node version (the production runtime). */
  readonly node: string;
  /** LOG_LEVEL of the measured service: "info" writes one line per request. */
  readonly logLevel: string;
  readonly cpus: number;
  readonly cpuModel: string;
  readonly connections: number;
  /** Seconds of each measured load run. */
  readonly durationSeconds: number;
  /** Interleaved rounds over bare, warm and the warm run without request log; medians are reported. */
  readonly rounds: number;
  /** A bare Fastify route with no logger and no plugins: the ceiling on this machine. */
  readonly bare: LoadFigures;
  /** GET /api/foo with a warm cache, request log on. */
  readonly warm: LoadFigures & { readonly ratioToBare: number };
  /** The same with LOG_LEVEL=warn (no request log line), to show what the line costs. */
  readonly warmWithoutRequestLog: LoadFigures & { readonly ratioToBare: number };
  /** GET /api/foo with the cache off: one S3 (emulator) read per request. */
  readonly cold: LoadFigures;
  /** Spawn to first 200 on /healthz, as the image runs: production dependencies only, compile cache filled by the
   * warm-up as the task's user and read-only, NODE_ENV=production. */
  readonly coldStartMs: StartFigures;
  /** CPU time (user + system, all threads) the process used until that first 200: what the start costs, however
   * long other work on the machine made it wait. */
  readonly coldStartCpuMs: StartFigures;
  /** The same without the compile cache. */
  readonly coldStartWithoutCompileCacheMs: StartFigures;
  /** Spawn to the first 200 on /api/foo (the S3 client's load and one S3 read included), with the cache. */
  readonly firstDocumentMs: StartFigures;
  /** Resident memory of the warm service: after start, and after its load runs. */
  readonly rssMb: { readonly start: number; readonly afterWarm: number };
  /** The machine's 1-minute load average at the start and the end of the run: other work on it skews every figure. */
  readonly loadAverage: { readonly start: number; readonly end: number };
  readonly targets: typeof TARGETS;
  /** Whether each target was met in this run. */
  readonly met: Readonly<Record<keyof typeof TARGETS, boolean>>;
}

/** Which targets these figures meet. */
export function targetsMet(results: Omit<BenchResults, "met">): BenchResults["met"] {
  return {
    warmRatio: results.warm.ratioToBare >= TARGETS.warmRatio,
    warmP99Ms: results.warm.p99Ms < TARGETS.warmP99Ms,
    rssAfterWarmMb: results.rssMb.afterWarm < TARGETS.rssAfterWarmMb,
    coldStartMs: results.coldStartMs.median < TARGETS.coldStartMs,
  };
}

/** Median, min, max of start times. */
export function startFigures(times: readonly number[]): StartFigures {
  const sorted = [...times].sort((a, b) => a - b);
  const round = (n: number) => Math.round(n);
  return {
    median: round(sorted[Math.floor(sorted.length / 2)]),
    min: round(sorted[0]),
    max: round(sorted[sorted.length - 1]),
    runs: sorted.length,
  };
}
