/**
 * The whole program, per stack, through the harness: the components wired from the committed stack files.
 * Component details are specified in each component's own tests; these specify the wiring between them and what
 * makes test and prod differ.
 */
import * as assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { RELEASE_ALARM_MINUTES } from "../components/alarms";
import {
  type Evaluation,
  EvaluationError,
  evaluateStack,
  PROJECT_ROOT,
  type RecordedResource,
} from "../lib/harness";
import { checkStack } from "../lib/policy";
import { loadConfig, VARIABLES } from "../service/src/config";

const STACKS = ["test", "prod"] as const;
const COMPONENTS = [
  "ecs-json-api:network:Network",
  "ecs-json-api:storage:JsonBucket",
  "ecs-json-api:registry:Registry",
  "ecs-json-api:ecs:EcsCluster",
  "ecs-json-api:service:LoadBalancer",
  "ecs-json-api:service:LoadBalancedService",
  "ecs-json-api:monitoring:Monitoring",
  "ecs-json-api:monitoring:Dashboard",
  "ecs-json-api:deployment:DeploymentHook",
];
const DIGEST = (c: string) =>
  `123456789012.dkr.ecr.eu-west-1.amazonaws.com/ecs-json-api@sha256:${c.repeat(64)}`;

const policyOf = (r: RecordedResource) => JSON.parse(r.inputs.policy);
const statements = (doc: { Statement: any[] }) => doc.Statement;

for (const stackName of STACKS) {
  describe(`the ${stackName} stack`, () => {
    let stack: Evaluation;
    before(async () => {
      stack = await evaluateStack(stackName);
    });

    it("instantiates each component once, directly under the stack", () => {
      for (const type of COMPONENTS) {
        const component = stack.one(type);
        assert.equal(component.parent, undefined, `${type} should be a root component`);
        assert.ok(
          component.name.startsWith(`api-${stackName}-`),
          `${component.name} carries the stack's name`,
        );
      }
    });

    it("parents every AWS resource to a component and registers it with that component's tagged provider", () => {
      const components = new Set(COMPONENTS);
      for (const r of stack.resources.filter(
        (r) => r.type.startsWith("aws:") || r.type.startsWith("awsx:"),
      )) {
        assert.ok(r.parent, `${r.type} ${r.name} has no parent`);
        let owner = stack.resources.find((c) => c.type === r.parent?.type && c.name === r.parent?.name);
        while (owner && !components.has(owner.type)) {
          owner = stack.resources.find(
            (c) => c.type === owner?.parent?.type && c.name === owner?.parent?.name,
          );
        }
        assert.ok(owner, `${r.type} ${r.name} is not inside a component`);
        if (r.type.startsWith("awsx:")) continue; // remote components get their providers map instead
        const provider = stack.providerOf(r);
        assert.ok(provider, `${r.type} ${r.name} uses the default provider, so it misses the default tags`);
        const tags = JSON.parse(provider.inputs.defaultTags).tags;
        assert.equal(tags.project, "ecs-json-api");
        assert.equal(tags.stack, stackName);
        assert.equal(tags.component, owner.type.split(":").pop());
        assert.equal(provider.inputs.region, "eu-west-1");
      }
    });

    it("puts the ALB in the public subnets and the container instances in the private ones", () => {
      const vpc = stack.one("awsx:ec2:Vpc");
      const alb = stack.one("aws:lb/loadBalancer:LoadBalancer");
      const asg = stack.one("aws:autoscaling/group:Group");
      assert.equal(alb.inputs.internal, false);
      assert.deepEqual(alb.inputs.subnets, vpc.state.publicSubnetIds);
      assert.deepEqual(asg.inputs.vpcZoneIdentifiers, vpc.state.privateSubnetIds);
      const azCount = stackName === "prod" ? 3 : 2;
      assert.equal(vpc.inputs.numberOfAvailabilityZones, azCount);
      assert.equal(asg.inputs.vpcZoneIdentifiers.length, azCount);
    });

    it("registers the API's tasks in its target group on the container's port, and routes every path to it", () => {
      const service = stack.one("aws:ecs/service:Service");
      const targetGroup = stack.named(`api-${stackName}-api-tg`);
      const taskDefinition = stack.one("aws:ecs/taskDefinition:TaskDefinition");
      const [container] = JSON.parse(taskDefinition.inputs.containerDefinitions);
      const mappings = service.inputs.loadBalancers.map(({ advancedConfiguration: _, ...m }: any) => m);
      assert.deepEqual(mappings, [
        { containerName: container.name, containerPort: 8080, targetGroupArn: targetGroup.state.arn },
      ]);
      assert.deepEqual(container.portMappings, [{ containerPort: 8080, hostPort: 0, protocol: "tcp" }]);
      const listener = stack.named(`api-${stackName}-lb-http`);
      assert.equal(listener.inputs.loadBalancerArn, stack.one("aws:lb/loadBalancer:LoadBalancer").state.arn);
      const rule = stack.named(`api-${stackName}-api-rule`);
      assert.equal(rule.inputs.listenerArn, listener.state.arn);
      assert.deepEqual(rule.inputs.conditions, [{ pathPattern: { values: ["/*"] } }]);
      // All of it to the API's primary group; its alternate group waits, at weight 0, for the next release.
      const weights = rule.inputs.actions[0].forward.targetGroups.map((g: any) => [g.arn, g.weight]);
      assert.deepEqual(weights, [
        [targetGroup.state.arn, 100],
        [stack.named(`api-${stackName}-api-tg-alt`).state.arn, 0],
      ]);
    });

    it("runs the service on the cluster's capacity provider, never a launch type", () => {
      const service = stack.one("aws:ecs/service:Service");
      const capacityProvider = stack.one("aws:ecs/capacityProvider:CapacityProvider");
      assert.equal(service.inputs.cluster, stack.one("aws:ecs/cluster:Cluster").state.arn);
      assert.equal(service.inputs.launchType, undefined);
      assert.deepEqual(
        service.inputs.capacityProviderStrategies.map((s: any) => s.capacityProvider),
        [capacityProvider.state.name],
      );
      assert.equal(
        capacityProvider.inputs.autoScalingGroupProvider.autoScalingGroupArn,
        stack.one("aws:autoscaling/group:Group").state.arn,
      );
    });

    it("opens the instances only to the ALB's security group, on the ephemeral port range", () => {
      const instanceSg = stack.named(`api-${stackName}-cluster-instance-sg`);
      const albSg = stack.one("aws:lb/loadBalancer:LoadBalancer").inputs.securityGroups;
      const ingress = stack
        .resourcesOfType("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule")
        .filter((r) => r.inputs.securityGroupId === instanceSg.state.id);
      assert.equal(ingress.length, 1);
      assert.deepEqual(
        {
          from: ingress[0].inputs.fromPort,
          to: ingress[0].inputs.toPort,
          source: [ingress[0].inputs.referencedSecurityGroupId],
        },
        { from: 32768, to: 65535, source: albSg },
      );
      assert.deepEqual(instanceSg.inputs.ingress ?? [], []);
    });

    it("grants the task role read access to exactly the documents' prefix of the stack's bucket", () => {
      const bucket = stack.named(`api-${stackName}-docs-bucket`);
      const taskRole = stack.named(`api-${stackName}-api-task-role`);
      const policies = stack
        .resourcesOfType("aws:iam/rolePolicy:RolePolicy")
        .filter((p) => p.inputs.role === taskRole.state.name || p.inputs.role === taskRole.state.id);
      assert.equal(policies.length, 1, "the task role has one inline policy");
      const resources = statements(policyOf(policies[0])).flatMap((s) => [s.Resource].flat());
      assert.deepEqual(resources.sort(), [bucket.state.arn, `${bucket.state.arn}/documents/*`].sort());
      const taskDefinition = stack.one("aws:ecs/taskDefinition:TaskDefinition");
      assert.equal(taskDefinition.inputs.taskRoleArn, taskRole.state.arn);
      assert.notEqual(taskDefinition.inputs.executionRoleArn, taskRole.state.arn);
    });

    it("tells the container which bucket, prefix and region to read", () => {
      const [container] = JSON.parse(
        stack.one("aws:ecs/taskDefinition:TaskDefinition").inputs.containerDefinitions,
      );
      const env = Object.fromEntries(
        container.environment.map((e: { name: string; value: string }) => [e.name, e.value]),
      );
      assert.equal(env.BUCKET_NAME, stack.named(`api-${stackName}-docs-bucket`).state.bucket);
      assert.equal(env.KEY_PREFIX, "documents/");
      assert.equal(env.AWS_REGION, "eu-west-1");
      assert.equal(env.KEEP_ALIVE_TIMEOUT_MS, String((60 + 5) * 1000));
    });

    it("hands the container an environment the service accepts", () => {
      const [container] = JSON.parse(
        stack.one("aws:ecs/taskDefinition:TaskDefinition").inputs.containerDefinitions,
      );
      const env = Object.fromEntries(
        container.environment.map((e: { name: string; value: string }) => [e.name, e.value]),
      );
      const service = loadConfig(env);
      assert.ok(service.keepAliveTimeoutMs > 60_000, "keep-alive above the ALB's idle timeout");
      assert.ok(
        service.shutdownTimeoutMs < container.stopTimeout * 1000,
        "drained before ECS kills the container",
      );
    });

    it("runs the API's image by digest and records it in the stack's release parameter", () => {
      const [container] = JSON.parse(
        stack.one("aws:ecs/taskDefinition:TaskDefinition").inputs.containerDefinitions,
      );
      assert.match(
        container.image,
        /^\d{12}\.dkr\.ecr\.eu-west-1\.amazonaws\.com\/ecs-json-api@sha256:[0-9a-f]{64}$/,
      );
      assert.equal(stack.outputs.imageRef, container.image);
      assert.deepEqual(stack.outputs.release, { api: container.image });
      const record = stack.one("aws:ssm/parameter:Parameter");
      assert.deepEqual(
        [record.inputs.name, record.inputs.value],
        [`/ecs-json-api/${stackName}/release/api`, container.image],
      );
    });

    it("publishes every Auto Scaling group metric the dashboard graphs, for the cluster's group", () => {
      const asg = stack.one("aws:autoscaling/group:Group");
      const body = JSON.parse(stack.one("aws:cloudwatch/dashboard:Dashboard").inputs.dashboardBody);
      const metrics = body.widgets
        .flatMap((w: any) => w.properties?.metrics ?? [])
        .filter((m: any[]) => m[0] === "AWS/AutoScaling");
      assert.ok(metrics.length >= 2, "the dashboard graphs the instance count");
      for (const m of metrics) {
        assert.ok(
          asg.inputs.enabledMetrics.includes(m[1]),
          `${m[1]} is graphed but not enabled on the group`,
        );
        assert.equal(m[3], asg.state.name);
      }
    });

    it("exports what an operator needs", () => {
      for (const key of [
        "url",
        "albDnsName",
        "clusterName",
        "serviceName",
        "bucketName",
        "imageRef",
        "release",
        "services",
        "logGroupName",
        "dashboardUrl",
        "tasksPerInstance",
        "autoScalingGroupName",
      ]) {
        assert.ok(stack.outputs[key] !== undefined && stack.outputs[key] !== "", `output ${key} is missing`);
      }
      assert.equal(stack.outputs.url, `http://${stack.outputs.albDnsName}`);
      assert.equal(stack.outputs.documentCount, 2);
      assert.deepEqual(stack.outputs.services, {
        api: {
          url: stack.outputs.url,
          healthCheckPath: "/healthz",
          smokeTest: "json-api",
          deploymentStrategy: stackName === "prod" ? "canary" : "blue-green",
          paths: ["/*"],
          hosts: [],
        },
      });
    });

    it("creates every IAM role and instance profile under the project's IAM path, where the deploy role may", () => {
      const entities = [
        ...stack.resourcesOfType("aws:iam/role:Role"),
        ...stack.resourcesOfType("aws:iam/instanceProfile:InstanceProfile"),
      ];
      assert.ok(entities.length >= 5);
      for (const r of entities) assert.equal(r.inputs.path, "/ecs-json-api/", `${r.type} ${r.name}`);
    });

    it("gives every role the bootstrap's workload permissions boundary, which the deploy roles require", () => {
      const roles = stack.resourcesOfType("aws:iam/role:Role");
      assert.ok(roles.length >= 4);
      for (const role of roles) {
        assert.equal(
          role.inputs.permissionsBoundary,
          "arn:aws:iam::123456789012:policy/ci/ecs-json-api-workload-boundary",
          role.name,
        );
      }
    });

    it("keeps the ALB's and target group's logical names short enough for AWS's 32-character names", () => {
      // Pulumi appends "-" and 7 random characters to auto-name them.
      for (const type of ["aws:lb/loadBalancer:LoadBalancer", "aws:lb/targetGroup:TargetGroup"]) {
        for (const r of stack.resourcesOfType(type)) {
          assert.ok(r.name.length + 8 <= 32, `${r.name} is too long for an auto-named ${type}`);
        }
      }
    });
  });
}

describe("what differs between test and prod", () => {
  let test: Evaluation;
  let prod: Evaluation;
  before(async () => {
    [test, prod] = await Promise.all([evaluateStack("test"), evaluateStack("prod")]);
  });

  it("gives prod a NAT gateway per AZ and interface endpoints; test one shared NAT gateway and none", () => {
    assert.deepEqual(test.one("awsx:ec2:Vpc").inputs.natGateways, { strategy: "Single" });
    assert.deepEqual(prod.one("awsx:ec2:Vpc").inputs.natGateways, { strategy: "OnePerAz" });
    assert.equal(test.resourcesOfType("aws:ec2/vpcEndpoint:VpcEndpoint").length, 0);
    assert.equal(prod.resourcesOfType("aws:ec2/vpcEndpoint:VpcEndpoint").length, 6);
  });

  it("runs test on spot and prod on demand", () => {
    assert.ok(test.one("aws:autoscaling/group:Group").inputs.mixedInstancesPolicy);
    assert.equal(prod.one("aws:autoscaling/group:Group").inputs.mixedInstancesPolicy, undefined);
  });

  it("protects prod's data and load balancer, and lets test be destroyed cleanly", () => {
    const docs = (e: Evaluation, stack: string) => e.named(`api-${stack}-docs-bucket`);
    assert.equal(docs(prod, "prod").options.retainOnDelete, true);
    assert.notEqual(docs(prod, "prod").inputs.forceDestroy, true);
    assert.equal(docs(test, "test").inputs.forceDestroy, true);
    assert.equal(prod.one("aws:lb/loadBalancer:LoadBalancer").inputs.enableDeletionProtection, true);
    assert.equal(test.one("aws:lb/loadBalancer:LoadBalancer").inputs.enableDeletionProtection, false);
    assert.equal(test.one("aws:autoscaling/group:Group").inputs.forceDelete, true);
  });

  it("leaves the images to the shared repository: neither stack creates or deletes one", () => {
    for (const e of [test, prod]) assert.deepEqual(e.resourcesOfType("aws:ecr/repository:Repository"), []);
  });

  it("builds in test only: prod deploys the release it recorded, and a preview of it builds nothing", () => {
    assert.equal(test.resourcesOfType("docker:index/image:Image").length, 1);
    assert.deepEqual(prod.resourcesOfType("docker:index/image:Image"), []);
    assert.deepEqual(prod.invokesOf("aws:ecr/getAuthorizationToken:getAuthorizationToken"), []);
    const [lookup] = prod.invokesOf("aws:ssm/getParametersByPath:getParametersByPath");
    assert.equal(lookup.args.path, "/ecs-json-api/prod/release/");
  });

  it("keeps prod's logs 90 days and test's 7", () => {
    for (const [e, days] of [
      [test, 7],
      [prod, 90],
    ] as const) {
      const groups = e.resourcesOfType("aws:cloudwatch/logGroup:LogGroup");
      assert.ok(groups.length >= 2);
      for (const g of groups) assert.equal(g.inputs.retentionInDays, days, g.name);
    }
  });

  it("writes ALB access logs in prod only", () => {
    assert.ok(prod.one("aws:lb/loadBalancer:LoadBalancer").inputs.accessLogs?.enabled);
    assert.ok(!test.one("aws:lb/loadBalancer:LoadBalancer").inputs.accessLogs?.enabled);
  });

  it("sizes prod for three tasks spread across three AZs, with room to scale to twelve", () => {
    const target = prod.one("aws:appautoscaling/target:Target");
    assert.deepEqual([target.inputs.minCapacity, target.inputs.maxCapacity], [3, 12]);
    assert.equal(prod.one("aws:ecs/service:Service").inputs.desiredCount, 3);
    // Eight instances at most: a canary at full scale runs both revisions' 12 tasks.
    const asg = prod.one("aws:autoscaling/group:Group");
    assert.deepEqual([asg.inputs.minSize, asg.inputs.maxSize], [3, 8]);
  });

  it("creates the same kinds of resources in both, apart from prod's endpoints and access logs, and test's build", () => {
    const kinds = (e: Evaluation) => new Set(Object.keys(e.countsByType()));
    const onlyProd = [...kinds(prod)].filter((k) => !kinds(test).has(k)).sort();
    const onlyTest = [...kinds(test)].filter((k) => !kinds(prod).has(k));
    assert.deepEqual(onlyTest, ["docker:index/image:Image"]);
    assert.deepEqual(onlyProd, ["aws:ec2/vpcEndpoint:VpcEndpoint", "aws:s3/bucketLogging:BucketLogging"]);
  });
});

describe("the HTTPS variants of prod", () => {
  const variants: Record<string, Record<string, string>> = {
    "a certificate ARN": {
      "ecs-json-api:certificateArn":
        "arn:aws:acm:eu-west-1:123456789012:certificate/0f1e2d3c-aaaa-bbbb-cccc-123456789abc",
    },
    "a domain in a hosted zone": {
      "ecs-json-api:domainName": "api.example.com",
      "ecs-json-api:hostedZoneId": "Z0123456789ABC",
    },
  };
  for (const [what, overrides] of Object.entries(variants)) {
    it(`with ${what}: serves HTTPS with a TLS 1.3 policy, redirects HTTP, and passes the policy pack`, async () => {
      const stack = await evaluateStack("prod", { overrides });
      const listeners = Object.fromEntries(
        stack.resourcesOfType("aws:lb/listener:Listener").map((l) => [l.inputs.port, l.inputs]),
      );
      // Production on 443, the redirect on 80, and the test listener, open to the VPC only, over TLS too.
      assert.deepEqual(Object.keys(listeners).sort(), ["443", "80", "9000"]);
      assert.equal(listeners[9000].protocol, "HTTPS");
      assert.equal(listeners[9000].sslPolicy, listeners[443].sslPolicy);
      assert.equal(listeners[443].protocol, "HTTPS");
      assert.match(listeners[443].sslPolicy, /^ELBSecurityPolicy-TLS13-/);
      assert.equal(listeners[80].defaultActions[0].type, "redirect");
      assert.equal(listeners[80].defaultActions[0].redirect.protocol, "HTTPS");
      const result = await checkStack(stack);
      assert.deepEqual(
        result.violations.map((v: { policy: string; message: string }) => `${v.policy}: ${v.message}`),
        [],
      );
    });
  }
});

describe("the longest ALB idle timeout the config allows", () => {
  /** The service's keep-alive ceiling, less the 5 s it keeps above the ALB's idle timeout. */
  const longest = VARIABLES.KEEP_ALIVE_TIMEOUT_MS.rule.maximum / 1000 - 5;

  it("still gives the service a keep-alive it accepts", async () => {
    const stack = await evaluateStack("test", {
      overrides: { "ecs-json-api:albIdleTimeout": String(longest) },
    });
    const [container] = JSON.parse(
      stack.one("aws:ecs/taskDefinition:TaskDefinition").inputs.containerDefinitions,
    );
    const env = Object.fromEntries(
      container.environment.map((e: { name: string; value: string }) => [e.name, e.value]),
    );
    assert.equal(stack.one("aws:lb/loadBalancer:LoadBalancer").inputs.idleTimeout, longest);
    assert.equal(loadConfig(env).keepAliveTimeoutMs, (longest + 5) * 1000);
  });

  it("refuses one second more, which the service would refuse", async () => {
    await assert.rejects(
      evaluateStack("test", { overrides: { "ecs-json-api:albIdleTimeout": String(longest + 1) } }),
      (err: Error) =>
        err instanceof EvaluationError &&
        /albIdleTimeout = 3596 needs the service's keep-alive/.test(err.message),
    );
  });
});

describe("prod's release", () => {
  it("refuses a first deploy with nothing promoted, naming the way out", async () => {
    await assert.rejects(evaluateStack("prod", { deployedBefore: false }), (err: Error) =>
      /no image for service "api": it is not built here \(buildImages is false\), not in the release, and \/ecs-json-api\/prod\/release\/api records nothing; deploy a release/.test(
        err.message,
      ),
    );
  });

  it("deploys a promoted release as given and records it for the next preview", async () => {
    const promoted = DIGEST("d");
    const stack = await evaluateStack("prod", {
      deployedBefore: false,
      overrides: { "ecs-json-api:release": JSON.stringify({ api: promoted }) },
    });
    const [container] = JSON.parse(
      stack.one("aws:ecs/taskDefinition:TaskDefinition").inputs.containerDefinitions,
    );
    assert.equal(container.image, promoted);
    assert.equal(stack.one("aws:ssm/parameter:Parameter").inputs.value, promoted);
  });
});

describe("how each stack releases", () => {
  let test: Evaluation;
  let prod: Evaluation;
  before(async () => {
    [test, prod] = await Promise.all([evaluateStack("test"), evaluateStack("prod")]);
  });
  const deployment = (e: Evaluation) => e.one("aws:ecs/service:Service").inputs.deploymentConfiguration;

  it("starts the API's first tasks (and its first smoke test) only once the documents it reads are in the bucket", () => {
    for (const e of [test, prod]) {
      const documents = e.resourcesOfType("aws:s3/bucketObjectv2:BucketObjectv2").map((d) => d.name);
      assert.ok(documents.length > 0);
      const waits = e.one("aws:ecs/service:Service").options.dependsOn;
      for (const d of documents) assert.ok(waits.includes(d), `${e.stack}: the service waits for ${d}`);
    }
  });

  it("releases prod canary: 10% of the traffic for 5 minutes, then the rest, the old revision kept 10", () => {
    const d = deployment(prod);
    assert.equal(d.strategy, "CANARY");
    assert.deepEqual(d.canaryConfiguration, { canaryPercent: 10, canaryBakeTimeInMinutes: "5" });
    assert.equal(d.bakeTimeInMinutes, "10");
  });

  it("releases test blue-green with the shortest bake in which its release alarms can still roll it back", () => {
    const d = deployment(test);
    assert.equal(d.strategy, "BLUE_GREEN");
    assert.equal(d.bakeTimeInMinutes, String(RELEASE_ALARM_MINUTES));
  });

  for (const [name, e] of [
    ["test", () => test],
    ["prod", () => prod],
  ] as const) {
    it(`${name}: smoke-tests a release with the API's checks, through the test listener, before production traffic`, () => {
      const [hook] = deployment(e()).lifecycleHooks;
      const fn = e().one("aws:lambda/function:Function");
      assert.equal(hook.hookTargetArn, fn.state.arn);
      assert.equal(hook.roleArn, e().named(`api-${name}-hook-invoke-role`).state.arn);
      const details = JSON.parse(hook.hookDetails);
      assert.equal(details.port, e().named(`api-${name}-lb-test`).inputs.port);
      assert.equal(details.loadBalancer, e().one("aws:lb/loadBalancer:LoadBalancer").state.arnSuffix);
      // Health, a seeded document byte for byte, and a missing key's 404 (the task role's ListBucket on real S3).
      assert.deepEqual(
        details.checks.map((c: any) => [c.path, c.status]),
        [
          ["/healthz", 200],
          ["/api/bar", 200],
          ["/api/smoke-test-no-such-document_", 404],
        ],
      );
      assert.deepEqual(
        details.checks[1].json,
        JSON.parse(readFileSync(path.join(PROJECT_ROOT, "content", "bar.json"), "utf8")),
      );
    });

    it(`${name}: rolls a release back on the API's release alarms, which watch both of its target groups`, () => {
      const alarms = e().one("aws:ecs/service:Service").inputs.alarms;
      assert.deepEqual([alarms.enable, alarms.rollback], [true, true]);
      const named = e()
        .resourcesOfType("aws:cloudwatch/metricAlarm:MetricAlarm")
        .filter((a) => alarms.alarmNames.includes(a.state.name));
      assert.deepEqual(named.map((a) => a.name).sort(), [
        `api-${name}-api-release-5xx-rate`,
        `api-${name}-api-release-latency`,
      ]);
    });
  }
});
