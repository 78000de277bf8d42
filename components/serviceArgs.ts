/**
 * LoadBalancedService's arguments: the specs (each argument's default, documentation and rule), the routing
 * and the rules between arguments, which report every problem at once.
 */
import type * as aws from "@pulumi/aws";
import type * as pulumi from "@pulumi/pulumi";
import {
  type ArgValues,
  argName,
  checkArgs,
  integer,
  type Label,
  string,
  throwIfProblems,
  type ValueOf,
  valueProblems,
} from "./args";
import { instanceFit, type TaskSize, taskFitProblem } from "./capacity";
import type { ContainerSpec } from "./container";
import { type DeploymentArgs, deploymentArgsProblems, type SmokeTestHook } from "./deployment";
import type { EcsClusterRef } from "./ecsCluster";
import type { LoadBalancerRef } from "./loadBalancer";
import { logRetentionDays } from "./logRetention";
import type { CommonArgs } from "./provider";
import type { Route } from "./routing";

/**
 * A path the ALB health check may probe: starts with '/', at most 1024 characters (ELB API reference,
 * CreateTargetGroup HealthCheckPath), URL-safe characters only.
 */
const HEALTH_CHECK_PATH = /^\/[A-Za-z0-9._~!$&'()*+,;=:@%/-]{0,1023}$/;

/** LoadBalancedService's arguments: each one's default, documentation and rule. */
export const SERVICE_ARGS = {
  containerPort: integer("Port the container listens on; the host port is dynamic.", 8080, {
    min: 1024,
    max: 65535,
  }),
  cpu: integer("CPU units reserved per task (1024 = one vCPU).", 256, { min: 128, max: 16384 }),
  memory: integer("Hard memory limit per task, in MiB; the container is killed above it.", 512, {
    min: 128,
    max: 65536,
  }),
  memoryReservation: integer("Memory reserved per task for placement, in MiB (the soft limit).", 256, {
    min: 64,
    max: 65536,
  }),
  desiredTasks: integer("Tasks running after the first deploy, before autoscaling adjusts.", 2, {
    min: 1,
    max: 1000,
  }),
  minTasks: integer("Fewest tasks autoscaling keeps.", 1, { min: 1, max: 1000 }),
  maxTasks: integer("Most tasks autoscaling may run.", 6, { min: 1, max: 1000 }),
  cpuTargetPercent: integer("Average service CPU that task autoscaling tracks, in percent.", 60, {
    min: 10,
    max: 90,
  }),
  memoryTargetPercent: integer(
    "Average service memory (of the reservation) that task autoscaling tracks, in percent.",
    80,
    { min: 10, max: 100 },
  ),
  requestsPerTarget: integer("ALB requests per task per minute that task autoscaling tracks.", 1000, {
    min: 10,
    max: 1000000,
  }),
  healthCheckPath: string("Path the load balancer's health check requests; 200 means healthy.", "/healthz", {
    pattern: HEALTH_CHECK_PATH,
    patternDoc: "a path starting with '/', at most 1024 URL-safe characters",
  }),
  deregistrationDelaySeconds: integer(
    "Seconds the ALB drains a stopping task's connections; longer than the slowest request.",
    15,
    // ELB API reference, TargetGroupAttribute deregistration_delay.timeout_seconds: 0-3600.
    { min: 0, max: 3600 },
  ),
  logRetentionDays: { ...logRetentionDays, doc: "Days the service's container logs are kept." },
} as const;

type Given = { [K in keyof typeof SERVICE_ARGS]?: ValueOf<(typeof SERVICE_ARGS)[K]> };

/** The thresholds the service's alarms compare against. */
export interface AlarmThresholds {
  /** 5xx responses per minute from the service that count as a bad minute. Defaults to 5. */
  errorsPerMinute?: number;
  /** p99 target response time in seconds that counts as a slow minute. Defaults to 1. */
  p99Seconds?: number;
  /** Average service CPU in percent that autoscaling should have brought down. Defaults to 85. */
  cpuPercent?: number;
  /** Memory use of the busiest task as a share of its hard limit, in percent. Defaults to 90. */
  memoryOfHardLimitPercent?: number;
}

/** LoadBalancedService's inputs: the components it runs on, the image, and its arguments. */
export interface LoadBalancedServiceArgs extends CommonArgs, Given {
  /** The cluster the tasks run on. */
  cluster: EcsClusterRef;
  /** The load balancer whose production listener routes to the service. */
  loadBalancer: LoadBalancerRef;
  /** Which requests the listener sends to the service, and the rule's priority (see routing.ts). */
  route: Route;
  /** The image to run, pinned by digest (`<repo>@sha256:<hex>`). */
  image: pulumi.Input<string>;
  /** Name of the task's container, its log streams' prefix. Defaults to "app". */
  containerName?: string;
  /** What the image needs to run: environment, health check command, user, stop timeout. Defaults to none. */
  container?: ContainerSpec;
  /** What the task's own AWS identity may do. Defaults to no task role: the container gets no credentials. */
  taskPolicy?: pulumi.Input<aws.iam.PolicyDocument>;
  /** The SNS topic the service's alarms notify. */
  alarmTopicArn: pulumi.Input<string>;
  /** Alarm thresholds. Defaults to the values AlarmThresholds names. */
  alarms?: AlarmThresholds;
  /** Permissions boundary of the service's roles. Defaults to none. */
  permissionsBoundary?: pulumi.Input<string>;
  /** How a new revision replaces the old (deployment.ts). Defaults to a rolling deployment. */
  deployment?: DeploymentArgs;
  /**
   * The smoke test a blue-green, canary or linear deployment runs through the load balancer's test listener
   * before production traffic moves. Defaults to none (the managed deployments still roll back on alarms).
   */
  smokeTest?: SmokeTestHook;
  /**
   * What the service's first tasks need to exist before they start, such as the documents its smoke test reads
   * (a first deployment runs the hook too, and has nothing to roll back to). Defaults to none.
   */
  ready?: pulumi.Resource[];
  /** Port the container listens on (1024-65535); the host port is dynamic. Defaults to 8080. */
  containerPort?: number;
  /** CPU units reserved per task (1024 = one vCPU). Defaults to 256. */
  cpu?: number;
  /** Hard memory limit per task in MiB; the container is killed above it. Defaults to 512. */
  memory?: number;
  /** Memory reserved per task in MiB (soft limit); ECS places tasks by it. Defaults to 256. */
  memoryReservation?: number;
  /** Tasks at creation; autoscaling owns the count afterwards. Defaults to 2. */
  desiredTasks?: number;
  /** Fewest tasks autoscaling keeps. Defaults to 1. */
  minTasks?: number;
  /** Most tasks autoscaling may run. Defaults to 6. */
  maxTasks?: number;
  /** Average service CPU that autoscaling tracks, in percent. Defaults to 60. */
  cpuTargetPercent?: number;
  /** Average service memory (of the reservation) that autoscaling tracks, in percent. Defaults to 80. */
  memoryTargetPercent?: number;
  /** ALB requests per task per minute that autoscaling tracks. Defaults to 1000. */
  requestsPerTarget?: number;
  /** Path the ALB's health check requests. Defaults to "/healthz". */
  healthCheckPath?: string;
  /** Seconds the ALB drains a stopping task. Defaults to 15. */
  deregistrationDelaySeconds?: number;
  /** Retention of the container logs, in days. Defaults to 7. */
  logRetentionDays?: number;
}

/** The arguments with defaults applied, and what follows from them. */
export interface ResolvedServiceArgs extends ArgValues<typeof SERVICE_ARGS> {
  /** The task's size for placement. */
  task: TaskSize;
  /** Tasks one instance of the cluster holds. */
  tasksPerInstance: number;
}

/** The task's size from the arguments. */
export function taskSize(
  v: Pick<ArgValues<typeof SERVICE_ARGS>, "cpu" | "memory" | "memoryReservation">,
): TaskSize {
  return { cpu: v.cpu, memory: v.memory, memoryReservation: v.memoryReservation };
}

/**
 * Every problem with the arguments, each naming its argument through `label`: each value against its spec,
 * then min <= desired <= max tasks, the soft memory limit within the hard one, and a task that fits on one of
 * the cluster's instances (the whole cluster's fit is the program's check: it knows every service).
 */
export function serviceArgsProblems(
  args: Given,
  cluster: Pick<EcsClusterRef, "capacity"> | undefined,
  label: Label = argName,
): string[] {
  const { values: v, problems } = checkArgs(SERVICE_ARGS, args, label);
  // A rule between arguments is checked when its arguments are valid on their own, so one wrong value neither
  // hides the other problems nor adds noise of its own.
  const valid = (...names: (keyof typeof SERVICE_ARGS)[]) =>
    names.every((n) => valueProblems(n, SERVICE_ARGS[n], v[n]).length === 0);
  if (valid("minTasks", "maxTasks") && v.minTasks > v.maxTasks)
    problems.push(`${label("maxTasks")} = ${v.maxTasks} is below ${label("minTasks")} = ${v.minTasks}`);
  if (valid("desiredTasks", "minTasks") && v.desiredTasks < v.minTasks)
    problems.push(
      `${label("desiredTasks")} = ${v.desiredTasks} is below ${label("minTasks")} = ${v.minTasks}`,
    );
  if (valid("desiredTasks", "maxTasks") && v.desiredTasks > v.maxTasks)
    problems.push(
      `${label("desiredTasks")} = ${v.desiredTasks} is above ${label("maxTasks")} = ${v.maxTasks}`,
    );
  if (valid("memory", "memoryReservation") && v.memoryReservation > v.memory) {
    problems.push(
      `${label("memoryReservation")} = ${v.memoryReservation} is above ${label("memory")} = ${v.memory}; the soft limit must not exceed the hard limit`,
    );
  }
  if (cluster && valid("cpu", "memory", "memoryReservation")) {
    const unfit = taskFitProblem(cluster.capacity.instanceType, cluster.capacity.instance, taskSize(v));
    if (unfit) problems.push(`${label("cpu")}/${label("memoryReservation")}: ${unfit}`);
  }
  return problems;
}

/** Applies defaults; throws an ArgumentError listing every problem. */
export function resolveServiceArgs(args: LoadBalancedServiceArgs): ResolvedServiceArgs {
  throwIfProblems("LoadBalancedService", [
    ...serviceArgsProblems(args, args.cluster),
    ...deploymentArgsProblems(args.deployment ?? {}),
  ]);
  const { values } = checkArgs(SERVICE_ARGS, args);
  const task = taskSize(values);
  return { ...values, task, tasksPerInstance: instanceFit(args.cluster.capacity.instance, task).tasks };
}
