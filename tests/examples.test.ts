/**
 * stacks/examples/two-services.yaml merged over both committed stacks: the JSON API and the "hello world" page
 * (web/) on one cluster behind one load balancer, each with its own target group, rule, roles, logs, alarms,
 * scaling and dashboard row, and the whole cluster's capacity checked over both.
 */
import * as assert from "node:assert/strict";
import {
  type Evaluation,
  EvaluationError,
  evaluateStack,
  exampleConfig,
  type RecordedResource,
} from "../lib/harness";
import { checkStack } from "../lib/policy";

const example = exampleConfig("two-services");

for (const stackName of ["test", "prod"]) {
  describe(`the two-services example on ${stackName}`, () => {
    let stack: Evaluation;
    const ofService = (service: string, type: string): RecordedResource[] =>
      stack.resourcesOfType(type).filter((r) => r.name.startsWith(`api-${stackName}-${service}-`));
    before(async () => {
      stack = await evaluateStack(stackName, { overrides: example });
    });

    it("runs both services on the one cluster, behind the one load balancer and its production listener", () => {
      const services = stack.resourcesOfType("aws:ecs/service:Service");
      assert.equal(services.length, 2);
      const cluster = stack.one("aws:ecs/cluster:Cluster");
      for (const s of services) assert.equal(s.inputs.cluster, cluster.state.arn, s.name);
      assert.equal(stack.resourcesOfType("aws:lb/loadBalancer:LoadBalancer").length, 1);
      // The production listener, and the test listener both stacks' managed deployments use.
      assert.deepEqual(
        stack
          .resourcesOfType("aws:lb/listener:Listener")
          .map((l) => l.name)
          .sort(),
        [`api-${stackName}-lb-http`, `api-${stackName}-lb-test`],
      );
      // Each service has its own group, and a second one for its next release.
      assert.deepEqual(
        stack
          .resourcesOfType("aws:lb/targetGroup:TargetGroup")
          .map((t) => t.name)
          .sort(),
        ["api-tg", "api-tg-alt", "web-tg", "web-tg-alt"].map((n) => `api-${stackName}-${n}`),
      );
    });

    it("routes /api/* to the API and / to the page, each to its own target group, in a fixed order", () => {
      const listener = stack.named(`api-${stackName}-lb-http`);
      const rules = stack
        .resourcesOfType("aws:lb/listenerRule:ListenerRule")
        .filter((r) => r.inputs.listenerArn === listener.state.arn)
        .sort((a, b) => a.inputs.priority - b.inputs.priority);
      // All production traffic goes to each service's primary group until a release moves it.
      const live = (r: RecordedResource) =>
        r.inputs.actions[0].forward.targetGroups.find((g: any) => g.weight === 100).arn;
      const routes = rules.map((r) => ({
        paths: r.inputs.conditions.flatMap((c: any) => c.pathPattern?.values ?? []),
        targetGroup: stack.resources.find((t) => t.state.arn === live(r))?.name,
      }));
      assert.deepEqual(routes, [
        { paths: ["/", "/index.html"], targetGroup: `api-${stackName}-web-tg` },
        { paths: ["/api/*", "/healthz", "/readyz"], targetGroup: `api-${stackName}-api-tg` },
      ]);
      // Whatever no rule matches gets the ALB's own 404, not one of the services.
      assert.equal(listener.inputs.defaultActions[0].type, "fixed-response");
    });

    it("registers each service's tasks only in its own target group, checked on its own health path", () => {
      for (const [service, health] of [
        ["api", "/healthz"],
        ["web", "/"],
      ]) {
        const [tg] = ofService(service, "aws:lb/targetGroup:TargetGroup");
        const [svc] = ofService(service, "aws:ecs/service:Service");
        assert.deepEqual(
          svc.inputs.loadBalancers.map((l: any) => [l.targetGroupArn, l.containerName]),
          [[tg.state.arn, service]],
        );
        assert.equal(tg.inputs.healthCheck.path, health);
      }
    });

    it("gives the page no AWS role at all, so it cannot read the documents bucket; the API keeps its read access", () => {
      const [webTask] = ofService("web", "aws:ecs/taskDefinition:TaskDefinition");
      const [apiTask] = ofService("api", "aws:ecs/taskDefinition:TaskDefinition");
      assert.equal(webTask.inputs.taskRoleArn, undefined);
      assert.ok(apiTask.inputs.taskRoleArn);
      assert.deepEqual(
        ofService("web", "aws:iam/role:Role").map((r) => r.name),
        [`api-${stackName}-web-execution-role`],
      );
      const bucket = stack.named(`api-${stackName}-docs-bucket`);
      const webPolicies = ofService("web", "aws:iam/rolePolicy:RolePolicy").map((p) => p.inputs.policy);
      assert.ok(webPolicies.every((p) => !String(p).includes(bucket.state.arn)));
    });

    it("gives each service its logs, alarms, scaling on CPU, memory and requests, and a dashboard row", () => {
      for (const service of ["api", "web"]) {
        assert.equal(ofService(service, "aws:cloudwatch/logGroup:LogGroup").length, 1, service);
        // Six that tell an operator, two that roll a bad release back.
        assert.equal(ofService(service, "aws:cloudwatch/metricAlarm:MetricAlarm").length, 8, service);
        // Requests per task come from both target groups (a release moves the traffic between them).
        const metrics = ofService(service, "aws:appautoscaling/policy:Policy").map((p) => {
          const c = p.inputs.targetTrackingScalingPolicyConfiguration;
          return (
            c.predefinedMetricSpecification?.predefinedMetricType ??
            c.customizedMetricSpecification.metrics.at(-1).label
          );
        });
        assert.deepEqual(metrics.sort(), [
          "ECSServiceAverageCPUUtilization",
          "ECSServiceAverageMemoryUtilization",
          "Requests per task per minute",
        ]);
      }
      const body = JSON.parse(stack.one("aws:cloudwatch/dashboard:Dashboard").inputs.dashboardBody);
      const titles = body.widgets.map((w: any) => w.properties.title);
      assert.ok(
        titles.some((t: string) => t.startsWith("api: ")) &&
          titles.some((t: string) => t.startsWith("web: ")),
      );
    });

    it("deploys and records both images by digest, and smoke-tests the page through its own route", () => {
      assert.deepEqual(Object.keys(stack.outputs.release).sort(), ["api", "web"]);
      for (const image of Object.values(stack.outputs.release))
        assert.match(String(image), /@sha256:[0-9a-f]{64}$/);
      assert.deepEqual(
        stack
          .resourcesOfType("aws:ssm/parameter:Parameter")
          .map((p) => p.inputs.name)
          .sort(),
        [`/ecs-json-api/${stackName}/release/api`, `/ecs-json-api/${stackName}/release/web`],
      );
      const web = stack.outputs.services.web;
      assert.equal(web.smokeTest, "health");
      assert.ok(web.paths.includes(web.healthCheckPath), "the smoke test's path is routed to the page");
    });

    it("passes the policy pack", async () => {
      const result = await checkStack(stack);
      assert.deepEqual(
        result.violations.map((v: { policy: string; message: string }) => `${v.policy}: ${v.message}`),
        [],
      );
    });
  });
}

describe("the two-services example's capacity", () => {
  it("is checked over both services: too few instances for their peaks together is refused", async () => {
    // Test deploys blue-green, so each service's peak is twice its maxTasks: the API's 8 tasks of 256 CPU units
    // fit one t4g.medium (2048 units); with the page at 2 x 12 tasks of 256 units too, the 32 tasks need
    // 8192 units: four instances.
    const page = JSON.parse(example["ecs-json-api:services"]);
    page.web.maxTasks = 12;
    page.web.cpu = 256;
    await assert.rejects(
      evaluateStack("test", {
        overrides: {
          ...example,
          "ecs-json-api:services": JSON.stringify(page),
          "ecs-json-api:maxInstances": "1",
        },
      }),
      (err: Error) =>
        err instanceof EvaluationError &&
        /maxInstances: the services' peak tasks need 4 t4g\.medium instances .*api: 8 tasks .*web: 24 tasks/.test(
          err.message,
        ),
    );
  });
});
