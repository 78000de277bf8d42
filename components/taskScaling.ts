/**
 * Task-level autoscaling: an Application Auto Scaling target on the service's desired count, and three
 * target-tracking policies, on average CPU, on average memory and on ALB requests per task. Whichever asks for
 * more tasks wins; scale-in happens only when all allow it. The cluster's capacity provider scales the instances to fit the
 * tasks, which makes the two levels: tasks follow load, instances follow task placement.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

/**
 * Scale out within a minute of a breach; scale in only after five quiet minutes, so a burst does not make
 * tasks flap (target tracking already scales in more cautiously than out).
 */
export const COOLDOWNS = { scaleOutCooldown: 60, scaleInCooldown: 300 } as const;

/** What the scaling is built from. */
export interface TaskScalingArgs {
  /** The ECS cluster's name. */
  clusterName: pulumi.Input<string>;
  /** The ECS service's name. */
  serviceName: pulumi.Input<string>;
  /** Fewest tasks. */
  minTasks: number;
  /** Most tasks. */
  maxTasks: number;
  /** Average service CPU to track, in percent. */
  cpuTargetPercent: number;
  /** Average service memory to track, in percent of the tasks' reservation (what ECS reports). */
  memoryTargetPercent: number;
  /** ALB requests per task per minute to track. */
  requestsPerTarget: number;
  /** The ALB's ARN suffix (`app/<name>/<id>`). */
  albArnSuffix: pulumi.Input<string>;
  /** The ARN suffixes of the service's target groups: one, or two for a managed deployment. */
  targetGroupArnSuffixes: pulumi.Input<string>[];
  /** Listeners sending the target group traffic; the request-count metric exists only once one does. */
  listeners: pulumi.Resource[];
}

/**
 * Requests per task per minute across both target groups of a managed deployment: the predefined per-target
 * metric names one group, and the traffic moves to the other at every release. Each group's RequestCountPerTarget
 * is its requests over its own healthy targets, so the sum is the load on a serving task whether one group serves
 * (the idle one adds 0) or both do during a canary: 10% of the requests over the new tasks plus 90% over the
 * old is the same per-task load as all of them over either. Dividing by the running task count instead would
 * read half the load while a deployment runs both revisions in full, and scale out too late.
 */
export function requestsPerTask(
  args: Pick<TaskScalingArgs, "albArnSuffix" | "targetGroupArnSuffixes">,
): aws.types.input.appautoscaling.PolicyTargetTrackingScalingPolicyConfigurationCustomizedMetricSpecification {
  const ids = args.targetGroupArnSuffixes.map((_, i) => `r${i}`);
  return {
    metrics: [
      ...args.targetGroupArnSuffixes.map((tg, i) => ({
        id: ids[i],
        metricStat: {
          metric: {
            namespace: "AWS/ApplicationELB",
            metricName: "RequestCountPerTarget",
            dimensions: [
              { name: "LoadBalancer", value: args.albArnSuffix },
              { name: "TargetGroup", value: tg },
            ],
          },
          // The one statistic CloudWatch documents for RequestCountPerTarget.
          stat: "Sum",
        },
        returnData: false,
      })),
      {
        id: "perTask",
        expression: ids.map((id) => `FILL(${id}, 0)`).join(" + "),
        label: "Requests per task per minute",
        returnData: true,
      },
    ],
  };
}

/** Creates the scalable target and the three policies. */
export function createTaskScaling(
  name: string,
  args: TaskScalingArgs,
  opts: pulumi.CustomResourceOptions,
): { target: aws.appautoscaling.Target; policies: aws.appautoscaling.Policy[] } {
  const target = new aws.appautoscaling.Target(
    `${name}-scaling`,
    {
      serviceNamespace: "ecs",
      scalableDimension: "ecs:service:DesiredCount",
      resourceId: pulumi.interpolate`service/${args.clusterName}/${args.serviceName}`,
      minCapacity: args.minTasks,
      maxCapacity: args.maxTasks,
    },
    opts,
  );
  const scalable = {
    serviceNamespace: target.serviceNamespace,
    scalableDimension: target.scalableDimension,
    resourceId: target.resourceId,
  };
  const onCpu = new aws.appautoscaling.Policy(
    `${name}-scale-on-cpu`,
    {
      policyType: "TargetTrackingScaling",
      ...scalable,
      targetTrackingScalingPolicyConfiguration: {
        predefinedMetricSpecification: { predefinedMetricType: "ECSServiceAverageCPUUtilization" },
        targetValue: args.cpuTargetPercent,
        ...COOLDOWNS,
      },
    },
    opts,
  );
  const onMemory = new aws.appautoscaling.Policy(
    `${name}-scale-on-memory`,
    {
      policyType: "TargetTrackingScaling",
      ...scalable,
      targetTrackingScalingPolicyConfiguration: {
        predefinedMetricSpecification: { predefinedMetricType: "ECSServiceAverageMemoryUtilization" },
        targetValue: args.memoryTargetPercent,
        ...COOLDOWNS,
      },
    },
    opts,
  );
  const [primary, ...others] = args.targetGroupArnSuffixes;
  const onRequests = new aws.appautoscaling.Policy(
    `${name}-scale-on-requests`,
    {
      policyType: "TargetTrackingScaling",
      ...scalable,
      targetTrackingScalingPolicyConfiguration: {
        ...(others.length === 0
          ? {
              predefinedMetricSpecification: {
                predefinedMetricType: "ALBRequestCountPerTarget",
                // The metric's dimensions: which load balancer and which of its target groups.
                resourceLabel: pulumi.interpolate`${args.albArnSuffix}/${primary}`,
              },
            }
          : { customizedMetricSpecification: requestsPerTask(args) }),
        targetValue: args.requestsPerTarget,
        ...COOLDOWNS,
      },
    },
    { ...opts, dependsOn: args.listeners },
  );
  return { target, policies: [onCpu, onMemory, onRequests] };
}
