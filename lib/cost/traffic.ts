/**
 * What the usage assumptions mean for a stack's resources: requests and connections a month, bytes through the
 * load balancer and out to the internet, the logs each log group ingests, and the bytes the instances send to AWS
 * service endpoints (through an interface endpoint when the stack has one for the service, otherwise through the
 * NAT gateways). Read from the resources, so a stack without a log group or a NAT gateway gets none of their
 * traffic. Pure.
 */
import { VARIABLES } from "../../service/src/contract";
import type { PlanResource } from "../plan/architecture";
import {
  ALB_ACCESS_LOG_EXAMPLE,
  CONTAINER_INSIGHTS_EVENT_BYTES,
  FLOW_LOG_RECORD_EXAMPLE,
  GB,
  lineBytes,
  SECONDS_PER_MONTH,
} from "./facts";
import type { Usage } from "./usage";

/** A count at the stack's minimum and maximum capacity. */
export interface Range {
  min: number;
  max: number;
}

/** Bytes a month some writer sends to an AWS service's endpoint from inside the VPC. */
export interface Flow {
  /** The endpoint's service: `logs`, `ecs-telemetry`. */
  service: string;
  what: string;
  gb: Range;
}

export interface Traffic {
  requestsPerMonth: number;
  newConnectionsPerSecond: number;
  /** Request and response bytes through the load balancers, GB an hour. */
  processedGbPerHour: number;
  /** Response bytes to the internet, GB a month. */
  transferOutGb: number;
  /** Ingestion into each log group (keyed by the group's logical name), GB a month. */
  logIngest: Map<string, { gb: Range; vended: boolean; sources: string[] }>;
  /** What the instances send to AWS service endpoints. */
  flows: Flow[];
}

export const ofType = (resources: PlanResource[], ...types: string[]) =>
  resources.filter((r) => types.includes(r.type));

/** The identifiers a resource is referred to by (its ARN, physical name, id...). */
function identifiers(r: PlanResource): string[] {
  return ["arn", "name", "id", "bucket", "arnSuffix"]
    .map((k) => r.state[k])
    .filter((v): v is string => typeof v === "string" && v.length >= 6);
}

function strings(value: unknown): string[] {
  if (typeof value === "string") return [value];
  if (Array.isArray(value)) return value.flatMap(strings);
  if (value !== null && typeof value === "object") return Object.values(value).flatMap(strings);
  return [];
}

/** True when `value` mentions one of `target`'s identifiers. */
export function mentions(value: unknown, target: PlanResource): boolean {
  const ids = identifiers(target);
  return strings(value).some((s) => ids.some((id) => s === id || s.includes(id)));
}

/** The part of a container definition the estimates read (the task definition holds it as JSON). */
export interface Container {
  environment?: { name?: string; value?: string }[];
  logConfiguration?: { logDriver?: string; options?: Record<string, string> };
}

/** The containers of a task definition (its JSON string parsed). */
export function containersOf(taskDefinition: PlanResource): Container[] {
  const raw = taskDefinition.inputs.containerDefinitions;
  try {
    const parsed = typeof raw === "string" ? JSON.parse(raw) : raw;
    return Array.isArray(parsed) ? parsed : [];
  } catch {
    return [];
  }
}

/** An ECS service with its task definition and its task count range (the scalable target's, or desiredCount). */
export interface ServiceTasks {
  service: PlanResource;
  taskDefinition?: PlanResource;
  tasks: Range;
}

export function serviceTasks(resources: PlanResource[]): ServiceTasks[] {
  const targets = ofType(resources, "aws:appautoscaling/target:Target");
  const definitions = ofType(resources, "aws:ecs/taskDefinition:TaskDefinition");
  return ofType(resources, "aws:ecs/service:Service").map((service) => {
    const target = targets.find((t) => mentions(t.inputs.resourceId, service));
    const desired = service.inputs.desiredCount ?? 1;
    return {
      service,
      taskDefinition: definitions.find((d) => mentions(service.inputs.taskDefinition, d)),
      tasks: {
        min: target?.inputs.minCapacity ?? desired,
        max: target?.inputs.maxCapacity ?? desired,
      },
    };
  });
}

/** The environment variable of a container, or undefined. */
export function envOf(container: Container, name: string): string | undefined {
  return (container.environment ?? []).find((e) => e.name === name)?.value;
}

/** Seconds a task serves a document before revalidating it: CACHE_TTL_MS, or the service's default. */
export function cacheTtlSeconds(container: Container): number {
  const raw = envOf(container, "CACHE_TTL_MS");
  const ms = raw === undefined ? VARIABLES.CACHE_TTL_MS.rule.default : Number(raw);
  return ms / 1000;
}

const range = (n: number): Range => ({ min: n, max: n });

/** The stack's traffic under `usage`. */
export function trafficOf(resources: PlanResource[], usage: Usage): Traffic {
  const requestsPerMonth = usage.requestsPerSecond * SECONDS_PER_MONTH;
  const newConnectionsPerSecond = usage.requestsPerSecond / usage.requestsPerConnection;
  const logIngest = new Map<string, { gb: Range; vended: boolean; sources: string[] }>();
  const flows: Flow[] = [];
  const logGroups = ofType(resources, "aws:cloudwatch/logGroup:LogGroup");
  const ingest = (group: PlanResource, gb: Range, vended: boolean, source: string) => {
    const entry = logIngest.get(group.name) ?? { gb: range(0), vended, sources: [] };
    entry.gb = { min: entry.gb.min + gb.min, max: entry.gb.max + gb.max };
    entry.sources.push(source);
    logIngest.set(group.name, entry);
  };

  // Application logs: the request rate is split evenly over the services; each service's containers log to the
  // group their awslogs options name.
  const services = serviceTasks(resources);
  const appLogGb = (requestsPerMonth * usage.logBytesPerRequest) / GB;
  for (const { taskDefinition } of services) {
    for (const container of taskDefinition ? containersOf(taskDefinition) : []) {
      const options = container.logConfiguration?.options ?? {};
      if (container.logConfiguration?.logDriver !== "awslogs") continue;
      const group = logGroups.find((g) => g.state.name === options["awslogs-group"]);
      const gb = range(appLogGb / services.length);
      if (group) ingest(group, gb, false, "application logs");
      flows.push({ service: "logs", what: "application logs", gb });
    }
  }

  // Flow logs: each client connection is a new flow, logged once in each direction at the load balancer.
  const flowGb = (newConnectionsPerSecond * SECONDS_PER_MONTH * 2 * lineBytes(FLOW_LOG_RECORD_EXAMPLE)) / GB;
  for (const flowLog of ofType(resources, "aws:ec2/flowLog:FlowLog")) {
    const group = logGroups.find((g) => mentions(flowLog.inputs.logDestination, g));
    if (group && (flowLog.inputs.logDestinationType ?? "cloud-watch-logs") === "cloud-watch-logs") {
      ingest(group, range(flowGb), true, "flow logs");
    }
  }

  // Container Insights: performance events once a minute per task, container, service and cluster, sent by the
  // ECS agent to ECS's telemetry endpoint.
  for (const cluster of ofType(resources, "aws:ecs/cluster:Cluster")) {
    if (!containerInsightsOn(cluster)) continue;
    const inCluster = services.filter((s) => mentions(s.service.inputs.cluster, cluster));
    const bytesPerMinute = (tasks: "min" | "max") =>
      CONTAINER_INSIGHTS_EVENT_BYTES.perCluster +
      inCluster.reduce((sum, s) => {
        const containers = s.taskDefinition ? containersOf(s.taskDefinition).length : 1;
        const perTask =
          CONTAINER_INSIGHTS_EVENT_BYTES.perTask + containers * CONTAINER_INSIGHTS_EVENT_BYTES.perContainer;
        return sum + CONTAINER_INSIGHTS_EVENT_BYTES.perService + s.tasks[tasks] * perTask;
      }, 0);
    const minutes = SECONDS_PER_MONTH / 60;
    flows.push({
      service: "ecs-telemetry",
      what: `Container Insights events of ${cluster.name}`,
      gb: { min: (bytesPerMinute("min") * minutes) / GB, max: (bytesPerMinute("max") * minutes) / GB },
    });
  }

  return {
    requestsPerMonth,
    newConnectionsPerSecond,
    processedGbPerHour: (usage.requestsPerSecond * (usage.requestBytes + usage.responseBytes) * 3600) / GB,
    transferOutGb: (requestsPerMonth * usage.responseBytes) / GB,
    logIngest,
    flows,
  };
}

/** True when the cluster's Container Insights setting is on (`enabled` or `enhanced`). */
export function containerInsightsOn(cluster: PlanResource): boolean {
  return (cluster.inputs.settings ?? []).some(
    (s: { name?: string; value?: string }) => s.name === "containerInsights" && s.value !== "disabled",
  );
}

/** GB of ALB access log lines a month (uncompressed: ALB gzips the files, so this overstates storage). */
export function accessLogGb(traffic: Traffic): number {
  return (traffic.requestsPerMonth * lineBytes(ALB_ACCESS_LOG_EXAMPLE)) / GB;
}
