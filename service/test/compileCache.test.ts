import assert from "node:assert/strict";
import { compileCacheProblems, readCompileCacheLog } from "../src/compileCache";

/** Node 24's diagnostics (NODE_DEBUG_NATIVE=COMPILE_CACHE) for a start as uid 1000, abridged. */
const DIR = "/app/.node-compile-cache/v24.21.0-x64-964aae3f-1000";
const hit = (file: string) =>
  `[compile cache] reading cache from ${DIR}/8d4f1b98 for CommonJS ${file} [1 2 3 4]... success, size=4232\n` +
  `[compile cache] V8 code cache for CommonJS ${file} was accepted, keeping the in-memory entry\n` +
  `[compile cache] skip persisting CommonJS ${file} because cache was the same\n`;
const resolved = `[compile cache] resolved path /app/.node-compile-cache + v24.21.0-x64-964aae3f-1000 -> ${DIR}\n`;

describe("readCompileCacheLog and compileCacheProblems", () => {
  it("proves a start that read every module from its own user's folder", () => {
    const report = readCompileCacheLog(
      `${resolved}${hit("/app/dist/server.js")}${hit("/app/node_modules/pino/pino.js")}`,
    );
    assert.equal(report.directory, DIR);
    assert.deepEqual(report.accepted, ["/app/dist/server.js", "/app/node_modules/pino/pino.js"]);
    assert.deepEqual(compileCacheProblems(report, 1000), []);
  });

  it("refuses a cache that is another user's folder", () => {
    const report = readCompileCacheLog(`${resolved}${hit("/app/dist/server.js")}`);
    assert.deepEqual(compileCacheProblems(report, 0), [`${DIR} is not the folder of uid 0`]);
  });

  it("refuses a start that compiled any module from source", () => {
    const miss =
      "[compile cache] reading cache from /x/f711e93f for CommonJS /app/dist/warmup.js... not found\n" +
      "[compile cache] V8 code cache for CommonJS /app/dist/warmup.js was not initialized, initializing the in-memory entry\n";
    const report = readCompileCacheLog(`${resolved}${hit("/app/dist/server.js")}${miss}`);
    assert.deepEqual(report.missed, ["/app/dist/warmup.js"]);
    assert.deepEqual(compileCacheProblems(report, 1000), [
      "1 modules were compiled from source (/app/dist/warmup.js)",
    ]);
  });

  it("refuses a start that could not create its folder, as on a read-only filesystem", () => {
    const report = readCompileCacheLog(
      `${resolved}[compile cache] creating cache directory ${DIR}...permission denied\n` +
        "[compile cache] Cannot create cache directory: permission denied\n",
    );
    assert.equal(report.directory, undefined);
    assert.deepEqual(compileCacheProblems(report, 1000), [
      "the compile cache is off: Cannot create cache directory: permission denied",
    ]);
  });

  it("refuses a start without any diagnostics (NODE_COMPILE_CACHE unset, or an older Node)", () => {
    assert.deepEqual(compileCacheProblems(readCompileCacheLog("listening\n"), 1000), [
      "the compile cache is off (is NODE_COMPILE_CACHE set?)",
    ]);
  });
});
