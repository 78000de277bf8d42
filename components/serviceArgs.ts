/**
 * LoadBalancedService's arguments: what the other components and the stack config hand over, the defaults
 * (each one taken from stacks/schema.ts, so it lives in one place) and the validation, which reports every
 * problem at once and includes the program-time capacity check.
 */
import type * as aws from "@pulumi/aws";
import type * as pulumi from "@pulumi/pulumi";
import { VARIABLES } from "../service/src/contract";
import { INSTANCE_TYPES, type InstanceTypeInfo, instanceTypeInfo } from "../stacks/instanceTypes";
import { type IntegerSpec, SCHEMA, type StringSpec } from "../stacks/schema";
import { capacityProblems, tasksPerInstance } from "./capacity";
import type { CommonArgs } from "./provider";

/** Levels the service's logger (pino) accepts. */
export const LOG_LEVELS = ["fatal", "error", "warn", "info", "debug", "trace", "silent"] as const;

/** LoadBalancedService's inputs: the other components' outputs, then the stack config's service keys. */
export interface LoadBalancedServiceArgs extends CommonArgs {
  /** VPC of the target group and the ALB's security group. */
  vpcId: pulumi.Input<string>;
  /** Public subnets for the internet-facing ALB, one per AZ. */
  publicSubnetIds: pulumi.Input<pulumi.Input<string>[]>;
  /** ARN of the ECS cluster the service runs in. */
  clusterArn: pulumi.Input<string>;
  /** Name of the ECS cluster (autoscaling resource id and metric dimension). */
  clusterName: pulumi.Input<string>;
  /** The cluster's capacity provider; the service's only capacity provider strategy. */
  capacityProviderName: pulumi.Input<string>;
  /** Security group of the container instances; gets the one ingress rule from the ALB. */
  instanceSecurityGroupId: pulumi.Input<string>;
  /** The cluster's Auto Scaling group, for the instance-count graph. */
  autoScalingGroupName: pulumi.Input<string>;
  /** EC2 instance type of the container instances (a key of stacks/instanceTypes.ts), for the capacity check. */
  instanceType: string;
  /** Most container instances the Auto Scaling group may run, for the capacity check. */
  maxInstances: number;
  /** Bucket holding the documents (BUCKET_NAME). */
  bucketName: pulumi.Input<string>;
  /** Prefix of the document keys (KEY_PREFIX). */
  keyPrefix: pulumi.Input<string>;
  /** Read access to the documents, from JsonBucket: the task role's only policy. */
  bucketReadPolicy: pulumi.Input<aws.iam.PolicyDocument>;
  /** The image to run, pinned by digest (`<repo>@sha256:<hex>`). */
  imageRef: pulumi.Input<string>;
  /** Port the container listens on (PORT); the host port is dynamic. Defaults to 8080. */
  containerPort?: number;
  /** CPU units reserved per task (1024 = one vCPU). Defaults to 256. */
  taskCpu?: number;
  /** Hard memory limit per task in MiB; the container is killed above it. Defaults to 512. */
  taskMemory?: number;
  /** Memory reserved per task in MiB (soft limit); ECS places tasks by it. Defaults to 256. */
  taskMemoryReservation?: number;
  /** Tasks at creation; autoscaling owns the count afterwards. Defaults to 2. */
  desiredTasks?: number;
  /** Fewest tasks autoscaling keeps. Defaults to 1. */
  minTasks?: number;
  /** Most tasks autoscaling may run. Defaults to 6. */
  maxTasks?: number;
  /** Average service CPU that autoscaling tracks, in percent. Defaults to 60. */
  cpuTargetPercent?: number;
  /** ALB requests per task per minute that autoscaling tracks. Defaults to 1000. */
  requestsPerTarget?: number;
  /** Seconds the ALB keeps an idle connection; the service's keep-alive is set 5 s above. Defaults to 60. */
  albIdleTimeout?: number;
  /** Write ALB access logs to a dedicated, locked-down bucket. Defaults to false. */
  albAccessLogs?: boolean;
  /** ACM certificate for HTTPS on 443 (HTTP 80 then redirects). Defaults to "" (none). */
  certificateArn?: string;
  /** Public DNS name; with hostedZoneId gets a DNS-validated certificate and an alias. Defaults to "" (none). */
  domainName?: string;
  /** Public Route 53 zone holding domainName. Defaults to "" (none). */
  hostedZoneId?: string;
  /** E-mail address subscribed to the alarm topic. Defaults to "" (nobody). */
  alarmEmail?: string;
  /** ALB deletion protection; the access-log bucket is kept on destroy. Defaults to false. */
  deletionProtection?: boolean;
  /** Retention of the task log group and the access logs, in days. Defaults to 7. */
  logRetentionDays?: number;
  /** The service's log level (LOG_LEVEL). Defaults to "info". */
  logLevel?: string;
  /** Milliseconds the service takes at most to drain after SIGTERM (SHUTDOWN_TIMEOUT_MS). Defaults to 20000. */
  shutdownTimeoutMs?: number;
}

/** How the ALB terminates TLS: not at all, with a given certificate, or with one issued here through ACM. */
export type TlsMode = "none" | "certificate" | "acm";

/** The arguments with defaults applied, validated, and the derived facts. */
export interface ResolvedServiceArgs extends LoadBalancedServiceArgs {
  containerPort: number;
  taskCpu: number;
  taskMemory: number;
  taskMemoryReservation: number;
  desiredTasks: number;
  minTasks: number;
  maxTasks: number;
  cpuTargetPercent: number;
  requestsPerTarget: number;
  albIdleTimeout: number;
  albAccessLogs: boolean;
  deletionProtection: boolean;
  logRetentionDays: number;
  logLevel: string;
  shutdownTimeoutMs: number;
  /** The instance type's facts. */
  instance: InstanceTypeInfo;
  /** Tasks one instance holds. */
  tasksPerInstance: number;
  /** How TLS is terminated. */
  tls: TlsMode;
}

type IntKey =
  | "containerPort"
  | "taskCpu"
  | "taskMemory"
  | "taskMemoryReservation"
  | "desiredTasks"
  | "minTasks"
  | "maxTasks"
  | "maxInstances"
  | "cpuTargetPercent"
  | "requestsPerTarget"
  | "albIdleTimeout"
  | "logRetentionDays";
type StrKey = "certificateArn" | "domainName" | "hostedZoneId" | "alarmEmail";

/** Exported for tests: applies defaults (from stacks/schema.ts) and reports every problem at once. */
export function resolveServiceArgs(args: LoadBalancedServiceArgs): ResolvedServiceArgs {
  const problems: string[] = [];
  const int = (key: IntKey): number => {
    const spec: IntegerSpec = SCHEMA[key];
    const value = args[key] ?? spec.default;
    const allowed = spec.oneOf
      ? `one of ${spec.oneOf.join(", ")}`
      : `a whole number from ${spec.min} to ${spec.max}`;
    const ok =
      Number.isInteger(value) &&
      (spec.oneOf
        ? spec.oneOf.includes(value)
        : value >= (spec.min ?? -Infinity) && value <= (spec.max ?? Infinity));
    if (!ok) problems.push(`${key} = ${value} is not allowed; expected ${allowed}`);
    return value;
  };
  const str = (key: StrKey): string | undefined => {
    const spec: StringSpec = SCHEMA[key];
    const value = args[key] ?? spec.default;
    if (value && spec.pattern && !spec.pattern.test(value)) {
      problems.push(`${key} = "${value}" is not allowed; expected ${spec.patternDoc}`);
    }
    return value || undefined;
  };

  const containerPort = int("containerPort");
  const taskCpu = int("taskCpu");
  const taskMemory = int("taskMemory");
  const taskMemoryReservation = int("taskMemoryReservation");
  const desiredTasks = int("desiredTasks");
  const minTasks = int("minTasks");
  const maxTasks = int("maxTasks");
  const maxInstances = int("maxInstances");
  const cpuTargetPercent = int("cpuTargetPercent");
  const requestsPerTarget = int("requestsPerTarget");
  const albIdleTimeout = int("albIdleTimeout");
  const logRetentionDays = int("logRetentionDays");
  const certificateArn = str("certificateArn");
  const domainName = str("domainName");
  const hostedZoneId = str("hostedZoneId");
  const alarmEmail = str("alarmEmail");
  const logLevel = args.logLevel ?? "info";
  const shutdownTimeoutMs = args.shutdownTimeoutMs ?? 20_000;
  const sizesOk = problems.length === 0;

  if (!(LOG_LEVELS as readonly string[]).includes(logLevel)) {
    problems.push(`logLevel = "${logLevel}" is not allowed; expected one of ${LOG_LEVELS.join(", ")}`);
  }
  // stopTimeout is the drain budget plus 10 s; 120 s is Fargate's ceiling and already holds every deploy and
  // scale-in that long per task, so the EC2 tasks here stay within it too.
  // The service refuses to start unless its drain time exceeds its request budget (in-flight requests finish).
  const minShutdownMs = (VARIABLES.REQUEST_TIMEOUT_MS.rule.default as number) + 1;
  if (
    !Number.isInteger(shutdownTimeoutMs) ||
    shutdownTimeoutMs < minShutdownMs ||
    shutdownTimeoutMs > 110_000
  ) {
    problems.push(
      `shutdownTimeoutMs = ${shutdownTimeoutMs} is not allowed; expected a whole number from ${minShutdownMs} (above the service's request budget) to 110000 (the container's stopTimeout, 10 s above it, stays within 120 s)`,
    );
  }
  if (minTasks > maxTasks) problems.push(`maxTasks = ${maxTasks} is below minTasks = ${minTasks}`);
  if (desiredTasks < minTasks)
    problems.push(`desiredTasks = ${desiredTasks} is below minTasks = ${minTasks}`);
  if (desiredTasks > maxTasks)
    problems.push(`desiredTasks = ${desiredTasks} is above maxTasks = ${maxTasks}`);
  if (taskMemoryReservation > taskMemory) {
    problems.push(
      `taskMemoryReservation = ${taskMemoryReservation} is above taskMemory = ${taskMemory}; the soft limit must not exceed the hard limit`,
    );
  }
  if (hostedZoneId && !domainName) {
    problems.push(`hostedZoneId = "${hostedZoneId}" is set without domainName; set both or neither`);
  }
  if (domainName && !hostedZoneId && !certificateArn) {
    problems.push(
      `domainName = "${domainName}" needs hostedZoneId (for a DNS-validated certificate) or certificateArn`,
    );
  }
  // Known only when given as a plain list (an Output is checked by AWS): an ALB needs two AZs' subnets.
  if (Array.isArray(args.publicSubnetIds) && args.publicSubnetIds.length < 2) {
    problems.push(
      `publicSubnetIds has ${args.publicSubnetIds.length}; an ALB needs subnets in at least two Availability Zones`,
    );
  }
  const instance = instanceTypeInfo(args.instanceType);
  if (!instance) {
    problems.push(
      `instanceType = "${args.instanceType}" is not a supported instance type; supported: ${Object.keys(INSTANCE_TYPES).join(", ")}`,
    );
  }
  const task = { cpu: taskCpu, memory: taskMemory, memoryReservation: taskMemoryReservation };
  if (instance && sizesOk) {
    problems.push(
      ...capacityProblems({ instanceType: args.instanceType, instance, task, maxTasks, maxInstances }),
    );
  }
  if (problems.length > 0) throw new Error(`LoadBalancedService: ${problems.join("; ")}`);

  return {
    ...args,
    containerPort,
    taskCpu,
    taskMemory,
    taskMemoryReservation,
    desiredTasks,
    minTasks,
    maxTasks,
    maxInstances,
    cpuTargetPercent,
    requestsPerTarget,
    albIdleTimeout,
    albAccessLogs: args.albAccessLogs ?? SCHEMA.albAccessLogs.default,
    deletionProtection: args.deletionProtection ?? SCHEMA.deletionProtection.default,
    logRetentionDays,
    certificateArn,
    domainName,
    hostedZoneId,
    alarmEmail,
    logLevel,
    shutdownTimeoutMs,
    instance: instance as InstanceTypeInfo,
    tasksPerInstance: tasksPerInstance(instance as InstanceTypeInfo, task),
    // A given certificate wins over issuing one; a domain with a zone alone gets an ACM certificate.
    tls: certificateArn ? "certificate" : domainName && hostedZoneId ? "acm" : "none",
  };
}
