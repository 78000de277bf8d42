/**
 * The offline plan: the pure pieces (architecture, Mermaid diagram, differences, tree) on small synthetic
 * graphs, so they are pinned down however the real program changes; then the real program, and the committed
 * diagrams, which must match what `npm run plan` generates now.
 */
import * as assert from "node:assert/strict";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { PROJECT_ROOT } from "../lib/harness";
import {
  architectureOf,
  COST_SUMMARY_REGION,
  configDifferences,
  diagramPath,
  embedDiagram,
  embeddedDiagram,
  embeddedRegion,
  mermaidBlock,
  type PlanResource,
  planStack,
  renderDiagram,
  resourceDifferences,
  resourceTree,
  stackDiagram,
} from "../lib/plan";
import { ARN, res } from "./costFixture";

/** A two-AZ stack with one of everything, HTTPS with the HTTP listener redirecting, on Spot instances. */
function smallGraph(extra: PlanResource[] = []): PlanResource[] {
  const vpc = res("awsx:ec2:Vpc", "demo-vpc", {
    cidrBlock: "10.1.0.0/16",
    numberOfAvailabilityZones: 2,
    natGateways: { strategy: "Single" },
    vpcEndpointSpecs: [{ serviceName: "com.amazonaws.eu-west-1.s3", vpcEndpointType: "Gateway" }],
  });
  vpc.state.publicSubnetIds = ["subnet-p0", "subnet-p1"];
  vpc.state.privateSubnetIds = ["subnet-q0", "subnet-q1"];
  return [
    res("pulumi:pulumi:Stack", "demo-test"),
    vpc,
    res("aws:lb/loadBalancer:LoadBalancer", "demo-alb", {
      dropInvalidHeaderFields: true,
      securityGroups: ["demo-alb-sg-abc1234"],
    }),
    res("aws:ec2/securityGroup:SecurityGroup", "demo-alb-sg"),
    ...[80, 443].map((port) =>
      res("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", `demo-alb-in-${port}`, {
        securityGroupId: "demo-alb-sg-abc1234",
        ipProtocol: "tcp",
        fromPort: port,
        toPort: port,
        cidrIpv4: "0.0.0.0/0",
      }),
    ),
    // A test listener that only the VPC reaches: on the load balancer, but not an entry from the internet.
    res("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", "demo-alb-in-9000", {
      securityGroupId: "demo-alb-sg-abc1234",
      ipProtocol: "tcp",
      fromPort: 9000,
      toPort: 9000,
      cidrIpv4: "10.1.0.0/16",
    }),
    res("aws:lb/listener:Listener", "demo-test-listener", {
      loadBalancerArn: ARN("demo-alb", "loadbalancer"),
      protocol: "HTTP",
      port: 9000,
      defaultActions: [{ type: "fixed-response", fixedResponse: { statusCode: "404" } }],
    }),
    res("aws:lb/targetGroup:TargetGroup", "demo-tg", {
      protocol: "HTTP",
      port: 8080,
      healthCheck: { path: "/healthz" },
    }),
    res("aws:lb/listener:Listener", "demo-https", {
      loadBalancerArn: ARN("demo-alb", "loadbalancer"),
      protocol: "HTTPS",
      port: 443,
      defaultActions: [{ type: "forward", targetGroupArn: ARN("demo-tg", "targetgroup") }],
    }),
    res("aws:lb/listener:Listener", "demo-http", {
      loadBalancerArn: ARN("demo-alb", "loadbalancer"),
      protocol: "HTTP",
      port: 80,
      defaultActions: [
        { type: "redirect", redirect: { protocol: "HTTPS", port: "443", statusCode: "HTTP_301" } },
      ],
    }),
    res("aws:ec2/launchTemplate:LaunchTemplate", "demo-lt", {
      instanceType: "t3.small",
      instanceMarketOptions: { marketType: "spot" },
    }),
    res("aws:autoscaling/group:Group", "demo-asg", {
      minSize: 1,
      maxSize: 2,
      launchTemplate: { id: "demo-lt-abc1234" },
    }),
    res("aws:ecs/capacityProvider:CapacityProvider", "demo-cp", {
      autoScalingGroupProvider: {
        autoScalingGroupArn: ARN("demo-asg", "group"),
        managedScaling: { targetCapacity: 90 },
      },
    }),
    res("aws:iam/role:Role", "demo-task-role"),
    res("aws:iam/rolePolicy:RolePolicy", "demo-task-read", {
      role: "demo-task-role-abc1234",
      policy: JSON.stringify({
        Statement: [{ Action: "s3:GetObject", Resource: `${ARN("demo-docs", "bucket")}/*` }],
      }),
    }),
    res("aws:ecs/taskDefinition:TaskDefinition", "demo-td", {
      networkMode: "bridge",
      taskRoleArn: ARN("demo-task-role", "role"),
      containerDefinitions: JSON.stringify([
        { image: `1.dkr.ecr.eu-west-1.amazonaws.com/demo-repo-abc1234@sha256:${"a".repeat(64)}` },
      ]),
    }),
    res("aws:ecs/service:Service", "demo-svc", {
      desiredCount: 2,
      taskDefinition: ARN("demo-td", "taskdefinition"),
      capacityProviderStrategies: [{ capacityProvider: "demo-cp-abc1234", weight: 1 }],
      loadBalancers: [
        { targetGroupArn: ARN("demo-tg", "targetgroup"), containerName: "app", containerPort: 8080 },
      ],
    }),
    res("aws:appautoscaling/target:Target", "demo-scaling", {
      minCapacity: 1,
      maxCapacity: 4,
      resourceId: "service/cluster/demo-svc-abc1234",
    }),
    res("aws:s3/bucket:Bucket", "demo-docs"),
    res("aws:ecr/repository:Repository", "demo-repo"),
    res("aws:cloudwatch/logGroup:LogGroup", "demo-logs", { retentionInDays: 14 }),
    res("aws:cloudwatch/metricAlarm:MetricAlarm", "demo-5xx"),
    res("aws:sns/topic:Topic", "demo-alarms"),
    ...extra,
  ];
}

describe("offline plan", () => {
  describe("architecture diagram (pure, on a synthetic graph)", () => {
    it("draws internet → ALB (the listeners open to it) → target group → tasks on the instances → S3 via the gateway endpoint", () => {
      assert.equal(
        renderDiagram(architectureOf(smallGraph())),
        [
          "flowchart LR",
          '  internet(("Internet"))',
          '  subgraph vpc["VPC 10.1.0.0/16 · 2 Availability Zones"]',
          '    subgraph public["Public subnets × 2"]',
          '      alb0["Application Load Balancer<br/>demo-alb<br/>HTTP :80 → redirect to HTTPS<br/>HTTP :9000 → rules, else 404 · VPC only<br/>HTTPS :443 → forward<br/>internet-facing"]',
          '      nat["NAT gateway × 1"]',
          "    end",
          '    subgraph private["Private subnets × 2"]',
          '      tg0["Target group<br/>demo-tg<br/>HTTP to host ports · health /healthz"]',
          '      subgraph asg0["Auto Scaling group<br/>demo-asg<br/>t3.small · Spot · 1–2 instances"]',
          '        svc0["ECS service<br/>demo-svc<br/>tasks: 2 desired, 1–4<br/>bridge networking, dynamic host ports<br/>releases: rolling"]',
          "      end",
          '      cp0["Capacity provider<br/>demo-cp<br/>managed scaling, target 90%"]',
          "    end",
          '    s3gw["S3 gateway endpoint"]',
          "  end",
          '  bucket0[("S3 bucket<br/>demo-docs")]',
          '  ecr0[("ECR repository<br/>demo-repo")]',
          '  logs["CloudWatch Logs<br/>1 log group · 14 days"]',
          '  alarms["CloudWatch alarms × 1<br/>notify 1 SNS topic"]',
          "  internet -->|HTTP :80, HTTPS :443| alb0",
          "  alb0 --> tg0",
          "  cp0 -.->|scales| asg0",
          "  tg0 -->|dynamic host ports| svc0",
          "  svc0 -->|read documents| s3gw",
          "  s3gw --> bucket0",
          "  svc0 -.->|pull image| nat",
          "  nat -.-> ecr0",
          "  svc0 -.->|write logs| nat",
          "  nat -.-> logs",
          "  alb0 -.->|metrics| alarms",
          "  svc0 -.->|metrics| alarms",
          "  nat -.->|outbound| internet",
        ].join("\n"),
      );
    });

    it("routes image pulls and logs through interface endpoints when they exist", () => {
      const endpoint = (service: string) =>
        res("aws:ec2/vpcEndpoint:VpcEndpoint", `demo-${service}`, {
          serviceName: `com.amazonaws.eu-west-1.${service}`,
          vpcEndpointType: "Interface",
        });
      const diagram = renderDiagram(architectureOf(smallGraph([endpoint("ecr.dkr"), endpoint("logs")])));
      assert.match(diagram, /^ {6}ifep\["Interface endpoints<br\/>ecr\.dkr · logs"\]$/m);
      assert.match(diagram, /^ {2}svc0 -\.->\|pull image\| ifep\n {2}ifep -\.-> ecr0$/m);
      assert.doesNotMatch(diagram, /svc0 -\.->\|pull image\| nat/);
    });

    it("counts subnets, AZs and NAT gateways from plain VPC resources too", () => {
      const subnet = (n: number, az: string, pub: boolean) =>
        res("aws:ec2/subnet:Subnet", `s${n}`, { availabilityZone: az, mapPublicIpOnLaunch: pub });
      const arch = architectureOf([
        res("aws:ec2/vpc:Vpc", "v", { cidrBlock: "10.9.0.0/16" }),
        subnet(1, "a", true),
        subnet(2, "b", true),
        subnet(3, "a", false),
        subnet(4, "b", false),
        subnet(5, "c", false),
        res("aws:ec2/natGateway:NatGateway", "n1"),
      ]);
      assert.deepEqual(arch.vpc, {
        cidr: "10.9.0.0/16",
        azs: 3,
        publicSubnets: 2,
        privateSubnets: 3,
        natGateways: 1,
      });
    });

    it("draws an empty program as just the internet", () => {
      assert.equal(
        renderDiagram(architectureOf([res("pulumi:pulumi:Stack", "x-test")])),
        'flowchart LR\n  internet(("Internet"))',
      );
    });
  });

  describe("differences between stacks (pure)", () => {
    it("lists config keys whose effective values differ, with each stack's value", () => {
      assert.deepEqual(
        configDifferences({
          test: { "p:a": "1", "p:b": "x", "p:c": "same" },
          prod: { "p:a": "3", "p:c": "same" },
        }),
        [
          { what: "p:a", values: { test: "1", prod: "3" } },
          { what: "p:b", values: { test: "x", prod: undefined } },
        ],
      );
    });

    it("matches resources across stacks by name without the stack, ignoring hashes, tags and stack names", () => {
      const ud = (extra: string) =>
        Buffer.from(`#!/bin/bash\nECS_CLUSTER=c-abc1234\n${extra}`).toString("base64");
      const { onlyIn, settings } = resourceDifferences({
        test: [
          res("aws:ec2/launchTemplate:LaunchTemplate", "api-test-lt", {
            instanceType: "t3.small",
            userData: ud("SPOT=true"),
            tags: { stack: "test" },
            description: "for api-test",
          }),
          res("aws:ecs/taskDefinition:TaskDefinition", "api-test-td", {
            containerDefinitions: JSON.stringify([{ cpu: 256, image: "repo@sha256:aaaaaaaaaaaa" }]),
          }),
        ],
        prod: [
          res("aws:ec2/launchTemplate:LaunchTemplate", "api-prod-lt", {
            instanceType: "m7g.large",
            userData: ud(""),
            tags: { stack: "prod" },
            description: "for api-prod",
          }),
          res("aws:ecs/taskDefinition:TaskDefinition", "api-prod-td", {
            containerDefinitions: JSON.stringify([{ cpu: 512, image: "repo@sha256:bbbbbbbbbbbb" }]),
          }),
          res("aws:ec2/vpcEndpoint:VpcEndpoint", "api-prod-ep"),
        ],
      });
      assert.deepEqual(onlyIn, { test: [], prod: ["aws:ec2/vpcEndpoint:VpcEndpoint api-*-ep"] });
      assert.deepEqual(settings, [
        {
          what: "aws:ec2/launchTemplate:LaunchTemplate api-*-lt instanceType",
          values: { test: "t3.small", prod: "m7g.large" },
        },
        {
          what: "aws:ec2/launchTemplate:LaunchTemplate api-*-lt userData: SPOT",
          values: { test: "true", prod: undefined },
        },
        {
          what: "aws:ecs/taskDefinition:TaskDefinition api-*-td containerDefinitions[0].cpu",
          values: { test: "256", prod: "512" },
        },
      ]);
    });
  });

  it("prints resources under the component that created them, top-level ones under the stack", () => {
    assert.deepEqual(
      resourceTree([
        res("pulumi:pulumi:Stack", "demo-test"),
        res("ecs-json-api:demo:Demo", "d"),
        res("aws:s3/bucket:Bucket", "d-a", {}, "d"),
        res("aws:s3/bucketPolicy:BucketPolicy", "d-b", {}, "d"),
        res("ecs-json-api:demo:Demo", "e"),
      ]),
      [
        "demo-test (pulumi:pulumi:Stack)",
        "├─ d (ecs-json-api:demo:Demo)",
        "│  ├─ d-a (aws:s3/bucket:Bucket)",
        "│  └─ d-b (aws:s3/bucketPolicy:BucketPolicy)",
        "└─ e (ecs-json-api:demo:Demo)",
      ],
    );
  });

  describe("on the program", () => {
    it("plans a stack offline: tree, counts, differences from the other stacks, policy results", async () => {
      const { text, diagramPath: file } = await planStack("test");
      assert.equal(file, path.join("docs", "diagrams", "test.md"));
      for (const section of [
        "== Resources by component",
        "== Resources per type",
        "== Config that differs (test vs prod)",
        "== Resources and settings that differ (test vs prod)",
        "== Monthly cost estimate (test)",
        "== Monthly cost: test against prod",
        "== Cost per million requests",
        "== Policy pack",
      ]) {
        assert.ok(text.includes(section), `missing section ${section}`);
      }
      assert.match(
        text,
        /^Plan for stack test \(eu-west-1\): \d+ resources, evaluated offline under mocks$/m,
      );
      assert.match(text, /^ {2}ecs-json-api:azCount +test: 2 {3}prod: 3$/m);
      assert.match(text, /^Diagram written to docs\/diagrams\/test\.md$/m);
    });

    it("estimates the stack's monthly cost with its assumptions, and what it costs against the other stack", async () => {
      const dir = mkdtempSync(path.join(tmpdir(), "plan-"));
      const { text } = await planStack("test", { benchResults: path.join(dir, "absent.json") });
      assert.match(text, /^ {4}--rps +[\d.]+ {2}requests per second: derived: /m);
      assert.match(text, /^ +\$[\d,]+\.\d\d +\$[\d,]+\.\d\d {2}total a month$/m);
      assert.match(
        text,
        /^ {2}test costs −\$[\d,.]+ to −\$[\d,.]+ a month \(at min, at max\) against prod: /m,
      );
      assert.match(text, /^ {2}Why: the config that differs, .*instanceType m7g\.large → t4g\.medium/m);
      assert.match(
        text,
        /^ {2}no benchmark results \(service\/bench\/results\.json\): run `npm run bench`$/m,
      );
      assert.doesNotMatch(text, /^ {2}! /m, "every charge of the committed stack is priced");
    });

    it("takes usage assumptions from the command line, and the benchmark's results when there are some", async () => {
      const dir = mkdtempSync(path.join(tmpdir(), "plan-"));
      const results = path.join(dir, "results.json");
      const warm = { requestsPerSecond: 10000, p50Ms: 3, p99Ms: 6, ratioToBare: 0.6 };
      writeFileSync(
        results,
        JSON.stringify({
          schema: 1,
          date: "2026-11-27",
          node: "24.21.0",
          cpus: 2,
          cpuModel: "Test CPU",
          warm,
        }),
      );
      const { text } = await planStack("test", { usage: { requestsPerSecond: 123 }, benchResults: results });
      assert.match(text, /^ {4}--rps +123 {2}requests per second: set on the command line$/m);
      assert.match(text, /^ {2}Benchmark 2026-11-27: 10,000 req\/s on the warm route/m);
      assert.match(text, /^ {2}Total \$[\d.e-]+ per million requests/m);
    });

    it("refuses a stack without a stack file, naming the ones there are", async () => {
      await assert.rejects(planStack("staging"), {
        message: 'no stack "staging": expected one of prod, test (a Pulumi.<stack>.yaml file)',
      });
    });

    it("shows the current prod diagram in the README", async () => {
      const shown = embeddedDiagram(readFileSync(path.join(PROJECT_ROOT, "README.md"), "utf8"), "prod");
      assert.ok(shown, "README.md has no <!-- diagram:prod --> region");
      assert.ok(
        shown === mermaidBlock(await stackDiagram("prod")),
        "README.md's prod diagram is stale: run `npm run plan -- prod`",
      );
    });

    it("shows every stack's current monthly cost in the README, at the default usage", async () => {
      const shown = embeddedRegion(
        readFileSync(path.join(PROJECT_ROOT, "README.md"), "utf8"),
        COST_SUMMARY_REGION,
      );
      assert.ok(shown, `README.md has no <!-- ${COST_SUMMARY_REGION} --> region`);
      const { costSummary } = await planStack("test");
      assert.ok(shown === costSummary, "README.md's cost table is stale: run `npm run plan -- prod`");
      // Both stacks, a total each, and the cost per million requests from the committed benchmark.
      assert.match(shown, /^\| USD a month.* \| prod \(eu-west-1\) \| test \(eu-west-1\) \|$/m);
      assert.match(
        shown,
        /^\| \*\*total\*\* \| \*\*\$[\d,.]+–\$[\d,.]+\*\* \| \*\*\$[\d,.]+–\$[\d,.]+\*\* \|$/m,
      );
      assert.match(shown, /^\| per million requests .* \| \$[\d.]+ \| \$[\d.]+ \|$/m);
    });

    for (const stack of ["test", "prod"]) {
      it(`has a committed ${stack} diagram that matches the program`, async () => {
        const file = diagramPath(stack);
        const committed = readFileSync(path.join(PROJECT_ROOT, file), "utf8");
        assert.ok(
          committed === (await stackDiagram(stack)),
          `${file} is stale: run \`npm run plan -- ${stack}\``,
        );
      });
    }
  });
});

describe("the README's embedded diagram", () => {
  const doc = ["# Title", "<!-- diagram:prod -->", "old", "<!-- /diagram:prod -->", "after"].join("\n");
  const block = "```mermaid\nflowchart LR\n  a --> b\n```";

  it("replaces only the region between the stack's markers", () => {
    const updated = embedDiagram(doc, "prod", block);
    assert.equal(embeddedDiagram(updated, "prod"), block);
    assert.ok(updated.startsWith("# Title\n<!-- diagram:prod -->\n"));
    assert.ok(updated.endsWith("<!-- /diagram:prod -->\nafter"));
    assert.equal(embedDiagram(updated, "prod", block), updated, "refreshing twice changes nothing");
  });

  it("leaves a document without the stack's region alone", () => {
    assert.equal(embedDiagram(doc, "test", block), doc);
    assert.equal(embeddedDiagram(doc, "test"), undefined);
  });

  it("takes the mermaid block out of a diagram file, and refuses a file without one", () => {
    assert.equal(mermaidBlock(`# Architecture\n\n${block}\n`), block);
    assert.throws(() => mermaidBlock("# nothing here"), /no ```mermaid block/);
  });
});
