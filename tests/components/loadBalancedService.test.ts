/**
 * LoadBalancedService under mocks: one service on a cluster and a shared load balancer, both given as typed
 * references (a listener and the resources a service waits for stand in for the LoadBalancer).
 */
import * as assert from "node:assert/strict";
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { ArgumentError } from "../../components/args";
import type { DeploymentArgs } from "../../components/deployment";
import type { EcsClusterRef } from "../../components/ecsCluster";
import { INSTANCE_TYPES } from "../../components/instanceTypes";
import {
  LoadBalancedService,
  STEADY_STATE_TIMEOUT,
  TARGET_GROUP_PORT,
} from "../../components/loadBalancedService";
import type { LoadBalancerRef } from "../../components/loadBalancer";
import type { LoadBalancedServiceArgs } from "../../components/serviceArgs";
import { ACCOUNT_ID, type Evaluation, type RecordedResource, runUnderMocks } from "../../lib/harness";
import { checkStack } from "../../lib/policy";

const IMAGE = `${ACCOUNT_ID}.dkr.ecr.eu-west-1.amazonaws.com/ecs-json-api@sha256:${"a".repeat(64)}`;
const TOPIC = `arn:aws:sns:eu-west-1:${ACCOUNT_ID}:alarms`;
const BOUNDARY = `arn:aws:iam::${ACCOUNT_ID}:policy/ci/ecs-json-api-workload-boundary`;
const TAGS = { project: "ecs-json-api", stack: "test" };
const READ_POLICY: aws.iam.PolicyDocument = {
  Version: "2012-10-17",
  Statement: [{ Effect: "Allow", Action: "s3:GetObject", Resource: "arn:aws:s3:::docs/documents/*" }],
};
const ALB_ARN_SUFFIX = "app/shared-alb/0123456789abcdef";

const CLUSTER: EcsClusterRef = {
  clusterArn: `arn:aws:ecs:eu-west-1:${ACCOUNT_ID}:cluster/apps`,
  clusterName: "apps",
  capacityProviderName: "apps-capacity",
  instanceSecurityGroupId: "sg-instances",
  autoScalingGroupName: "apps-asg",
  architecture: "x86_64",
  capacity: {
    instanceType: "t3.medium",
    instance: INSTANCE_TYPES["t3.medium"],
    minInstances: 1,
    maxInstances: 3,
  },
};

/** What the shared load balancer hands a service: its production listener and what to wait for. */
function sharedLoadBalancer(): LoadBalancerRef {
  const opts = { provider: new aws.Provider("shared", { region: "eu-west-1", defaultTags: { tags: TAGS } }) };
  const listener = new aws.lb.Listener(
    "shared-http",
    {
      loadBalancerArn: `arn:aws:elasticloadbalancing:eu-west-1:${ACCOUNT_ID}:loadbalancer/${ALB_ARN_SUFFIX}`,
      port: 80,
      protocol: "HTTP",
      defaultActions: [
        { type: "fixed-response", fixedResponse: { contentType: "text/plain", statusCode: "404" } },
      ],
    },
    opts,
  );
  const path = new aws.vpc.SecurityGroupIngressRule(
    "shared-instances-in-from-alb",
    {
      securityGroupId: "sg-instances",
      referencedSecurityGroupId: "sg-alb",
      ipProtocol: "tcp",
      fromPort: 32768,
      toPort: 65535,
      description: "From the ALB",
    },
    opts,
  );
  return {
    vpcId: "vpc-1",
    listener,
    arnSuffix: ALB_ARN_SUFFIX,
    idleTimeout: 60,
    ready: [listener, path],
    testListener: undefined,
    testListenerPort: 0,
    https: false,
    infrastructureRoleArn: undefined,
  };
}

type ServiceOptions = Partial<Omit<LoadBalancedServiceArgs, "cluster" | "loadBalancer">>;

/** The arguments of a service named `web` on the shared load balancer. */
function serviceArgs(loadBalancer: LoadBalancerRef, args: ServiceOptions): LoadBalancedServiceArgs {
  return {
    region: "eu-west-1",
    tags: TAGS,
    cluster: CLUSTER,
    loadBalancer,
    route: { paths: ["/web/*"], hosts: [], priority: 110 },
    image: IMAGE,
    alarmTopicArn: TOPIC,
    permissionsBoundary: BOUNDARY,
    ...args,
  };
}

interface Run {
  evaluation: Evaluation;
  /** Options the service's resources were registered with, by logical name. */
  options: Map<string, pulumi.CustomResourceOptions>;
}

const nameOf = (r: unknown) => (r as { __name: string }).__name;

/** Evaluates one service `web` with `args`, outputting what it exposes. */
async function evaluate(args: ServiceOptions = {}): Promise<Run> {
  const options = new Map<string, pulumi.CustomResourceOptions>();
  const evaluation = await runUnderMocks(() => {
    pulumi.runtime.registerStackTransformation(({ name, opts }) => {
      options.set(name, opts);
      return undefined;
    });
    const s = new LoadBalancedService("web", serviceArgs(sharedLoadBalancer(), args));
    return {
      targetGroup: nameOf(s.targetGroup),
      listenerRule: nameOf(s.listenerRule),
      taskDefinition: nameOf(s.taskDefinition),
      service: nameOf(s.service),
      logGroup: nameOf(s.logGroup),
      taskRole: s.taskRole ? nameOf(s.taskRole) : null,
      executionRole: nameOf(s.executionRole),
      alarms: s.alarms.map(nameOf),
      serviceName: s.serviceName,
      targetGroupArnSuffixes: s.targetGroupArnSuffixes,
      logGroupName: s.logGroupName,
      tasksPerInstance: s.tasksPerInstance,
      healthCheckPath: s.healthCheckPath,
    };
  });
  return { evaluation, options };
}

/** The task's one container definition. */
function containerOf(e: Evaluation): Record<string, any> {
  const containers = JSON.parse(e.one("aws:ecs/taskDefinition:TaskDefinition").inputs.containerDefinitions);
  assert.equal(containers.length, 1);
  return containers[0];
}

/** "20m" as seconds. */
function seconds(duration: string): number {
  const m = /^(\d+)([smh])$/.exec(duration);
  assert.ok(m, duration);
  return Number(m[1]) * { s: 1, m: 60, h: 3600 }[m[2] as "s" | "m" | "h"];
}

describe("LoadBalancedService", () => {
  let plain: Run;
  let api: Run;
  before(async () => {
    plain = await evaluate({ containerName: undefined });
    api = await evaluate({
      containerName: "api",
      containerPort: 3000,
      cpu: 512,
      memory: 1024,
      memoryReservation: 512,
      desiredTasks: 3,
      minTasks: 2,
      maxTasks: 5,
      cpuTargetPercent: 55,
      memoryTargetPercent: 70,
      requestsPerTarget: 800,
      healthCheckPath: "/health/live",
      deregistrationDelaySeconds: 20,
      logRetentionDays: 30,
      taskPolicy: READ_POLICY,
      container: { environment: { BUCKET_NAME: "docs" }, user: "1000:1000", stopTimeoutSeconds: 45 },
      alarms: { errorsPerMinute: 9, memoryOfHardLimitPercent: 80 },
      route: { paths: ["/api/*"], hosts: ["api.example.com"], priority: 100 },
    });
  });

  describe("target group", () => {
    const tg = (run: Run) => run.evaluation.one("aws:lb/targetGroup:TargetGroup").inputs;

    it("registers instances over HTTP in the load balancer's VPC, on the port ECS reports for each task", () => {
      const { vpcId, targetType, protocol, healthCheck } = tg(plain);
      assert.deepEqual([vpcId, targetType, protocol], ["vpc-1", "instance", "HTTP"]);
      assert.equal(healthCheck.port, "traffic-port");
    });

    it("has one port whatever the container's, so a new container port replaces no group ECS routes to", () => {
      // A group's port cannot change in place; a replaced group would leave the rules and the service (whose
      // routing ECS owns under a managed strategy) on the deleted one. ECS registers each task's host port.
      const ports = [plain, api]
        .map((run) => run.evaluation.one("aws:ecs/taskDefinition:TaskDefinition"))
        .map((td) => JSON.parse(td.inputs.containerDefinitions)[0].portMappings[0].containerPort);
      assert.notEqual(ports[0], ports[1], "the two runs' containers listen on different ports");
      assert.deepEqual([tg(plain).port, tg(api).port], [TARGET_GROUP_PORT, TARGET_GROUP_PORT]);
    });

    it("checks the service's health path for a 200", () => {
      assert.deepEqual([tg(plain).healthCheck.path, tg(plain).healthCheck.matcher], ["/healthz", "200"]);
      assert.equal(tg(api).healthCheck.path, "/health/live");
      assert.equal(tg(plain).healthCheck.enabled, true);
    });

    it("times its checks within what ELB accepts", () => {
      // ELB CreateTargetGroup: interval 5-300 s, timeout 2-120 s and below the interval, thresholds 2-10.
      const h = tg(plain).healthCheck;
      assert.ok(h.interval >= 5 && h.interval <= 300);
      assert.ok(h.timeout >= 2 && h.timeout < h.interval);
      for (const t of [h.healthyThreshold, h.unhealthyThreshold]) assert.ok(t >= 2 && t <= 10);
    });

    it("puts a new task in service before ECS stops ignoring its failed checks", () => {
      const h = tg(plain).healthCheck;
      const grace = plain.evaluation.one("aws:ecs/service:Service").inputs.healthCheckGracePeriodSeconds;
      assert.ok(
        h.healthyThreshold * h.interval < grace,
        `${h.healthyThreshold} x ${h.interval} s vs ${grace} s`,
      );
    });

    it("takes a broken task out of service within half a minute", () => {
      const h = tg(plain).healthCheck;
      assert.ok(h.unhealthyThreshold * h.interval <= 30);
    });

    it("lets a broken deploy fail and roll back before `pulumi up` stops waiting for it", () => {
      // The circuit breaker rolls back after at least 3 failed tasks; each one fails after the grace period and
      // the failing checks, then drains. Even one after the other, they must fit in the steady-state wait.
      const h = tg(plain).healthCheck;
      const svc = plain.evaluation.one("aws:ecs/service:Service").inputs;
      const perTask =
        svc.healthCheckGracePeriodSeconds + h.unhealthyThreshold * h.interval + tg(plain).deregistrationDelay;
      const wait = seconds(plain.options.get("web-service")?.customTimeouts?.update ?? "0s");
      assert.ok(3 * perTask < wait, `3 x ${perTask} s vs ${wait} s`);
    });

    it("drains a stopping task for the deregistration delay", () => {
      assert.equal(tg(plain).deregistrationDelay, 15);
      assert.equal(tg(api).deregistrationDelay, 20);
    });
  });

  describe("listener rule", () => {
    it("sends the route's requests on the shared production listener to the target group, at the route's priority", () => {
      const { evaluation: e } = api;
      const rule = e.one("aws:lb/listenerRule:ListenerRule").inputs;
      assert.equal(rule.listenerArn, e.named("shared-http").state.arn);
      assert.equal(rule.priority, 100);
      assert.deepEqual(rule.actions, [
        { type: "forward", targetGroupArn: e.one("aws:lb/targetGroup:TargetGroup").state.arn },
      ]);
      assert.deepEqual(rule.conditions, [
        { hostHeader: { values: ["api.example.com"] } },
        { pathPattern: { values: ["/api/*"] } },
      ]);
    });
  });

  describe("task definition", () => {
    it("runs on EC2 with bridge networking, placed by the container's reservation (no task-level size)", () => {
      const def = plain.evaluation.one("aws:ecs/taskDefinition:TaskDefinition").inputs;
      assert.deepEqual([def.requiresCompatibilities, def.networkMode], [["EC2"], "bridge"]);
      assert.equal(def.cpu, undefined);
      assert.equal(def.memory, undefined);
    });

    it("has a family unique to the project, stack and service, in the characters ECS accepts", () => {
      const { family } = plain.evaluation.one("aws:ecs/taskDefinition:TaskDefinition").inputs;
      assert.equal(family, "ecs-json-api-test-web");
      // ECS RegisterTaskDefinition family: up to 255 letters, digits, hyphens and underscores.
      assert.match(family, /^[A-Za-z0-9_-]{1,255}$/);
    });

    it("runs the image on a dynamic host port with the service's sizes", () => {
      const c = containerOf(api.evaluation);
      assert.equal(c.image, IMAGE);
      assert.deepEqual(c.portMappings, [{ containerPort: 3000, hostPort: 0, protocol: "tcp" }]);
      assert.deepEqual([c.cpu, c.memory, c.memoryReservation], [512, 1024, 512]);
    });

    it("runs what the caller says the image needs: environment, user, stop timeout", () => {
      const c = containerOf(api.evaluation);
      assert.deepEqual(c.environment, [{ name: "BUCKET_NAME", value: "docs" }]);
      assert.equal(c.user, "1000:1000");
      assert.equal(c.stopTimeout, 45);
    });

    it("names the container `app` unless told otherwise, and logs to its own group in the provider's region", () => {
      const c = containerOf(plain.evaluation);
      assert.equal(c.name, "app");
      const group = plain.evaluation.one("aws:cloudwatch/logGroup:LogGroup");
      assert.equal(c.logConfiguration.options["awslogs-group"], group.state.name);
      assert.equal(c.logConfiguration.options["awslogs-region"], "eu-west-1");
      assert.equal(c.logConfiguration.options["awslogs-stream-prefix"], "app");
      assert.equal(containerOf(api.evaluation).name, "api");
    });

    it("keeps the container's logs for the given retention", () => {
      assert.equal(plain.evaluation.one("aws:cloudwatch/logGroup:LogGroup").inputs.retentionInDays, 7);
      assert.equal(api.evaluation.one("aws:cloudwatch/logGroup:LogGroup").inputs.retentionInDays, 30);
    });

    it("runs with the execution role, and a task role only for a service given a task policy", () => {
      for (const run of [plain, api]) {
        const def = run.evaluation.one("aws:ecs/taskDefinition:TaskDefinition").inputs;
        assert.equal(def.executionRoleArn, run.evaluation.named("web-execution-role").state.arn);
      }
      assert.equal(
        plain.evaluation.one("aws:ecs/taskDefinition:TaskDefinition").inputs.taskRoleArn,
        undefined,
      );
      assert.equal(
        api.evaluation.one("aws:ecs/taskDefinition:TaskDefinition").inputs.taskRoleArn,
        api.evaluation.named("web-task-role").state.arn,
      );
    });

    it("gives both roles the permissions boundary", () => {
      for (const role of api.evaluation.resourcesOfType("aws:iam/role:Role")) {
        assert.equal(role.inputs.permissionsBoundary, BOUNDARY, role.name);
      }
    });
  });

  describe("ECS service", () => {
    const svc = (run: Run) => run.evaluation.one("aws:ecs/service:Service");

    it("runs the task definition on the cluster, placed only through the cluster's capacity provider", () => {
      const { inputs } = svc(plain);
      assert.equal(inputs.cluster, CLUSTER.clusterArn);
      assert.equal(
        inputs.taskDefinition,
        plain.evaluation.one("aws:ecs/taskDefinition:TaskDefinition").state.arn,
      );
      assert.equal(inputs.launchType, undefined, "a launch type would conflict with the capacity provider");
      assert.deepEqual(inputs.capacityProviderStrategies, [
        { capacityProvider: "apps-capacity", weight: 1, base: 0 },
      ]);
    });

    it("starts with the desired count", () => {
      assert.equal(svc(plain).inputs.desiredCount, 2);
      assert.equal(svc(api).inputs.desiredCount, 3);
    });

    it("registers the container's port with the target group", () => {
      const { evaluation: e } = api;
      assert.deepEqual(svc(api).inputs.loadBalancers, [
        {
          targetGroupArn: e.one("aws:lb/targetGroup:TargetGroup").state.arn,
          containerName: "api",
          containerPort: 3000,
        },
      ]);
    });

    it("rolls back a failing deploy, and never drops below the desired count during one", () => {
      const { inputs } = svc(plain);
      assert.deepEqual(inputs.deploymentCircuitBreaker, { enable: true, rollback: true });
      assert.equal(inputs.deploymentMinimumHealthyPercent, 100);
      assert.ok(inputs.deploymentMaximumPercent > 100);
    });

    it("spreads tasks across Availability Zones first, then packs instances by memory", () => {
      assert.deepEqual(svc(plain).inputs.orderedPlacementStrategies, [
        { type: "spread", field: "attribute:ecs.availability-zone" },
        { type: "binpack", field: "memory" },
      ]);
    });

    it("waits for a steady state, tags its tasks, and reports a deploy that does not settle in 20 minutes", () => {
      const { inputs } = svc(plain);
      assert.deepEqual(
        [inputs.waitForSteadyState, inputs.propagateTags, inputs.enableEcsManagedTags],
        [true, "SERVICE", true],
      );
      assert.deepEqual(plain.options.get("web-service")?.customTimeouts, {
        create: STEADY_STATE_TIMEOUT,
        update: STEADY_STATE_TIMEOUT,
        // ECS refuses to delete a service while a deployment runs; the delete waits as long as one may take.
        delete: STEADY_STATE_TIMEOUT,
      });
    });

    it("leaves the task count to autoscaling after creation", () => {
      assert.deepEqual(plain.options.get("web-service")?.ignoreChanges, ["desiredCount"]);
    });

    it("starts only once its listener rule, the load balancer's path to the instances and its roles' policies exist", () => {
      for (const run of [plain, api]) {
        const policies = run.evaluation.resourcesOfType("aws:iam/rolePolicy:RolePolicy").map((p) => p.name);
        assert.deepEqual(
          [...svc(run).options.dependsOn].sort(),
          ["web-rule", "shared-http", "shared-instances-in-from-alb", ...policies].sort(),
        );
      }
    });
  });

  describe("autoscaling", () => {
    it("scales this service's count between minTasks and maxTasks", () => {
      const { evaluation: e } = api;
      const target = e.one("aws:appautoscaling/target:Target").inputs;
      assert.equal(target.resourceId, `service/apps/${e.one("aws:ecs/service:Service").state.name}`);
      assert.deepEqual([target.minCapacity, target.maxCapacity], [2, 5]);
    });

    it("tracks CPU, memory and this target group's requests on the shared load balancer", () => {
      const { evaluation: e } = api;
      const configs = e
        .resourcesOfType("aws:appautoscaling/policy:Policy")
        .map((p) => p.inputs.targetTrackingScalingPolicyConfiguration);
      const byMetric = Object.fromEntries(
        configs.map((c) => [c.predefinedMetricSpecification.predefinedMetricType, c]),
      );
      assert.equal(byMetric.ECSServiceAverageCPUUtilization.targetValue, 55);
      assert.equal(byMetric.ECSServiceAverageMemoryUtilization.targetValue, 70);
      assert.equal(byMetric.ALBRequestCountPerTarget.targetValue, 800);
      assert.equal(
        byMetric.ALBRequestCountPerTarget.predefinedMetricSpecification.resourceLabel,
        `${ALB_ARN_SUFFIX}/${e.one("aws:lb/targetGroup:TargetGroup").state.arnSuffix}`,
      );
    });

    it("adds the request policy after the listener rule", () => {
      const requests = api.evaluation.named("web-scale-on-requests");
      assert.deepEqual(requests.options.dependsOn, ["web-rule"]);
    });
  });

  describe("alarms", () => {
    it("notify the topic about this service's target group and ECS service", () => {
      const { evaluation: e } = api;
      const alarms = e.resourcesOfType("aws:cloudwatch/metricAlarm:MetricAlarm");
      assert.ok(alarms.length > 0);
      const tg = e.one("aws:lb/targetGroup:TargetGroup").state.arnSuffix;
      const serviceName = e.one("aws:ecs/service:Service").state.name;
      for (const alarm of alarms) {
        assert.deepEqual([alarm.inputs.alarmActions, alarm.inputs.okActions], [[TOPIC], [TOPIC]], alarm.name);
        const dims = alarm.inputs.dimensions ?? {};
        if (dims.TargetGroup)
          assert.deepEqual(dims, { LoadBalancer: ALB_ARN_SUFFIX, TargetGroup: tg }, alarm.name);
        if (dims.ServiceName)
          assert.deepEqual(dims, { ClusterName: "apps", ServiceName: serviceName }, alarm.name);
      }
    });

    it("use the given thresholds, and the task's own sizes for the memory alarm", () => {
      const { evaluation: e } = api;
      assert.equal(e.named("web-target-5xx").inputs.threshold, 9);
      // 80% of the 1024 MiB hard limit, as ECS reports it: against the 512 MiB reservation.
      assert.equal(e.named("web-memory-high").inputs.threshold, 160);
    });
  });

  it("exposes its main children and what a caller needs", () => {
    const { evaluation: e } = api;
    const o = e.outputs;
    const one = (type: string) => e.one(type).name;
    assert.deepEqual(
      [o.targetGroup, o.listenerRule, o.taskDefinition, o.service, o.logGroup],
      [
        one("aws:lb/targetGroup:TargetGroup"),
        one("aws:lb/listenerRule:ListenerRule"),
        one("aws:ecs/taskDefinition:TaskDefinition"),
        one("aws:ecs/service:Service"),
        one("aws:cloudwatch/logGroup:LogGroup"),
      ],
    );
    assert.deepEqual([o.taskRole, o.executionRole], ["web-task-role", "web-execution-role"]);
    assert.deepEqual(
      [...o.alarms].sort(),
      e
        .resourcesOfType("aws:cloudwatch/metricAlarm:MetricAlarm")
        .map((a) => a.name)
        .sort(),
    );
    assert.equal(o.serviceName, e.one("aws:ecs/service:Service").state.name);
    assert.deepEqual(o.targetGroupArnSuffixes, [e.one("aws:lb/targetGroup:TargetGroup").state.arnSuffix]);
    assert.equal(o.logGroupName, e.one("aws:cloudwatch/logGroup:LogGroup").state.name);
    assert.equal(o.healthCheckPath, "/health/live");
    // t3.medium: 2048 CPU units / 512 = 4; 3686 MiB / 512 MiB reserved = 7.
    assert.equal(o.tasksPerInstance, 4);
  });

  it("creates its children with its own provider, tagged with its class, and names them after itself", () => {
    const { evaluation: e } = plain;
    const provider = e.named("web-aws");
    assert.deepEqual(JSON.parse(provider.inputs.defaultTags), {
      tags: { ...TAGS, component: "LoadBalancedService" },
    });
    const own = (r: RecordedResource) => r.parent?.name === "web" && r.type.startsWith("aws:");
    const children = e.resources.filter(own);
    assert.ok(children.length > 10);
    for (const child of children) {
      assert.equal(e.providerOf(child)?.name, "web-aws", child.name);
      assert.match(child.name, /^web-/);
    }
  });

  it("honours a caller's provider and then creates none", async () => {
    const e = await runUnderMocks(() => {
      const provider = new aws.Provider("caller", { region: "eu-west-1" });
      new LoadBalancedService("web", serviceArgs(sharedLoadBalancer(), {}), { provider });
    });
    const children = e.resources.filter((r) => r.parent?.name === "web" && r.custom);
    assert.ok(children.length > 10);
    for (const child of children) assert.equal(e.providerOf(child)?.name, "caller", child.name);
  });

  it("shares a load balancer and a cluster with another service without a clash", async () => {
    const e = await runUnderMocks(() => {
      const lb = sharedLoadBalancer();
      new LoadBalancedService("web", serviceArgs(lb, {}));
      new LoadBalancedService(
        "api",
        serviceArgs(lb, { route: { paths: ["/api/*"], hosts: [], priority: 100 } }),
      );
    });
    const rules = e.resourcesOfType("aws:lb/listenerRule:ListenerRule");
    assert.deepEqual(rules.map((r) => r.inputs.priority).sort(), [100, 110]);
    const families = e.resourcesOfType("aws:ecs/taskDefinition:TaskDefinition").map((d) => d.inputs.family);
    assert.equal(new Set(families).size, 2);
  });

  it("passes the project's policy pack", async () => {
    assert.deepEqual((await checkStack(api.evaluation)).violations, []);
  });

  it("fails the program with an ArgumentError listing every problem", async () => {
    await assert.rejects(
      runUnderMocks(
        () =>
          new LoadBalancedService(
            "web",
            serviceArgs(sharedLoadBalancer(), { minTasks: 3, memoryReservation: 1024 }),
          ),
      ),
      (err: unknown) => {
        assert.ok(err instanceof ArgumentError);
        assert.equal(
          err.message,
          "LoadBalancedService: desiredTasks = 2 is below minTasks = 3; memoryReservation = 1024 is above memory = 512; the soft limit must not exceed the hard limit",
        );
        return true;
      },
    );
  });
});

describe("LoadBalancedService deploying canary, with a test listener and a smoke-test hook", () => {
  let run: Run;
  const HOOK = {
    functionArn: `arn:aws:lambda:eu-west-1:${ACCOUNT_ID}:function:hook`,
    invokeRoleArn: `arn:aws:iam::${ACCOUNT_ID}:role/ecs-json-api/hook-invoke`,
    checks: [{ path: "/healthz", status: 200 }],
  };
  const INFRASTRUCTURE_ROLE = `arn:aws:iam::${ACCOUNT_ID}:role/ecs-json-api/ecs-infrastructure`;
  const service = () => run.evaluation.one("aws:ecs/service:Service");
  const rule = (name: string) => run.evaluation.named(name, "aws:lb/listenerRule:ListenerRule");
  const groups = () => run.evaluation.resourcesOfType("aws:lb/targetGroup:TargetGroup");

  /** The service deployed canary, with `extra` deployment arguments. */
  async function canaryRun(extra: Partial<DeploymentArgs> = {}): Promise<Run> {
    const options = new Map<string, pulumi.CustomResourceOptions>();
    const evaluation = await runUnderMocks(() => {
      pulumi.runtime.registerStackTransformation(({ name, opts }) => {
        options.set(name, opts);
        return undefined;
      });
      const base = sharedLoadBalancer();
      const testListener = new aws.lb.Listener(
        "shared-test",
        {
          loadBalancerArn: `arn:aws:elasticloadbalancing:eu-west-1:${ACCOUNT_ID}:loadbalancer/${ALB_ARN_SUFFIX}`,
          port: 9000,
          protocol: "HTTP",
          defaultActions: [
            { type: "fixed-response", fixedResponse: { contentType: "text/plain", statusCode: "404" } },
          ],
        },
        {
          provider: new aws.Provider("shared-test-aws", { region: "eu-west-1", defaultTags: { tags: TAGS } }),
        },
      );
      const lb: LoadBalancerRef = {
        ...base,
        testListener,
        testListenerPort: 9000,
        infrastructureRoleArn: pulumi.output(INFRASTRUCTURE_ROLE),
      };
      new LoadBalancedService(
        "web",
        serviceArgs(lb, {
          containerName: "web",
          container: { user: "1000:1000" },
          deployment: {
            deploymentStrategy: "canary",
            canaryPercent: 10,
            canaryBakeMinutes: 5,
            bakeMinutes: 10,
            ...extra,
          },
          smokeTest: HOOK,
        }),
      );
      return {};
    });
    return { evaluation, options };
  }

  before(async () => {
    run = await canaryRun();
  });

  it("gives the new revision a second target group, configured like the first", () => {
    const [primary, alternate] = groups();
    assert.deepEqual([primary.name, alternate.name], ["web-tg", "web-tg-alt"]);
    for (const key of ["port", "protocol", "targetType", "healthCheck", "deregistrationDelay", "vpcId"]) {
      assert.deepEqual(alternate.inputs[key], primary.inputs[key], key);
    }
  });

  it("routes production and test traffic all to the primary group, and lets ECS move the weights", () => {
    const [primary, alternate] = groups();
    const forward = [
      {
        type: "forward",
        forward: {
          targetGroups: [
            { arn: primary.state.arn, weight: 100 },
            { arn: alternate.state.arn, weight: 0 },
          ],
        },
      },
    ];
    for (const name of ["web-rule", "web-test-rule"]) {
      assert.deepEqual(rule(name).inputs.actions, forward, name);
      // ECS leaves the weights where the last deployment ended: Pulumi must not put them back.
      assert.deepEqual(run.options.get(name)?.ignoreChanges, ["actions"], name);
    }
    assert.deepEqual(rule("web-test-rule").inputs.conditions, rule("web-rule").inputs.conditions);
    assert.equal(rule("web-test-rule").inputs.listenerArn, run.evaluation.named("shared-test").state.arn);
  });

  it("wires the groups, both rules and ECS's infrastructure role into the service's load balancer", () => {
    const [primary, alternate] = groups();
    const [mapping] = service().inputs.loadBalancers;
    assert.equal(mapping.targetGroupArn, primary.state.arn);
    assert.deepEqual(mapping.advancedConfiguration, {
      alternateTargetGroupArn: alternate.state.arn,
      productionListenerRule: rule("web-rule").state.arn,
      testListenerRule: rule("web-test-rule").state.arn,
      roleArn: INFRASTRUCTURE_ROLE,
    });
    // A deployment may leave the groups swapped; sending them back would start another one.
    assert.deepEqual(run.options.get("web-service")?.ignoreChanges, ["desiredCount", "loadBalancers"]);
  });

  it("writes the rules' actions and the service's groups as declared for one up with resetTrafficRouting, to switch strategy", async () => {
    // Switching an existing service from rolling to canary must change its rule to forward to both groups and
    // give it the alternate group; ignored, ECS would get the strategy without them.
    const reset = await canaryRun({ resetTrafficRouting: true });
    for (const name of ["web-rule", "web-test-rule"])
      assert.equal(reset.options.get(name)?.ignoreChanges, undefined);
    assert.deepEqual(reset.options.get("web-service")?.ignoreChanges, ["desiredCount"]);
    const [mapping] = reset.evaluation.one("aws:ecs/service:Service").inputs.loadBalancers;
    assert.ok(mapping.advancedConfiguration.alternateTargetGroupArn);
  });

  it("deploys canary: 10% for 5 minutes, the old revision kept 10, after the smoke test passes", () => {
    const d = service().inputs.deploymentConfiguration;
    assert.equal(d.strategy, "CANARY");
    assert.deepEqual(d.canaryConfiguration, { canaryPercent: 10, canaryBakeTimeInMinutes: "5" });
    assert.equal(d.bakeTimeInMinutes, "10");
    const [hook] = d.lifecycleHooks;
    assert.deepEqual([hook.hookTargetArn, hook.roleArn], [HOOK.functionArn, HOOK.invokeRoleArn]);
    const details = JSON.parse(hook.hookDetails);
    assert.deepEqual(details, {
      loadBalancer: ALB_ARN_SUFFIX,
      port: 9000,
      protocol: "http",
      host: "localhost",
      checks: HOOK.checks,
    });
  });

  it("rolls a release back on its 5xx rate and p99 alarms, keeping the circuit breaker", () => {
    const alarms = service().inputs.alarms;
    assert.deepEqual([alarms.enable, alarms.rollback], [true, true]);
    const names = run.evaluation
      .resourcesOfType("aws:cloudwatch/metricAlarm:MetricAlarm")
      .filter((a) => /-release-/.test(a.name))
      .map((a) => a.state.name);
    assert.deepEqual([...alarms.alarmNames].sort(), names.sort());
    assert.equal(names.length, 2);
    assert.deepEqual(service().inputs.deploymentCircuitBreaker, { enable: true, rollback: true });
  });

  it("watches both target groups in every target-group alarm, since the traffic moves between them", () => {
    const [primary, alternate] = groups();
    for (const alarm of run.evaluation.resourcesOfType("aws:cloudwatch/metricAlarm:MetricAlarm")) {
      const groupsWatched = (alarm.inputs.metricQueries ?? [])
        .map((q: any) => q.metric?.dimensions?.TargetGroup)
        .filter(Boolean);
      if (alarm.inputs.namespace === "AWS/ApplicationELB" || groupsWatched.length > 0) {
        assert.deepEqual(
          [...new Set(groupsWatched)].sort(),
          [primary.state.arnSuffix, alternate.state.arnSuffix].sort(),
          alarm.name,
        );
      }
    }
  });

  it("scales on requests per serving task: each group's requests per target, summed over both groups", () => {
    const policy = run.evaluation.named("web-scale-on-requests");
    const spec = policy.inputs.targetTrackingScalingPolicyConfiguration.customizedMetricSpecification;
    const perTarget = spec.metrics.filter(
      (m: any) => m.metricStat?.metric.metricName === "RequestCountPerTarget",
    );
    const [primary, alternate] = groups();
    assert.deepEqual(
      perTarget.map(
        (m: any) => m.metricStat.metric.dimensions.find((d: any) => d.name === "TargetGroup").value,
      ),
      [primary.state.arnSuffix, alternate.state.arnSuffix],
    );
    // Not divided by the running tasks: during a release both revisions run in full, which would halve the load.
    const [line] = spec.metrics.filter((m: any) => m.returnData !== false);
    assert.equal(line.expression, `FILL(${perTarget[0].id}, 0) + FILL(${perTarget[1].id}, 0)`);
    assert.ok(spec.metrics.every((m: any) => m.metricStat?.metric.metricName !== "RunningTaskCount"));
  });

  it("waits for the whole release (canary bake and final bake) before pulumi up reports", () => {
    const timeouts = run.options.get("web-service")?.customTimeouts as { update: string };
    assert.ok(seconds(timeouts.update) > (5 + 10) * 60 + seconds(STEADY_STATE_TIMEOUT));
  });

  it("passes the project's policy pack", async () => {
    assert.deepEqual(
      (await checkStack(run.evaluation)).violations.map(
        (v: { policy: string; message: string }) => `${v.policy}: ${v.message}`,
      ),
      [],
    );
  });

  it("refuses a managed strategy on a load balancer without a test listener", async () => {
    await assert.rejects(
      runUnderMocks(
        () =>
          new LoadBalancedService(
            "web",
            serviceArgs(sharedLoadBalancer(), { deployment: { deploymentStrategy: "blue-green" } }),
          ),
      ),
      (err: Error) =>
        err instanceof ArgumentError && /needs a load balancer with a test listener/.test(err.message),
    );
  });
});
