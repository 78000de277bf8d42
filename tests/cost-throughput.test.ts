/**
 * Cost per million requests from the benchmark's results: the model's arithmetic on a fixture results file and
 * the synthetic stack, and the reading of the file (absent: no figure; malformed: an error naming the field).
 */
import * as assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import {
  type BenchResults,
  costPerMillion,
  costPerMillionLines,
  estimateStack,
  readBenchResults,
} from "../lib/cost";
import { demoStack, res, USAGE } from "./costFixture";

/** A results file as `npm run bench` writes it (schema 1); only the fields the cost model reads matter. */
const RESULTS = {
  schema: 1,
  date: "2026-11-27",
  node: "24.21.0",
  logLevel: "info",
  cpus: 2,
  cpuModel: "Test CPU",
  connections: 50,
  durationSeconds: 5,
  bare: { requestsPerSecond: 20000, p50Ms: 2, p99Ms: 4 },
  warm: { requestsPerSecond: 8000, p50Ms: 3, p99Ms: 6, ratioToBare: 0.4 },
  cold: { requestsPerSecond: 1000, p50Ms: 40, p99Ms: 80 },
  coldStartMs: { median: 200, min: 190, max: 240, runs: 7 },
  rssMb: { start: 90, afterWarm: 120 },
  targets: {},
};

/** The demo stack with CPU-target autoscaling at 50% and a capacity provider at 80% target capacity. */
const stack = demoStack([
  res("aws:appautoscaling/policy:Policy", "demo-scale-on-cpu", {
    policyType: "TargetTrackingScaling",
    resourceId: "service/demo-cluster-abc1234/demo-svc-abc1234",
    targetTrackingScalingPolicyConfiguration: {
      predefinedMetricSpecification: { predefinedMetricType: "ECSServiceAverageCPUUtilization" },
      targetValue: 50,
    },
  }),
  res("aws:ecs/capacityProvider:CapacityProvider", "demo-cp", {
    autoScalingGroupProvider: { managedScaling: { status: "ENABLED", targetCapacity: 80 } },
  }),
]);

describe("cost per million requests", () => {
  const c = costPerMillion("eu-west-1", stack, RESULTS as BenchResults, USAGE);

  it("gives a task its CPU reservation's share of one core's measured throughput", () => {
    // 512 units of 1,024: half of 8,000 requests a second.
    assert.equal(c?.taskRps, 4000);
  });

  it("fills an instance with the tasks its CPU and memory allow, at the scaling targets", () => {
    // t4g.medium: 2,048 units → 4 tasks of 512; 3,686 MiB for tasks → 7 of 512 MiB: bound by CPU.
    assert.equal(c?.tasksPerInstance, 4);
    assert.equal(c?.boundBy, "CPU");
    // 4 tasks × 4,000 × 50% CPU target × 80% target capacity.
    assert.equal(c?.instanceRps, 6400);
  });

  it("turns instance-hours per million requests into dollars, and adds the charges that grow with traffic", () => {
    const hoursPerMillion = 1e6 / (6400 * 3600);
    assert.ok(Math.abs((c?.instanceHoursPerMillion ?? 0) - hoursPerMillion) < 1e-12);
    assert.ok(Math.abs((c?.compute ?? 0) - hoursPerMillion * 0.0368) < 1e-12);
    const busy = estimateStack("", "eu-west-1", stack, USAGE).total.min;
    const idle = estimateStack("", "eu-west-1", stack, { ...USAGE, requestsPerSecond: 0 }).total.min;
    const millions = (10 * 730 * 3600) / 1e6;
    assert.ok(Math.abs((c?.traffic ?? 0) - (busy - idle) / millions) < 1e-9);
    assert.ok(Math.abs((c?.total ?? 0) - ((c?.compute ?? 0) + (c?.traffic ?? 0))) < 1e-12);
    const items = c?.trafficItems ?? [];
    assert.ok(Math.abs(items.reduce((t, i) => t + i.usd, 0) - (c?.traffic ?? 0)) < 1e-9, "the items add up");
    assert.equal(items[0].what, "log ingestion (application logs)", "the biggest first");
  });

  it("prints every factor of the model, and what halving compute time saves", () => {
    const text = costPerMillionLines(c, RESULTS).join("\n");
    assert.match(text, /8,000 req\/s on the warm route, one core of a 2-CPU Test CPU, Node 24\.21\.0/);
    assert.match(text, /holds 4 tasks \(bound by CPU\)/);
    assert.match(text, /50% CPU target .* 80% target capacity .*: 6,400 req\/s per instance/);
    assert.match(text, /a service twice as fast saves/);
  });

  it("says there are no results when the file does not exist, and names what is wrong with a bad one", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "bench-"));
    assert.equal(readBenchResults(path.join(dir, "results.json")), undefined);
    assert.deepEqual(costPerMillionLines(undefined, undefined), [
      "  no benchmark results (service/bench/results.json): run `npm run bench`",
    ]);
    const good = path.join(dir, "good.json");
    writeFileSync(good, JSON.stringify(RESULTS));
    assert.equal(readBenchResults(good)?.warm.requestsPerSecond, 8000);
    const bad = path.join(dir, "bad.json");
    writeFileSync(bad, JSON.stringify({ ...RESULTS, schema: 2, warm: {} }));
    assert.throws(
      () => readBenchResults(bad),
      /schema is 2, expected 1; warm.requestsPerSecond is not a positive number/,
    );
  });
});
