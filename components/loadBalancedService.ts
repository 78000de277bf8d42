/**
 * One service on the cluster behind the shared load balancer: bridge networking with dynamic host ports so
 * several tasks share an instance, a target group and a listener rule for its routes, task-level autoscaling
 * (the cluster's capacity provider scales the instances), least-privilege roles, logs and alarms.
 *
 * Split by idea: the arguments and their rules (serviceArgs.ts), the routes (routing.ts), the container
 * definition (container.ts), the IAM roles (serviceRoles.ts), the scaling (taskScaling.ts) and the alarms
 * (alarms.ts). This file wires them: target group, listener rule, log group, task definition and the ECS
 * service.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { createAlarms, DEFAULT_THRESHOLDS, releaseAlarmSpecs, serviceAlarmSpecs } from "./alarms";
import { ArgumentError } from "./args";
import { containerDefinitions } from "./container";
import {
  deploymentConfiguration,
  deploymentTimeoutMinutes,
  hookDetails,
  isManaged,
  resolveDeployment,
} from "./deployment";
import { componentProvider, regionOf } from "./provider";
import { routeConditions } from "./routing";
import { type LoadBalancedServiceArgs, resolveServiceArgs } from "./serviceArgs";
import { createServiceRoles } from "./serviceRoles";
import { createTaskScaling } from "./taskScaling";

/** Seconds ECS ignores the ALB's health checks after a task starts: a process is listening well within this. */
export const HEALTH_CHECK_GRACE_SECONDS = 60;
/** How long `pulumi up` waits for the service to reach a steady state before it reports a failure. */
export const STEADY_STATE_TIMEOUT = "20m";

/**
 * The target group's health check: a new task is in service after `healthyThreshold` passing checks, a broken
 * one out after `unhealthyThreshold` failing ones, `interval` seconds apart.
 */
export const HEALTH_CHECK = { interval: 10, timeout: 5, healthyThreshold: 2, unhealthyThreshold: 3 } as const;

/**
 * The target groups' port. With instance targets ECS registers each task at its dynamic host port, and the
 * health check uses the traffic port, so the group's own port is never used; one constant for every service.
 */
export const TARGET_GROUP_PORT = 80;

/** A service on the cluster, behind the shared ALB, with its scaling, roles, logs and alarms. */
export class LoadBalancedService extends pulumi.ComponentResource {
  /** The tasks' target group. */
  readonly targetGroup: aws.lb.TargetGroup;
  /** The production listener's rule sending the service's routes to its target group. */
  readonly listenerRule: aws.lb.ListenerRule;
  /** The task definition. */
  readonly taskDefinition: aws.ecs.TaskDefinition;
  /** The ECS service. */
  readonly service: aws.ecs.Service;
  /** The log group of the tasks' stdout/stderr. */
  readonly logGroup: aws.cloudwatch.LogGroup;
  /** The application's AWS identity; undefined when the service was given no task policy. */
  readonly taskRole: aws.iam.Role | undefined;
  /** The ECS agent's identity for the tasks. */
  readonly executionRole: aws.iam.Role;
  /** The service's alarms. */
  readonly alarms: aws.cloudwatch.MetricAlarm[];
  /** The ECS service's name. */
  readonly serviceName: pulumi.Output<string>;
  /** The target groups' ARN suffixes (their CloudWatch dimension): one, or two for a managed deployment. */
  readonly targetGroupArnSuffixes: pulumi.Output<string>[];
  /** The alternate target group of a blue-green, canary or linear deployment; undefined for a rolling one. */
  readonly alternateTargetGroup: aws.lb.TargetGroup | undefined;
  /** The test listener's rule of a managed deployment; undefined for a rolling one. */
  readonly testListenerRule: aws.lb.ListenerRule | undefined;
  /** The alarms ECS rolls a release back on. */
  readonly releaseAlarms: aws.cloudwatch.MetricAlarm[];
  /** The log group's name. */
  readonly logGroupName: pulumi.Output<string>;
  /** Tasks one container instance holds (by memory reservation and CPU). */
  readonly tasksPerInstance: number;
  /** The path the load balancer checks. */
  readonly healthCheckPath: string;

  constructor(name: string, args: LoadBalancedServiceArgs, opts?: pulumi.ComponentResourceOptions) {
    super("ecs-json-api:service:LoadBalancedService", name, {}, opts);
    const r = resolveServiceArgs(args);
    const provider = componentProvider(this, name, "LoadBalancedService", args, opts);
    const o = { parent: this, provider };
    const accountId = aws.getCallerIdentityOutput({}, o).accountId;
    const region = regionOf(this, provider);
    const containerName = args.containerName ?? "app";

    const deployment = resolveDeployment(args.deployment ?? {});
    const managed = isManaged(deployment.deploymentStrategy);
    const testListener = args.loadBalancer.testListener;
    const infrastructureRoleArn = args.loadBalancer.infrastructureRoleArn;
    if (managed && (!testListener || !infrastructureRoleArn)) {
      throw new ArgumentError("LoadBalancedService", [
        `deploymentStrategy "${deployment.deploymentStrategy}" needs a load balancer with a test listener (testListenerPort) and its ECS infrastructure role`,
      ]);
    }

    const newTargetGroup = (suffix: string) =>
      new aws.lb.TargetGroup(
        `${name}-${suffix}`,
        {
          vpcId: args.loadBalancer.vpcId,
          targetType: "instance",
          protocol: "HTTP",
          // ECS registers each task with its dynamic host port; this port is only the group's default, unused.
          // A constant: a target group's port cannot change in place, and replacing a group that listener rules
          // and the service use (whose forward actions and load balancers ECS owns) would leave them on the old.
          port: TARGET_GROUP_PORT,
          deregistrationDelay: r.deregistrationDelaySeconds,
          healthCheck: {
            enabled: true,
            protocol: "HTTP",
            port: "traffic-port",
            path: r.healthCheckPath,
            matcher: "200",
            ...HEALTH_CHECK,
          },
        },
        o,
      );
    const targetGroup = newTargetGroup("tg");
    // A managed deployment starts the new revision in the alternate group, moves the traffic to it, and the
    // groups swap roles at the next release.
    const alternateTargetGroup = managed ? newTargetGroup("tg-alt") : undefined;
    const targetGroups = [targetGroup, ...(alternateTargetGroup ? [alternateTargetGroup] : [])];
    // With two groups both rules forward to both, all to the primary; ECS moves the weights during a deployment
    // and leaves them where the last one ended, so Pulumi must not put them back.
    const actions = alternateTargetGroup
      ? [
          {
            type: "forward",
            forward: {
              targetGroups: [
                { arn: targetGroup.arn, weight: 100 },
                { arn: alternateTargetGroup.arn, weight: 0 },
              ],
            },
          },
        ]
      : [{ type: "forward", targetGroupArn: targetGroup.arn }];
    // resetTrafficRouting lifts this for one up: the up that switches between rolling and a managed strategy,
    // whose rules and load balancers must change to the new shape, which ECS would otherwise never receive.
    const ecsOwnsRouting = managed && !deployment.resetTrafficRouting;
    const rulesOptions = ecsOwnsRouting ? { ...o, ignoreChanges: ["actions"] } : o;
    const listenerRule = new aws.lb.ListenerRule(
      `${name}-rule`,
      {
        listenerArn: args.loadBalancer.listener.arn,
        priority: args.route.priority,
        conditions: routeConditions(args.route),
        actions,
      },
      rulesOptions,
    );
    const testListenerRule =
      managed && testListener
        ? new aws.lb.ListenerRule(
            `${name}-test-rule`,
            {
              listenerArn: testListener.arn,
              priority: args.route.priority,
              conditions: routeConditions(args.route),
              actions,
            },
            rulesOptions,
          )
        : undefined;

    const logGroup = new aws.cloudwatch.LogGroup(`${name}-logs`, { retentionInDays: r.logRetentionDays }, o);
    const roles = createServiceRoles(
      name,
      {
        accountId,
        image: args.image,
        logGroupArn: logGroup.arn,
        taskPolicy: args.taskPolicy,
        purpose: `the ${containerName} service`,
        permissionsBoundary: args.permissionsBoundary,
      },
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
        taskRoleArn: roles.taskRole?.arn,
        executionRoleArn: roles.executionRole.arn,
        containerDefinitions: pulumi.jsonStringify(
          containerDefinitions({
            ...args.container,
            name: containerName,
            image: args.image,
            containerPort: r.containerPort,
            cpu: r.cpu,
            memory: r.memory,
            memoryReservation: r.memoryReservation,
            logGroupName: logGroup.name,
            region,
          }),
        ),
      },
      o,
    );

    // The release alarms watch only the target groups, so they exist before the service that names them.
    const traffic = {
      albArnSuffix: args.loadBalancer.arnSuffix,
      targetGroupArnSuffixes: targetGroups.map((g) => g.arnSuffix),
    };
    const thresholds = {
      ...DEFAULT_THRESHOLDS,
      ...args.alarms,
      taskMemory: r.memory,
      taskMemoryReservation: r.memoryReservation,
      healthCheckPath: r.healthCheckPath,
    };
    const releaseAlarms = createAlarms(name, releaseAlarmSpecs(traffic, thresholds), args.alarmTopicArn, o);
    const timeout = `${deploymentTimeoutMinutes(deployment)}m`;

    const service = new aws.ecs.Service(
      `${name}-service`,
      {
        cluster: args.cluster.clusterArn,
        taskDefinition: taskDefinition.arn,
        desiredCount: r.desiredTasks,
        // The capacity provider alone decides where tasks go (a launchType would conflict with it), and its
        // managed scaling adds instances when tasks cannot be placed.
        capacityProviderStrategies: [
          { capacityProvider: args.cluster.capacityProviderName, weight: 1, base: 0 },
        ],
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
          {
            targetGroupArn: targetGroup.arn,
            containerName,
            containerPort: r.containerPort,
            ...(alternateTargetGroup && testListenerRule && infrastructureRoleArn
              ? {
                  advancedConfiguration: {
                    alternateTargetGroupArn: alternateTargetGroup.arn,
                    productionListenerRule: listenerRule.arn,
                    testListenerRule: testListenerRule.arn,
                    roleArn: infrastructureRoleArn,
                  },
                }
              : {}),
          },
        ],
        ...(managed
          ? {
              deploymentConfiguration: deploymentConfiguration(
                deployment,
                args.smokeTest
                  ? {
                      functionArn: args.smokeTest.functionArn,
                      roleArn: args.smokeTest.invokeRoleArn,
                      details: pulumi.output(args.loadBalancer.arnSuffix).apply((arnSuffix) =>
                        hookDetails({
                          loadBalancerArnSuffix: arnSuffix,
                          testListenerPort: args.loadBalancer.testListenerPort,
                          https: args.loadBalancer.https,
                          host: args.route.hosts[0] ?? "localhost",
                          checks: args.smokeTest?.checks ?? [],
                        }),
                      ),
                    }
                  : undefined,
              ),
            }
          : {}),
        // ECS rolls a release back when one of these alarms fires while it deploys (and, for the managed
        // strategies, while traffic shifts and bakes); the circuit breaker above still catches tasks that fail
        // to start or to pass health checks.
        alarms: {
          alarmNames: releaseAlarms.map((a) => a.name),
          enable: true,
          rollback: true,
        },
        healthCheckGracePeriodSeconds: HEALTH_CHECK_GRACE_SECONDS,
        waitForSteadyState: true,
        propagateTags: "SERVICE",
        enableEcsManagedTags: true,
      },
      {
        ...o,
        // Tasks need their roles' policies, a listener rule using the target group (ECS rejects a group no
        // listener uses), and the ALB's path to the instances before they can start and pass health checks.
        dependsOn: [
          listenerRule,
          ...(testListenerRule ? [testListenerRule] : []),
          ...args.loadBalancer.ready,
          ...roles.policies,
          ...(args.ready ?? []),
        ],
        // Autoscaling owns the count after creation; a deploy must not reset it to desiredTasks. A managed
        // deployment may leave the service's groups swapped; sending them back would start another deployment.
        ignoreChanges: ecsOwnsRouting ? ["desiredCount", "loadBalancers"] : ["desiredCount"],
        // Delete waits for a deployment in progress to end (ECS refuses to stop a service during one).
        customTimeouts: { create: timeout, update: timeout, delete: timeout },
      },
    );

    createTaskScaling(
      name,
      {
        clusterName: args.cluster.clusterName,
        serviceName: service.name,
        minTasks: r.minTasks,
        maxTasks: r.maxTasks,
        cpuTargetPercent: r.cpuTargetPercent,
        memoryTargetPercent: r.memoryTargetPercent,
        requestsPerTarget: r.requestsPerTarget,
        albArnSuffix: args.loadBalancer.arnSuffix,
        targetGroupArnSuffixes: targetGroups.map((g) => g.arnSuffix),
        listeners: [listenerRule],
      },
      o,
    );

    const monitored = { ...traffic, clusterName: args.cluster.clusterName, serviceName: service.name };
    this.alarms = [
      ...releaseAlarms,
      ...createAlarms(name, serviceAlarmSpecs(monitored, thresholds), args.alarmTopicArn, o),
    ];

    this.targetGroup = targetGroup;
    this.listenerRule = listenerRule;
    this.taskDefinition = taskDefinition;
    this.service = service;
    this.logGroup = logGroup;
    this.taskRole = roles.taskRole;
    this.executionRole = roles.executionRole;
    this.serviceName = service.name;
    this.targetGroupArnSuffixes = targetGroups.map((g) => g.arnSuffix);
    this.alternateTargetGroup = alternateTargetGroup;
    this.testListenerRule = testListenerRule;
    this.releaseAlarms = releaseAlarms;
    this.logGroupName = logGroup.name;
    this.tasksPerInstance = r.tasksPerInstance;
    this.healthCheckPath = r.healthCheckPath;
    this.registerOutputs({
      serviceName: this.serviceName,
      targetGroupArnSuffixes: this.targetGroupArnSuffixes,
      logGroupName: this.logGroupName,
      tasksPerInstance: this.tasksPerInstance,
      healthCheckPath: this.healthCheckPath,
    });
  }
}
