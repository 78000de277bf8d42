/** components/deployment.ts: the strategies' ECS settings, peaks, timeouts and the hook's details (pure). */
import * as assert from "node:assert/strict";
import fc from "fast-check";
import { RELEASE_ALARM_MINUTES } from "../../components/alarms";
import {
  DEPLOYMENT_ARGS,
  deploymentArgsProblems,
  deploymentConfiguration,
  deploymentTimeoutMinutes,
  hookDetails,
  isManaged,
  peakTasks,
  resolveDeployment,
  STRATEGIES,
  type Strategy,
} from "../../components/deployment";
import { STEADY_STATE_TIMEOUT } from "../../components/loadBalancedService";
import { smokeTestProblem } from "../../hooks/smokeTest";

const HOOK = {
  functionArn: "arn:aws:lambda:eu-west-1:1:function:hook",
  roleArn: "arn:aws:iam::1:role/x",
  details: "{}",
};

describe("components/deployment", () => {
  describe("arguments", () => {
    it("keeps each range within what the ECS API accepts", () => {
      // ECS DeploymentConfiguration: bakeTimeInMinutes 0-1440; CanaryConfiguration canaryPercent 0.1-100,
      // canaryBakeTimeInMinutes 0-1440; LinearConfiguration stepPercent 3-100, stepBakeTimeInMinutes 0-1440.
      const range = (k: keyof typeof DEPLOYMENT_ARGS) => {
        const spec = DEPLOYMENT_ARGS[k] as { min?: number; max?: number };
        return [spec.min, spec.max];
      };
      assert.deepEqual(range("bakeMinutes"), [0, 1440]);
      assert.deepEqual(range("canaryBakeMinutes"), [0, 1440]);
      assert.deepEqual(range("linearStepBakeMinutes"), [0, 1440]);
      const [canaryMin, canaryMax] = range("canaryPercent") as number[];
      assert.ok(canaryMin >= 0.1 && canaryMax <= 100);
      const [stepMin, stepMax] = range("linearStepPercent") as number[];
      assert.ok(stepMin >= 3 && stepMax <= 100);
    });

    it("refuses an unknown strategy and a step ECS refuses, naming each", () => {
      assert.deepEqual(deploymentArgsProblems({ deploymentStrategy: "big-bang", linearStepPercent: 2 }), [
        `deploymentStrategy = "big-bang" is not allowed; expected one of "rolling", "blue-green", "canary", "linear"`,
        "linearStepPercent = 2 is not allowed; expected a whole number from 3 to 100",
      ]);
    });

    it("refuses a managed deployment whose bake ends before its release alarms could roll it back", () => {
      // 2 of 3 one-minute periods of 5xx, or 3 of 3 of slow answers, plus CloudWatch's delay: 5 minutes.
      assert.deepEqual(deploymentArgsProblems({ deploymentStrategy: "blue-green", bakeMinutes: 0 }), [
        `bakeMinutes = 0 ends a blue-green deployment before its release alarms can fire (they need ${RELEASE_ALARM_MINUTES} minutes of production traffic), so a bad release is never rolled back; use at least ${RELEASE_ALARM_MINUTES}`,
      ]);
      assert.deepEqual(
        deploymentArgsProblems({ deploymentStrategy: "canary", bakeMinutes: RELEASE_ALARM_MINUTES }),
        [],
      );
      // A rolling deploy has no bake: the alarms roll it back while it replaces tasks.
      assert.deepEqual(deploymentArgsProblems({ deploymentStrategy: "rolling", bakeMinutes: 0 }), []);
    });

    it("deploys rolling unless told otherwise", () => {
      assert.equal(resolveDeployment({}).deploymentStrategy, "rolling");
      assert.equal(isManaged("rolling"), false);
      for (const s of ["blue-green", "canary", "linear"] as Strategy[]) assert.equal(isManaged(s), true);
    });
  });

  describe("the service's deploymentConfiguration", () => {
    const of = (strategy: Strategy, extra = {}) =>
      deploymentConfiguration(
        { ...resolveDeployment({ deploymentStrategy: strategy, ...extra }) },
        HOOK,
      ) as Record<string, any>;

    it("names the ECS strategy for each", () => {
      for (const [name, ecs] of Object.entries(STRATEGIES)) assert.equal(of(name as Strategy).strategy, ecs);
    });

    it("gives a canary its share and bake, and the old revision its bake after", () => {
      const c = of("canary", { canaryPercent: 10, canaryBakeMinutes: 5, bakeMinutes: 10 });
      assert.deepEqual(c.canaryConfiguration, { canaryPercent: 10, canaryBakeTimeInMinutes: "5" });
      assert.equal(c.bakeTimeInMinutes, "10");
      assert.equal(c.linearConfiguration, undefined);
    });

    it("gives linear steps their size and interval", () => {
      const l = of("linear", { linearStepPercent: 25, linearStepBakeMinutes: 3 });
      assert.deepEqual(l.linearConfiguration, { stepPercent: 25, stepBakeTimeInMinutes: "3" });
      assert.equal(l.canaryConfiguration, undefined);
    });

    it("runs the smoke test when test traffic has reached the new revision and production traffic has not", () => {
      const [hook] = of("blue-green").lifecycleHooks;
      assert.deepEqual(hook.lifecycleStages, ["POST_TEST_TRAFFIC_SHIFT"]);
      assert.deepEqual(
        [hook.targetType, hook.hookTargetArn, hook.roleArn],
        ["AWS_LAMBDA", HOOK.functionArn, HOOK.roleArn],
      );
    });

    it("adds nothing but the strategy to a rolling deployment", () => {
      assert.deepEqual(deploymentConfiguration(resolveDeployment({}), HOOK), { strategy: "ROLLING" });
    });
  });

  describe("the peak a deployment adds", () => {
    it("is one task at full scale for rolling, and both revisions in full for the managed strategies", () => {
      fc.assert(
        fc.property(fc.integer({ min: 1, max: 1000 }), (max) => {
          assert.equal(peakTasks(max, "rolling").tasks, max + 1);
          for (const s of ["blue-green", "canary", "linear"] as Strategy[])
            assert.equal(peakTasks(max, s).tasks, 2 * max);
        }),
      );
    });
  });

  describe("how long pulumi up waits", () => {
    it("waits as long as for a rolling deploy when rolling", () => {
      assert.equal(`${deploymentTimeoutMinutes(resolveDeployment({}))}m`, STEADY_STATE_TIMEOUT);
    });

    it("waits longer than every bake a managed deployment holds", () => {
      fc.assert(
        fc.property(
          fc.constantFrom<Strategy>("blue-green", "canary", "linear"),
          fc.integer({ min: 0, max: 1440 }),
          fc.integer({ min: 0, max: 1440 }),
          fc.integer({ min: 3, max: 100 }),
          fc.integer({ min: 0, max: 1440 }),
          (strategy, bake, canaryBake, step, stepBake) => {
            const d = resolveDeployment({
              deploymentStrategy: strategy,
              bakeMinutes: bake,
              canaryBakeMinutes: canaryBake,
              linearStepPercent: step,
              linearStepBakeMinutes: stepBake,
            });
            const shifting =
              strategy === "canary"
                ? canaryBake
                : strategy === "linear"
                  ? Math.ceil(100 / step) * stepBake
                  : 0;
            assert.ok(deploymentTimeoutMinutes(d) > shifting + bake + 20);
          },
        ),
      );
    });
  });

  describe("the hook's details", () => {
    it("are what hooks/smokeTest.ts accepts", () => {
      const details = JSON.parse(
        hookDetails({
          loadBalancerArnSuffix: "app/shared-alb/0123456789abcdef",
          testListenerPort: 9000,
          https: true,
          host: "api.example.com",
          checks: [{ path: "/healthz", status: 200 }],
        }),
      );
      assert.equal(smokeTestProblem(details), undefined);
    });
  });
});
