/**
 * Reads Node's compile cache diagnostics (`NODE_DEBUG_NATIVE=COMPILE_CACHE`, Node 22.1+), to prove that a process
 * started from cached code: the image's build checks that the task's user gets every module from the cache the
 * warm-up wrote. Node keeps one cache folder per user id (`<NODE_COMPILE_CACHE>/<version>-<arch>-<hash>-<uid>`),
 * and a process that cannot create its folder (a read-only filesystem) runs without a cache, silently.
 */

/** What one process's diagnostics say about its compile cache. */
export interface CompileCacheReport {
  /** The folder the process used (one per Node version, flags and user id), or undefined when it used none. */
  readonly directory: string | undefined;
  /** Modules whose compiled code came from the cache. */
  readonly accepted: readonly string[];
  /** Modules compiled from source: no entry for them, or an entry V8 rejected. */
  readonly missed: readonly string[];
  /** Why the cache was off, when Node says (e.g. "Cannot create cache directory: permission denied"). */
  readonly failure: string | undefined;
}

const RESOLVED = /^\[compile cache\] resolved path .* -> (.+)$/;
const MODULE =
  /^\[compile cache\] V8 code cache for (?:CommonJS|ESM) (.+) was (accepted|not initialized|rejected)\b/;
const FAILED = /^\[compile cache\] (Cannot .+)$/;

/** Parses the `[compile cache]` lines of a process's stderr; other lines are ignored. */
export function readCompileCacheLog(text: string): CompileCacheReport {
  let directory: string | undefined;
  let failure: string | undefined;
  const accepted: string[] = [];
  const missed: string[] = [];
  for (const line of text.split("\n")) {
    const resolved = RESOLVED.exec(line);
    if (resolved) directory = resolved[1];
    const module = MODULE.exec(line);
    if (module) (module[2] === "accepted" ? accepted : missed).push(module[1]);
    const failed = FAILED.exec(line);
    if (failed) failure ??= failed[1];
  }
  return { directory: failure ? undefined : directory, accepted, missed, failure };
}

/** The problems that keep `report` from proving a full cache for user `uid`; empty when it proves it. */
export function compileCacheProblems(report: CompileCacheReport, uid: number): string[] {
  if (report.failure) return [`the compile cache is off: ${report.failure}`];
  if (!report.directory) return ["the compile cache is off (is NODE_COMPILE_CACHE set?)"];
  const problems: string[] = [];
  if (!report.directory.endsWith(`-${uid}`))
    problems.push(`${report.directory} is not the folder of uid ${uid}`);
  if (report.accepted.length === 0) problems.push("no module came from the cache");
  if (report.missed.length > 0) {
    const shown = report.missed.slice(0, 3).join(", ");
    problems.push(
      `${report.missed.length} modules were compiled from source (${shown}${report.missed.length > 3 ? ", ..." : ""})`,
    );
  }
  return problems;
}
