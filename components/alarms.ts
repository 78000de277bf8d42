/**
 * The alarms of a service and of the load balancer, all notifying one SNS topic (monitoring.ts) when they fire
 * and when they clear.
 *
 * Each alarm names what it watches and why its missing data is read the way it is: ALB and ECS metrics are
 * published only while there is traffic or a task, so for most alarms "no data" means "nothing wrong"; the
 * task-shortfall alarm needs Container Insights and stays INSUFFICIENT_DATA (visible, not silently OK) when
 * that is off.
 */
import * as aws from "@pulumi/aws";
import type * as pulumi from "@pulumi/pulumi";

/** The metrics' dimensions: which load balancer, target group, cluster and service. */
export interface MonitoredService {
  /** The ALB's ARN suffix (`app/<name>/<id>`), its CloudWatch dimension. */
  albArnSuffix: pulumi.Input<string>;
  /**
   * The ARN suffixes (`targetgroup/<name>/<id>`) of the target groups the service's tasks register in: one, or
   * two for a managed deployment, whose traffic moves between them at each release.
   */
  targetGroupArnSuffixes: pulumi.Input<string>[];
  /** The ECS cluster's name. */
  clusterName: pulumi.Input<string>;
  /** The ECS service's name. */
  serviceName: pulumi.Input<string>;
}

/** The numbers a service's alarms compare against, with the task's size the memory alarm needs. */
export interface ResolvedThresholds {
  /** 5xx responses per minute (from the ALB itself, or from targets) that count as a bad minute. */
  errorsPerMinute: number;
  /** Share of requests answered 5xx, in percent, that marks a release as bad. */
  errorRatePercent: number;
  /** p99 target response time in seconds that counts as a slow minute. */
  p99Seconds: number;
  /** Average service CPU in percent that autoscaling should have brought down. */
  cpuPercent: number;
  /** Memory use of the busiest task as a share of its hard limit, in percent. */
  memoryOfHardLimitPercent: number;
  /** Hard memory limit of a task, in MiB. */
  taskMemory: number;
  /** Memory reservation of a task, in MiB: ECS reports MemoryUtilization against this figure. */
  taskMemoryReservation: number;
  /** The path the ALB's health check requests, for the unhealthy-hosts alarm's description. */
  healthCheckPath: string;
}

/** Defaults for the thresholds that do not come from the task's size. */
export const DEFAULT_THRESHOLDS = {
  errorsPerMinute: 5,
  errorRatePercent: 5,
  p99Seconds: 1,
  cpuPercent: 85,
  memoryOfHardLimitPercent: 90,
} as const;

/** One alarm's definition, without the actions (the topic is added when the alarms are created). */
export type AlarmSpec = Omit<aws.cloudwatch.MetricAlarmArgs, "alarmActions" | "okActions">;

/**
 * ECS reports service MemoryUtilization against the soft limit (memoryReservation) when one is set, so it
 * passes 100% in normal operation; the figure that matters is the hard limit, where the kernel kills the task.
 * This converts "share of the hard limit" into the percentage ECS reports.
 */
export function memoryAlarmThreshold(t: ResolvedThresholds): number {
  return Math.round((t.memoryOfHardLimitPercent * t.taskMemory) / t.taskMemoryReservation);
}

/** `bad` breaching one-minute datapoints out of `of` raise the alarm. */
const minutes = (bad: number, of: number) => ({ period: 60, evaluationPeriods: of, datapointsToAlarm: bad });

/** The load balancer's own alarm: 5xx answers the ALB gives itself, whichever service they were for. */
export function loadBalancerAlarmSpecs(
  albArnSuffix: pulumi.Input<string>,
  errorsPerMinute: number = DEFAULT_THRESHOLDS.errorsPerMinute,
): Record<string, AlarmSpec> {
  return {
    "alb-5xx": {
      alarmDescription: `The ALB itself answered 5xx (no healthy target, target timeouts or resets) more than ${errorsPerMinute} times a minute in 3 of 5 minutes.`,
      namespace: "AWS/ApplicationELB",
      metricName: "HTTPCode_ELB_5XX_Count",
      dimensions: { LoadBalancer: albArnSuffix },
      statistic: "Sum",
      ...minutes(3, 5),
      comparisonOperator: "GreaterThanThreshold",
      threshold: errorsPerMinute,
      // The ALB publishes error counts only when there are errors.
      treatMissingData: "notBreaching",
    },
  };
}

/**
 * A target-group metric of the service as an alarm's metric: the metric itself with one target group, or the
 * SUM or MAX of both target groups' (missing data read as 0) with two, so the alarm follows the traffic
 * whichever group serves it.
 */
export function targetGroupMetric(
  s: Pick<MonitoredService, "albArnSuffix" | "targetGroupArnSuffixes">,
  metricName: string,
  stat: string,
  combine: "SUM" | "MAX",
): Pick<
  AlarmSpec,
  "namespace" | "metricName" | "dimensions" | "statistic" | "extendedStatistic" | "period" | "metricQueries"
> {
  const dims = (tg: pulumi.Input<string>) => ({ LoadBalancer: s.albArnSuffix, TargetGroup: tg });
  if (s.targetGroupArnSuffixes.length === 1) {
    return {
      namespace: "AWS/ApplicationELB",
      metricName,
      dimensions: dims(s.targetGroupArnSuffixes[0]),
      ...(/^p\d/.test(stat) ? { extendedStatistic: stat } : { statistic: stat }),
    };
  }
  const ids = s.targetGroupArnSuffixes.map((_, i) => `tg${i}`);
  return {
    metricQueries: [
      ...s.targetGroupArnSuffixes.map((tg, i) => ({
        id: ids[i],
        metric: { namespace: "AWS/ApplicationELB", metricName, dimensions: dims(tg), stat, period: 60 },
        returnData: false,
      })),
      {
        id: "both",
        expression: `${combine}([${ids.map((id) => `FILL(${id}, 0)`).join(", ")}])`,
        label: `${metricName} (${combine === "SUM" ? "both target groups" : "the higher target group"})`,
        returnData: true,
      },
    ],
  };
}

/**
 * The alarms that mean "this release is bad", which ECS rolls a deployment back on: the share of requests the
 * service answers 5xx (once at least 20 a minute come in, so two failures of five requests are not a rollback)
 * and its p99 latency, each over the last few minutes only, so a past incident leaves them OK by the next
 * release. Both follow the traffic across both target groups.
 */
export function releaseAlarmSpecs(
  s: Pick<MonitoredService, "albArnSuffix" | "targetGroupArnSuffixes">,
  t: ResolvedThresholds,
): Record<string, AlarmSpec> {
  const tgs = s.targetGroupArnSuffixes;
  const metric = (id: string, metricName: string, tg: pulumi.Input<string>) => ({
    id,
    metric: {
      namespace: "AWS/ApplicationELB",
      metricName,
      dimensions: { LoadBalancer: s.albArnSuffix, TargetGroup: tg },
      stat: "Sum",
      period: 60,
    },
    returnData: false,
  });
  const sum = (prefix: string) => `SUM([${tgs.map((_, i) => `FILL(${prefix}${i}, 0)`).join(", ")}])`;
  return {
    "release-5xx-rate": {
      alarmDescription: `More than ${t.errorRatePercent}% of the service's requests got a 5xx in 2 of 3 minutes (of at least 20 a minute): a release in progress is rolled back.`,
      metricQueries: [
        ...tgs.map((tg, i) => metric(`e${i}`, "HTTPCode_Target_5XX_Count", tg)),
        ...tgs.map((tg, i) => metric(`r${i}`, "RequestCount", tg)),
        { id: "errors", expression: sum("e"), returnData: false },
        { id: "requests", expression: sum("r"), returnData: false },
        {
          id: "rate",
          expression: "IF(requests >= 20, 100 * errors / requests, 0)",
          label: "5xx, % of requests",
          returnData: true,
        },
      ],
      ...{ evaluationPeriods: 3, datapointsToAlarm: 2 },
      comparisonOperator: "GreaterThanThreshold",
      threshold: t.errorRatePercent,
      treatMissingData: "notBreaching",
    },
    "release-latency": {
      alarmDescription: `The service's p99 latency stayed above ${t.p99Seconds} s for 3 minutes: a release in progress is rolled back.`,
      ...targetGroupMetric(s, "TargetResponseTime", "p99", "MAX"),
      ...(tgs.length === 1 ? { period: 60 } : {}),
      ...{ evaluationPeriods: 3, datapointsToAlarm: 3 },
      comparisonOperator: "GreaterThanThreshold",
      threshold: t.p99Seconds,
      treatMissingData: "notBreaching",
    },
  };
}

/**
 * Minutes a release alarm needs, after production traffic reaches a bad revision, to go into ALARM: its longest
 * evaluation (3 one-minute periods) plus the minute or two ALB metrics take to reach CloudWatch. A bake shorter
 * than this ends the deployment before the alarms can roll it back.
 */
export const RELEASE_ALARM_MINUTES = 5;

/** Every alarm of a service, keyed by a stable name (the key becomes part of the child's name). */
export function serviceAlarmSpecs(s: MonitoredService, t: ResolvedThresholds): Record<string, AlarmSpec> {
  const service = { ClusterName: s.clusterName, ServiceName: s.serviceName };
  const single = s.targetGroupArnSuffixes.length === 1;
  return {
    "target-5xx": {
      alarmDescription: `The service answered 5xx more than ${t.errorsPerMinute} times a minute in 3 of 5 minutes.`,
      ...targetGroupMetric(s, "HTTPCode_Target_5XX_Count", "Sum", "SUM"),
      ...minutes(3, 5),
      ...(single ? {} : { period: undefined }),
      comparisonOperator: "GreaterThanThreshold",
      threshold: t.errorsPerMinute,
      treatMissingData: "notBreaching",
    },
    "unhealthy-hosts": {
      alarmDescription: `At least one task failed the ALB's ${t.healthCheckPath} check for 5 minutes in a row.`,
      ...targetGroupMetric(s, "UnHealthyHostCount", "Maximum", "MAX"),
      ...minutes(5, 5),
      ...(single ? {} : { period: undefined }),
      comparisonOperator: "GreaterThanThreshold",
      threshold: 0,
      // No data means no registered targets, which the task-shortfall alarm reports.
      treatMissingData: "notBreaching",
    },
    "p99-latency": {
      alarmDescription: `The slowest 1% of requests took over ${t.p99Seconds} s at the targets in 5 minutes in a row.`,
      ...targetGroupMetric(s, "TargetResponseTime", "p99", "MAX"),
      ...minutes(5, 5),
      ...(single ? {} : { period: undefined }),
      comparisonOperator: "GreaterThanThreshold",
      threshold: t.p99Seconds,
      // A p99 of a handful of requests is noise; keep the alarm's state until there is enough traffic (a
      // setting of single-metric percentile alarms only).
      ...(single ? { evaluateLowSampleCountPercentiles: "ignore" } : {}),
      treatMissingData: "notBreaching",
    },
    "cpu-high": {
      alarmDescription: `Average service CPU stayed above ${t.cpuPercent}% for 10 minutes: autoscaling is at maxTasks or cannot place tasks.`,
      namespace: "AWS/ECS",
      metricName: "CPUUtilization",
      dimensions: service,
      statistic: "Average",
      ...minutes(10, 10),
      comparisonOperator: "GreaterThanThreshold",
      threshold: t.cpuPercent,
      // ECS publishes service CPU only while tasks run; no tasks is the task-shortfall alarm's case.
      treatMissingData: "notBreaching",
    },
    "memory-high": {
      alarmDescription: `The busiest task used over ${t.memoryOfHardLimitPercent}% of its ${t.taskMemory} MiB hard limit for 5 minutes (reported as ${memoryAlarmThreshold(t)}% of the ${t.taskMemoryReservation} MiB reservation): it is close to being OOM-killed.`,
      namespace: "AWS/ECS",
      metricName: "MemoryUtilization",
      dimensions: service,
      statistic: "Maximum",
      ...minutes(5, 5),
      comparisonOperator: "GreaterThanThreshold",
      threshold: memoryAlarmThreshold(t),
      treatMissingData: "notBreaching",
    },
    // With a capacity provider, a task with no room waits in PROVISIONING (not PENDING) while managed scaling
    // adds instances; Container Insights' PendingTaskCount misses that. Desired minus running counts both, and
    // 15 minutes is longer than an instance takes to launch and join, so a shortfall that long is a placement
    // failure (maxInstances reached, instances failing to join) or tasks failing to start.
    "tasks-pending": {
      alarmDescription:
        "Fewer tasks ran than desired for 15 minutes: tasks stuck PROVISIONING/PENDING (no capacity to place them) or failing to start. Needs Container Insights on the cluster.",
      metricQueries: [
        {
          id: "desired",
          metric: {
            namespace: "ECS/ContainerInsights",
            metricName: "DesiredTaskCount",
            dimensions: service,
            stat: "Average",
            period: 60,
          },
          returnData: false,
        },
        {
          id: "running",
          metric: {
            namespace: "ECS/ContainerInsights",
            metricName: "RunningTaskCount",
            dimensions: service,
            stat: "Average",
            period: 60,
          },
          returnData: false,
        },
        { id: "short", expression: "desired - running", label: "Tasks short of desired", returnData: true },
      ],
      evaluationPeriods: 15,
      datapointsToAlarm: 15,
      comparisonOperator: "GreaterThanOrEqualToThreshold",
      threshold: 1,
      treatMissingData: "missing",
    },
  };
}

/** Creates every alarm of `specs`, each notifying the topic when it fires and when it clears. */
export function createAlarms(
  name: string,
  specs: Record<string, AlarmSpec>,
  topicArn: pulumi.Input<string>,
  opts: pulumi.CustomResourceOptions,
): aws.cloudwatch.MetricAlarm[] {
  return Object.entries(specs).map(
    ([key, spec]) =>
      new aws.cloudwatch.MetricAlarm(
        `${name}-${key}`,
        { ...spec, alarmActions: [topicArn], okActions: [topicArn] },
        opts,
      ),
  );
}
