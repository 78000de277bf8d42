/**
 * Usage assumptions: the default request rate comes from the stack's own scaling policy, every default says why
 * it is what it is, and the command-line flags override them with every problem reported at once.
 */
import * as assert from "node:assert/strict";
import { floorRequestRate, parseUsageFlags, stackUsage } from "../lib/cost";
import { demoStack, res } from "./costFixture";

const requestPolicy = (target: number) =>
  res("aws:appautoscaling/policy:Policy", "demo-scale-on-requests", {
    policyType: "TargetTrackingScaling",
    resourceId: "service/demo-cluster-abc1234/demo-svc-abc1234",
    targetTrackingScalingPolicyConfiguration: {
      predefinedMetricSpecification: { predefinedMetricType: "ALBRequestCountPerTarget" },
      targetValue: target,
    },
  });

describe("usage assumptions", () => {
  it("default the request rate to what task autoscaling holds at the minimum task count", () => {
    // 2 tasks at 1,200 requests per task per minute: 40 requests a second.
    const floor = floorRequestRate(demoStack([requestPolicy(1200)]));
    assert.equal(floor?.rps, 40);
    assert.match(floor?.why ?? "", /2 × 1200/);
  });

  it("read the same rate from a managed deployment's requests-per-task metric over its two target groups", () => {
    const requestCount = (tg: string) => ({
      id: tg,
      metricStat: {
        metric: {
          namespace: "AWS/ApplicationELB",
          metricName: "RequestCountPerTarget",
          dimensions: [{ name: "TargetGroup", value: tg }],
        },
        stat: "Sum",
      },
      returnData: false,
    });
    const policy = res("aws:appautoscaling/policy:Policy", "demo-scale-on-requests", {
      policyType: "TargetTrackingScaling",
      resourceId: "service/demo-cluster-abc1234/demo-svc-abc1234",
      targetTrackingScalingPolicyConfiguration: {
        customizedMetricSpecification: {
          metrics: [
            requestCount("r0"),
            requestCount("r1"),
            { id: "perTask", expression: "FILL(r0, 0) + FILL(r1, 0)", returnData: true },
          ],
        },
        targetValue: 1200,
      },
    });
    assert.equal(floorRequestRate(demoStack([policy]))?.rps, 40);
    const onCpu = res("aws:appautoscaling/policy:Policy", "demo-scale-on-cpu", {
      policyType: "TargetTrackingScaling",
      resourceId: "service/demo-cluster-abc1234/demo-svc-abc1234",
      targetTrackingScalingPolicyConfiguration: {
        customizedMetricSpecification: {
          metrics: [
            { id: "cpu", metricStat: { metric: { namespace: "AWS/ECS", metricName: "CPUUtilization" } } },
          ],
        },
        targetValue: 60,
      },
    });
    assert.equal(floorRequestRate(demoStack([onCpu])), undefined);
  });

  it("assume no traffic, and say so, when no service scales on requests", () => {
    assert.equal(floorRequestRate(demoStack()), undefined);
    const { usage, assumptions } = stackUsage(demoStack());
    assert.equal(usage.requestsPerSecond, 0);
    assert.match(assumptions.find((a) => a.key === "requestsPerSecond")?.why ?? "", /no traffic assumed/);
  });

  it("give every assumption a flag and a reason, and mark the ones set on the command line", () => {
    const { usage, assumptions } = stackUsage(demoStack([requestPolicy(1200)]), { responseBytes: 2048 });
    assert.equal(usage.responseBytes, 2048);
    assert.equal(usage.requestsPerSecond, 40);
    for (const a of assumptions) {
      assert.match(a.flag, /^--[a-z-]+$/);
      assert.ok(a.why.length > 10, a.key);
    }
    const response = assumptions.find((a) => a.key === "responseBytes");
    assert.equal(response?.overridden, true);
    assert.equal(response?.why, "set on the command line");
  });

  it("parse flags as `--flag value` or `--flag=value`, leaving other arguments alone", () => {
    assert.deepEqual(
      parseUsageFlags(["prod", "--rps", "50", "--response-bytes=2048", "--log-bytes-per-request", "400"]),
      {
        overrides: { requestsPerSecond: 50, responseBytes: 2048, logBytesPerRequest: 400 },
        rest: ["prod"],
      },
    );
  });

  it("refuse missing, non-numeric and out-of-range values, naming each", () => {
    assert.throws(() => parseUsageFlags(["--rps", "lots", "--spot-discount", "1.5", "--image-mb"]), {
      message:
        "usage flags: --rps needs a number; --spot-discount 1.5 is out of range: expected 0 to 1; --image-mb needs a number",
    });
  });
});
