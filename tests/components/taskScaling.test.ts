/** createTaskScaling under mocks: the service's desired count follows CPU, memory and requests per task. */
import * as assert from "node:assert/strict";
import * as aws from "@pulumi/aws";
import { createTaskScaling } from "../../components/taskScaling";
import { type Evaluation, runUnderMocks } from "../../lib/harness";

const POLICY = "aws:appautoscaling/policy:Policy";

describe("createTaskScaling", () => {
  let e: Evaluation;
  before(async () => {
    e = await runUnderMocks(() => {
      const provider = new aws.Provider("caller", { region: "eu-west-1" });
      const rule = new aws.lb.ListenerRule("web-rule", {
        listenerArn: "arn:aws:elasticloadbalancing:eu-west-1:123456789012:listener/app/x/1/2",
        actions: [{ type: "forward", targetGroupArn: "tg" }],
        conditions: [{ pathPattern: { values: ["/*"] } }],
      });
      createTaskScaling(
        "web",
        {
          clusterName: "apps",
          serviceName: "web-service",
          minTasks: 2,
          maxTasks: 5,
          cpuTargetPercent: 55,
          memoryTargetPercent: 75,
          requestsPerTarget: 800,
          albArnSuffix: "app/web-alb/0123456789abcdef",
          targetGroupArnSuffixes: ["targetgroup/web-tg/fedcba9876543210"],
          listeners: [rule],
        },
        { provider },
      );
    });
  });

  /** The target-tracking configuration of the policy tracking `metric`. */
  const tracking = (metric: string) => {
    const found = e
      .resourcesOfType(POLICY)
      .filter(
        (p) =>
          p.inputs.targetTrackingScalingPolicyConfiguration.predefinedMetricSpecification
            .predefinedMetricType === metric,
      );
    assert.equal(found.length, 1, metric);
    return found[0];
  };

  it("scales the ECS service's desired count between minTasks and maxTasks", () => {
    const target = e.one("aws:appautoscaling/target:Target").inputs;
    assert.deepEqual(
      [target.serviceNamespace, target.scalableDimension, target.resourceId],
      ["ecs", "ecs:service:DesiredCount", "service/apps/web-service"],
    );
    assert.deepEqual([target.minCapacity, target.maxCapacity], [2, 5]);
  });

  it("tracks three targets on that scalable target: average CPU, average memory and requests per task", () => {
    const target = e.one("aws:appautoscaling/target:Target").inputs;
    const policies = e.resourcesOfType(POLICY);
    assert.equal(policies.length, 3);
    for (const p of policies) {
      assert.equal(p.inputs.policyType, "TargetTrackingScaling", p.name);
      assert.deepEqual(
        [p.inputs.serviceNamespace, p.inputs.scalableDimension, p.inputs.resourceId],
        [target.serviceNamespace, target.scalableDimension, target.resourceId],
        p.name,
      );
    }
    const targets = (metric: string) =>
      tracking(metric).inputs.targetTrackingScalingPolicyConfiguration.targetValue;
    assert.equal(targets("ECSServiceAverageCPUUtilization"), 55);
    assert.equal(targets("ECSServiceAverageMemoryUtilization"), 75);
    assert.equal(targets("ALBRequestCountPerTarget"), 800);
  });

  it("counts requests of this target group on this load balancer (`app/.../targetgroup/...`)", () => {
    const spec =
      tracking("ALBRequestCountPerTarget").inputs.targetTrackingScalingPolicyConfiguration
        .predefinedMetricSpecification;
    assert.equal(spec.resourceLabel, "app/web-alb/0123456789abcdef/targetgroup/web-tg/fedcba9876543210");
  });

  it("creates the request policy only after the listener rule: the metric does not exist before traffic can flow", () => {
    assert.deepEqual(tracking("ALBRequestCountPerTarget").options.dependsOn, ["web-rule"]);
  });

  it("scales out sooner than it scales in, so a burst does not make tasks flap", () => {
    for (const p of e.resourcesOfType(POLICY)) {
      const { scaleOutCooldown, scaleInCooldown } = p.inputs.targetTrackingScalingPolicyConfiguration;
      assert.ok(scaleOutCooldown <= 60, `${p.name} scales out within a minute`);
      assert.ok(scaleOutCooldown < scaleInCooldown, p.name);
    }
  });

  it("names everything after the service and creates it with the caller's options", () => {
    const created = [...e.resourcesOfType(POLICY), e.one("aws:appautoscaling/target:Target")];
    for (const r of created) {
      assert.match(r.name, /^web-/);
      assert.equal(e.providerOf(r)?.name, "caller", r.name);
    }
  });
});
