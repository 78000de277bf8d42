/**
 * A small synthetic stack for the cost tests, shaped like the harness's evaluation (state echoes the inputs plus
 * a physical name and an ARN, as the mocks answer), so the arithmetic is checked on numbers small enough to
 * follow by hand, whatever the real program becomes.
 */

import type { Usage } from "../lib/cost";
import type { PlanResource } from "../lib/plan";

/** A resource of the synthetic graph, as a child of the component `parent` (ecs-json-api:demo:Demo) when given. */
export function res(
  type: string,
  name: string,
  inputs: Record<string, unknown> = {},
  parent?: string,
): PlanResource {
  const kind = type.split(":").pop()?.toLowerCase() ?? "";
  return {
    type,
    name,
    custom: !type.startsWith("ecs-json-api:") && type !== "pulumi:pulumi:Stack",
    inputs,
    state: { ...inputs, name: `${name}-abc1234`, arn: ARN(name, kind) },
    ...(parent ? { parent: { type: "ecs-json-api:demo:Demo", name: parent } } : {}),
  };
}

/** The ARN the mocks give the resource `name` of `kind`. */
export function ARN(name: string, kind: string): string {
  return `arn:aws:x:eu-west-1:1:${kind}/${name}`;
}

/** Round numbers for the arithmetic: 10 requests a second of 100 bytes in, 900 out, 200 bytes of log each. */
export const USAGE: Partial<Usage> = {
  requestsPerSecond: 10,
  requestBytes: 100,
  responseBytes: 900,
  logBytesPerRequest: 200,
  requestsPerConnection: 1,
};

/**
 * Two AZs, one NAT gateway, no interface endpoint; 2–4 on-demand t4g.medium with a 20 GB gp3 volume each; an
 * internet-facing ALB; one service of 2–4 tasks logging to a 30-day log group; three alarms; a dashboard; a
 * private zone. Container Insights off.
 */
export function demoStack(extra: PlanResource[] = []): PlanResource[] {
  const container = {
    name: "api",
    cpu: 512,
    memoryReservation: 512,
    environment: [
      { name: "BUCKET_NAME", value: "demo-docs" },
      { name: "CACHE_TTL_MS", value: "60000" },
    ],
    logConfiguration: { logDriver: "awslogs", options: { "awslogs-group": "demo-logs-abc1234" } },
  };
  return [
    res("pulumi:pulumi:Stack", "demo-test"),
    res("ecs-json-api:demo:Demo", "demo"),
    res("awsx:ec2:Vpc", "demo-vpc", { numberOfAvailabilityZones: 2, natGateways: { strategy: "Single" } }),
    res("aws:ec2/launchTemplate:LaunchTemplate", "demo-lt", {
      instanceType: "t4g.medium",
      blockDeviceMappings: [{ deviceName: "/dev/xvda", ebs: { volumeSize: 20, volumeType: "gp3" } }],
    }),
    res("aws:autoscaling/group:Group", "demo-asg", {
      minSize: 2,
      maxSize: 4,
      launchTemplate: { id: "demo-lt-abc1234" },
    }),
    res("aws:lb/loadBalancer:LoadBalancer", "demo-alb", {
      internal: false,
      subnets: ["subnet-a", "subnet-b"],
    }),
    res("aws:lb/listener:Listener", "demo-http", { loadBalancerArn: ARN("demo-alb", "loadbalancer") }),
    res("aws:ecs/cluster:Cluster", "demo-cluster", {
      settings: [{ name: "containerInsights", value: "disabled" }],
    }),
    res("aws:ecs/taskDefinition:TaskDefinition", "demo-td", {
      family: "demo",
      containerDefinitions: JSON.stringify([container]),
    }),
    res("aws:ecs/service:Service", "demo-svc", {
      cluster: ARN("demo-cluster", "cluster"),
      desiredCount: 2,
      taskDefinition: ARN("demo-td", "taskdefinition"),
    }),
    res("aws:appautoscaling/target:Target", "demo-scaling", {
      minCapacity: 2,
      maxCapacity: 4,
      resourceId: "service/demo-cluster-abc1234/demo-svc-abc1234",
    }),
    res("aws:cloudwatch/logGroup:LogGroup", "demo-logs", { retentionInDays: 30 }),
    res("aws:cloudwatch/metricAlarm:MetricAlarm", "demo-5xx", { period: 60 }),
    res("aws:cloudwatch/metricAlarm:MetricAlarm", "demo-fast", { period: 10 }),
    res("aws:cloudwatch/metricAlarm:MetricAlarm", "demo-math", {
      metricQueries: [
        { id: "a", metric: { period: 60 } },
        { id: "b", metric: { period: 60 } },
        { id: "c", expression: "a - b" },
      ],
    }),
    res("aws:cloudwatch/dashboard:Dashboard", "demo-dashboard"),
    res("aws:route53/zone:Zone", "demo-zone"),
    res("aws:iam/role:Role", "demo-role"),
    ...extra,
  ];
}
