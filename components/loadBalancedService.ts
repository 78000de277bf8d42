/**
 * The API on the cluster behind a public ALB: bridge networking with dynamic host ports so several tasks share
 * an instance, task-level autoscaling (the cluster's capacity provider scales the instances), least-privilege
 * roles, logs, alarms and a dashboard.
 *
 * Children by idea: the container definition and its timing rules (apiContainer.ts), the IAM roles
 * (serviceRoles.ts), the access-log bucket (albAccessLogs.ts), the capacity check (capacity.ts), the alarms
 * (alarms.ts) and the dashboard (dashboard.ts); this file validates the arguments and wires the load balancer,
 * the security group rules, the task definition, the service and its scaling.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { INSTANCE_TYPES, type InstanceTypeInfo, instanceTypeInfo } from "../stacks/instanceTypes";
import { type IntegerSpec, SCHEMA, type StringSpec } from "../stacks/schema";
import { createAlarms, DEFAULT_THRESHOLDS } from "./alarms";
import { createAccessLogBucket } from "./albAccessLogs";
import { apiContainerDefinitions, CONTAINER_NAME, DEREGISTRATION_DELAY_SECONDS } from "./apiContainer";
import { capacityProblems, tasksPerInstance } from "./capacity";
import { createDashboard, dashboardUrl } from "./dashboard";
import { createListeners } from "./listeners";
import { type CommonArgs, componentProvider } from "./provider";
import { createServiceRoles } from "./serviceRoles";

/** Docker's and the kernel's ephemeral ranges both fall inside this: where dynamic host ports come from. */
export const EPHEMERAL_PORTS = { from: 32768, to: 65535 } as const;
/** Levels the service's logger (pino) accepts. */
export const LOG_LEVELS = ["fatal", "error", "warn", "info", "debug", "trace", "silent"] as const;
/** Seconds ECS ignores the ALB's health checks after a task starts: node is listening well within this. */
export const HEALTH_CHECK_GRACE_SECONDS = 60;
/** How long `pulumi up` waits for the service to reach a steady state before it reports a failure. */
export const STEADY_STATE_TIMEOUT = "20m";

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
  /** Serve IPv6 too (dualstack ALB and an AAAA alias); needs IPv6 in the public subnets. Defaults to false. */
  dualStack?: boolean;
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
  dualStack: boolean;
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
  // ECS caps stopTimeout at 120 s, and stopTimeout is the drain budget plus 10 s.
  if (!Number.isInteger(shutdownTimeoutMs) || shutdownTimeoutMs < 1000 || shutdownTimeoutMs > 110_000) {
    problems.push(
      `shutdownTimeoutMs = ${shutdownTimeoutMs} is not allowed; expected a whole number from 1000 to 110000 (ECS stops a container at most 120 s after SIGTERM)`,
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
    dualStack: args.dualStack ?? false,
    instance: instance as InstanceTypeInfo,
    tasksPerInstance: tasksPerInstance(instance as InstanceTypeInfo, task),
    // A given certificate wins over issuing one; a domain with a zone alone gets an ACM certificate.
    tls: certificateArn ? "certificate" : domainName && hostedZoneId ? "acm" : "none",
  };
}

/** The API's service on the cluster, behind a public ALB, with its scaling, roles, logs, alarms and dashboard. */
export class LoadBalancedService extends pulumi.ComponentResource {
  /** Where clients reach the API: `https://<domain or ALB DNS name>` with TLS, else `http://<ALB DNS name>`. */
  readonly url: pulumi.Output<string>;
  /** The ALB's DNS name. */
  readonly albDnsName: pulumi.Output<string>;
  /** The ALB's ARN. */
  readonly albArn: pulumi.Output<string>;
  /** The ECS service's name. */
  readonly serviceName: pulumi.Output<string>;
  /** The tasks' target group ARN. */
  readonly targetGroupArn: pulumi.Output<string>;
  /** The log group of the tasks' stdout/stderr. */
  readonly logGroupName: pulumi.Output<string>;
  /** The CloudWatch dashboard's name. */
  readonly dashboardName: pulumi.Output<string>;
  /** The dashboard's console address. */
  readonly dashboardUrl: pulumi.Output<string>;
  /** The SNS topic every alarm notifies. */
  readonly alarmTopicArn: pulumi.Output<string>;
  /** Tasks one container instance holds (by memory reservation and CPU). */
  readonly tasksPerInstance: number;
  /** The role the application's AWS SDK runs as. */
  readonly taskRoleArn: pulumi.Output<string>;
  /** The role the ECS agent uses to pull the image and write logs. */
  readonly executionRoleArn: pulumi.Output<string>;

  constructor(name: string, args: LoadBalancedServiceArgs, opts?: pulumi.ComponentResourceOptions) {
    super("ecs-json-api:service:LoadBalancedService", name, {}, opts);
    const r = resolveServiceArgs(args);
    const provider = componentProvider(this, name, "LoadBalancedService", args);
    const o = { parent: this, provider };
    const accountId = aws.getCallerIdentityOutput({}, o).accountId;

    // Security groups: the ALB takes 80 (and 443 with TLS) from anywhere and talks only to the instances'
    // ephemeral ports; the instances take only the ALB on those ports. Nothing else is opened.
    const albSg = new aws.ec2.SecurityGroup(
      `${name}-alb-sg`,
      { vpcId: r.vpcId, description: "Public ALB of the JSON API: HTTP(S) in, task ports out" },
      o,
    );
    const ports = r.tls === "none" ? [80] : [80, 443];
    const rules: pulumi.Resource[] = [];
    for (const port of ports) {
      const what = port === 443 ? "HTTPS" : r.tls === "none" ? "HTTP" : "HTTP (redirected to HTTPS)";
      for (const [family, cidr] of [
        ["ipv4", "0.0.0.0/0"],
        ["ipv6", "::/0"],
      ] as const) {
        rules.push(
          new aws.vpc.SecurityGroupIngressRule(
            `${name}-alb-in-${port}-${family}`,
            {
              securityGroupId: albSg.id,
              ipProtocol: "tcp",
              fromPort: port,
              toPort: port,
              ...(family === "ipv4" ? { cidrIpv4: cidr } : { cidrIpv6: cidr }),
              description: `${what} from anywhere (${family === "ipv4" ? "IPv4" : "IPv6"})`,
            },
            o,
          ),
        );
      }
    }
    const taskPorts = { ipProtocol: "tcp", fromPort: EPHEMERAL_PORTS.from, toPort: EPHEMERAL_PORTS.to };
    rules.push(
      new aws.vpc.SecurityGroupEgressRule(
        `${name}-alb-out-to-instances`,
        {
          securityGroupId: albSg.id,
          referencedSecurityGroupId: r.instanceSecurityGroupId,
          ...taskPorts,
          description: "To the tasks' dynamic host ports on the container instances",
        },
        o,
      ),
      new aws.vpc.SecurityGroupIngressRule(
        `${name}-instances-in-from-alb`,
        {
          securityGroupId: r.instanceSecurityGroupId,
          referencedSecurityGroupId: albSg.id,
          ...taskPorts,
          description: "From the JSON API's ALB to the tasks' dynamic host ports",
        },
        o,
      ),
    );

    const accessLogs = r.albAccessLogs
      ? createAccessLogBucket(
          name,
          { accountId, expirationDays: r.logRetentionDays, deletionProtection: r.deletionProtection },
          o,
        )
      : undefined;
    const alb = new aws.lb.LoadBalancer(
      `${name}-alb`,
      {
        loadBalancerType: "application",
        internal: false,
        subnets: r.publicSubnetIds,
        securityGroups: [albSg.id],
        ipAddressType: r.dualStack ? "dualstack" : "ipv4",
        idleTimeout: r.albIdleTimeout,
        // Requests with header names that are not valid HTTP tokens never reach the service.
        dropInvalidHeaderFields: true,
        // Only RFC 7230-compliant requests pass: the API's clients are HTTP libraries, and ambiguous framing
        // is how request smuggling starts.
        desyncMitigationMode: "strictest",
        enableDeletionProtection: r.deletionProtection,
        accessLogs: accessLogs ? { bucket: accessLogs.bucket.bucket, enabled: true } : undefined,
      },
      { ...o, dependsOn: accessLogs?.ready ?? [] },
    );
    const targetGroup = new aws.lb.TargetGroup(
      `${name}-tg`,
      {
        vpcId: r.vpcId,
        targetType: "instance",
        protocol: "HTTP",
        // ECS registers each task with its dynamic host port; this port is only the group's default.
        port: r.containerPort,
        deregistrationDelay: DEREGISTRATION_DELAY_SECONDS,
        // A new task is in service after 2 passing checks (~20 s); a broken one is out after 3 (~30 s).
        healthCheck: {
          enabled: true,
          protocol: "HTTP",
          port: "traffic-port",
          path: "/healthz",
          matcher: "200",
          interval: 10,
          timeout: 5,
          healthyThreshold: 2,
          unhealthyThreshold: 3,
        },
      },
      o,
    );
    const { listeners, https } = createListeners(
      name,
      {
        alb,
        targetGroup,
        certificateArn: r.certificateArn,
        domainName: r.domainName,
        hostedZoneId: r.hostedZoneId,
        dualStack: r.dualStack,
      },
      o,
    );

    const logGroup = new aws.cloudwatch.LogGroup(`${name}-logs`, { retentionInDays: r.logRetentionDays }, o);
    const roles = createServiceRoles(
      name,
      { accountId, imageRef: r.imageRef, logGroupArn: logGroup.arn, bucketReadPolicy: r.bucketReadPolicy },
      o,
    );
    const taskDefinition = new aws.ecs.TaskDefinition(
      `${name}-task`,
      {
        // The family is the one name a task definition must have; project, stack and component keep it unique.
        family: `${pulumi.getProject()}-${pulumi.getStack()}-${name}`,
        requiresCompatibilities: ["EC2"],
        networkMode: "bridge",
        // No task-level cpu/memory: ECS then places by the container's cpu and memoryReservation (the soft
        // limit), which is what the capacity check counts; the container's memory stays the hard limit.
        taskRoleArn: roles.taskRole.arn,
        executionRoleArn: roles.executionRole.arn,
        containerDefinitions: pulumi.jsonStringify(
          apiContainerDefinitions({
            imageRef: r.imageRef,
            containerPort: r.containerPort,
            cpu: r.taskCpu,
            memory: r.taskMemory,
            memoryReservation: r.taskMemoryReservation,
            logGroupName: logGroup.name,
            region: r.region,
            bucketName: r.bucketName,
            keyPrefix: r.keyPrefix,
            logLevel: r.logLevel,
            albIdleTimeout: r.albIdleTimeout,
            shutdownTimeoutMs: r.shutdownTimeoutMs,
          }),
        ),
      },
      o,
    );

    const service = new aws.ecs.Service(
      `${name}-service`,
      {
        cluster: r.clusterArn,
        taskDefinition: taskDefinition.arn,
        desiredCount: r.desiredTasks,
        // The capacity provider alone decides where tasks go (a launchType would conflict with it), and its
        // managed scaling adds instances when tasks cannot be placed.
        capacityProviderStrategies: [{ capacityProvider: r.capacityProviderName, weight: 1, base: 0 }],
        deploymentCircuitBreaker: { enable: true, rollback: true },
        // New tasks start before old ones stop: a deploy never drops below the desired count.
        deploymentMinimumHealthyPercent: 100,
        deploymentMaximumPercent: 200,
        // One task per AZ before a second in any, then fill instances by memory so managed scaling can
        // empty and remove the spare ones.
        orderedPlacementStrategies: [
          { type: "spread", field: "attribute:ecs.availability-zone" },
          { type: "binpack", field: "memory" },
        ],
        loadBalancers: [
          { targetGroupArn: targetGroup.arn, containerName: CONTAINER_NAME, containerPort: r.containerPort },
        ],
        healthCheckGracePeriodSeconds: HEALTH_CHECK_GRACE_SECONDS,
        waitForSteadyState: true,
        propagateTags: "SERVICE",
        enableEcsManagedTags: true,
      },
      {
        ...o,
        // Tasks need their roles' policies, a listener using the target group, and the ALB's path to the
        // instances before they can start and pass health checks.
        dependsOn: [...listeners, ...roles.policies, ...rules],
        // Autoscaling owns the count after creation; a deploy must not reset it to desiredTasks.
        ignoreChanges: ["desiredCount"],
        customTimeouts: { create: STEADY_STATE_TIMEOUT, update: STEADY_STATE_TIMEOUT },
      },
    );

    const scaling = new aws.appautoscaling.Target(
      `${name}-scaling`,
      {
        serviceNamespace: "ecs",
        scalableDimension: "ecs:service:DesiredCount",
        resourceId: pulumi.interpolate`service/${r.clusterName}/${service.name}`,
        minCapacity: r.minTasks,
        maxCapacity: r.maxTasks,
      },
      o,
    );
    // Scale out within a minute of a breach; scale in only after five quiet minutes, so a burst does not
    // make tasks flap (target tracking already scales in more cautiously than out).
    const cooldowns = { scaleOutCooldown: 60, scaleInCooldown: 300 };
    const target = {
      serviceNamespace: scaling.serviceNamespace,
      scalableDimension: scaling.scalableDimension,
      resourceId: scaling.resourceId,
    };
    new aws.appautoscaling.Policy(
      `${name}-scale-on-cpu`,
      {
        policyType: "TargetTrackingScaling",
        ...target,
        targetTrackingScalingPolicyConfiguration: {
          predefinedMetricSpecification: { predefinedMetricType: "ECSServiceAverageCPUUtilization" },
          targetValue: r.cpuTargetPercent,
          ...cooldowns,
        },
      },
      o,
    );
    new aws.appautoscaling.Policy(
      `${name}-scale-on-requests`,
      {
        policyType: "TargetTrackingScaling",
        ...target,
        targetTrackingScalingPolicyConfiguration: {
          predefinedMetricSpecification: {
            predefinedMetricType: "ALBRequestCountPerTarget",
            // The metric's dimensions: which load balancer and which of its target groups.
            resourceLabel: pulumi.interpolate`${alb.arnSuffix}/${targetGroup.arnSuffix}`,
          },
          targetValue: r.requestsPerTarget,
          ...cooldowns,
        },
      },
      // The metric exists only once a listener sends the target group traffic.
      { ...o, dependsOn: listeners },
    );

    const monitored = {
      albArnSuffix: alb.arnSuffix,
      targetGroupArnSuffix: targetGroup.arnSuffix,
      clusterName: r.clusterName,
      serviceName: service.name,
    };
    const { topic, alarms } = createAlarms(
      name,
      {
        service: monitored,
        thresholds: {
          ...DEFAULT_THRESHOLDS,
          taskMemory: r.taskMemory,
          taskMemoryReservation: r.taskMemoryReservation,
        },
        alarmEmail: r.alarmEmail,
      },
      o,
    );
    const dashboard = createDashboard(
      name,
      {
        service: monitored,
        autoScalingGroupName: r.autoScalingGroupName,
        region: r.region,
        alarmArns: alarms.map((a) => a.arn),
      },
      o,
    );

    const host = https && r.domainName ? pulumi.output(r.domainName) : alb.dnsName;
    this.url = pulumi.interpolate`${https ? "https" : "http"}://${host}`;
    this.albDnsName = alb.dnsName;
    this.albArn = alb.arn;
    this.serviceName = service.name;
    this.targetGroupArn = targetGroup.arn;
    this.logGroupName = logGroup.name;
    this.dashboardName = dashboard.dashboardName;
    this.dashboardUrl = dashboard.dashboardName.apply((n) => dashboardUrl(r.region, n));
    this.alarmTopicArn = topic.arn;
    this.tasksPerInstance = r.tasksPerInstance;
    this.taskRoleArn = roles.taskRole.arn;
    this.executionRoleArn = roles.executionRole.arn;
    this.registerOutputs({
      url: this.url,
      albDnsName: this.albDnsName,
      albArn: this.albArn,
      serviceName: this.serviceName,
      targetGroupArn: this.targetGroupArn,
      logGroupName: this.logGroupName,
      dashboardName: this.dashboardName,
      dashboardUrl: this.dashboardUrl,
      alarmTopicArn: this.alarmTopicArn,
      tasksPerInstance: this.tasksPerInstance,
      taskRoleArn: this.taskRoleArn,
      executionRoleArn: this.executionRoleArn,
    });
  }
}
