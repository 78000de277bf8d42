/**
 * The API on the cluster behind a public ALB: bridge networking with dynamic host ports so several tasks share
 * an instance, task-level autoscaling (the cluster's capacity provider scales the instances), least-privilege
 * roles, logs, alarms and a dashboard.
 *
 * Split by idea: the arguments and their validation (serviceArgs.ts, with the capacity check of capacity.ts),
 * the security group rules (albSecurityGroups.ts), the access-log bucket (albAccessLogs.ts), the listeners and
 * TLS (listeners.ts), the container definition and its timing rules (apiContainer.ts), the IAM roles
 * (serviceRoles.ts), the scaling (taskScaling.ts), the alarms (alarms.ts) and the dashboard (dashboard.ts).
 * This file wires them: load balancer, target group, log group, task definition and the ECS service.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { HEALTH_PATH } from "../service/src/contract";
import { createAlarms, DEFAULT_THRESHOLDS } from "./alarms";
import { createAccessLogBucket } from "./albAccessLogs";
import { createAlbSecurityGroups } from "./albSecurityGroups";
import { apiContainerDefinitions, CONTAINER_NAME, DEREGISTRATION_DELAY_SECONDS } from "./apiContainer";
import { createDashboard, dashboardUrl } from "./dashboard";
import { createListeners } from "./listeners";
import { componentProvider } from "./provider";
import { type LoadBalancedServiceArgs, resolveServiceArgs } from "./serviceArgs";
import { createServiceRoles } from "./serviceRoles";
import { createTaskScaling } from "./taskScaling";

export {
  LOG_LEVELS,
  type LoadBalancedServiceArgs,
  type ResolvedServiceArgs,
  resolveServiceArgs,
  type TlsMode,
} from "./serviceArgs";

/** Seconds ECS ignores the ALB's health checks after a task starts: node is listening well within this. */
export const HEALTH_CHECK_GRACE_SECONDS = 60;
/** How long `pulumi up` waits for the service to reach a steady state before it reports a failure. */
export const STEADY_STATE_TIMEOUT = "20m";

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

    const { albSecurityGroup, rules } = createAlbSecurityGroups(
      name,
      { vpcId: r.vpcId, instanceSecurityGroupId: r.instanceSecurityGroupId, https: r.tls !== "none" },
      o,
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
        securityGroups: [albSecurityGroup.id],
        ipAddressType: "ipv4",
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
          path: HEALTH_PATH,
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

    createTaskScaling(
      name,
      {
        clusterName: r.clusterName,
        serviceName: service.name,
        minTasks: r.minTasks,
        maxTasks: r.maxTasks,
        cpuTargetPercent: r.cpuTargetPercent,
        requestsPerTarget: r.requestsPerTarget,
        albArnSuffix: alb.arnSuffix,
        targetGroupArnSuffix: targetGroup.arnSuffix,
        listeners,
      },
      o,
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
