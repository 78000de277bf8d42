/**
 * The service's CloudWatch dashboard: traffic, latency, errors, task and instance counts, and the alarms, on
 * one screen. The body is typed below (CloudWatch's dashboard body structure) so a misspelled key fails `tsc`.
 *
 * The instance graph reads the Auto Scaling group's metrics, which exist only when the group enables metrics
 * collection, and Container Insights' instance count; the task graph reads Container Insights.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { MonitoredService } from "./alarms";

/** Per-metric rendering options in a metric row. */
interface MetricOptions {
  stat?: string;
  label?: string;
  id?: string;
  visible?: boolean;
  yAxis?: "left" | "right";
}
/** A metric row: namespace, metric name, dimension name/value pairs, then options; or a math expression. */
type MetricRow =
  | [pulumi.Input<string>, ...(pulumi.Input<string> | MetricOptions)[]]
  | [{ expression: string; label: string; id: string }];

/** A graph of metrics. */
export interface MetricWidget {
  type: "metric";
  x: number;
  y: number;
  width: number;
  height: number;
  properties: {
    title: string;
    region: string;
    view: "timeSeries" | "singleValue";
    stacked?: boolean;
    period: number;
    stat?: string;
    metrics: MetricRow[];
    yAxis?: { left?: { min?: number; label?: string; showUnits?: boolean } };
  };
}
/** The state of a list of alarms. */
export interface AlarmWidget {
  type: "alarm";
  x: number;
  y: number;
  width: number;
  height: number;
  properties: { title: string; alarms: pulumi.Input<string>[] };
}
/** A CloudWatch dashboard body. */
export interface DashboardBody {
  start?: string;
  periodOverride?: "auto" | "inherit";
  widgets: (MetricWidget | AlarmWidget)[];
}

/** What the dashboard shows. */
export interface DashboardSpec {
  /** Load balancer, target group, cluster and service. */
  service: MonitoredService;
  /** The cluster's Auto Scaling group. */
  autoScalingGroupName: pulumi.Input<string>;
  /** Region of every metric. */
  region: string;
  /** ARNs of the alarms to show. */
  alarmArns: pulumi.Input<string>[];
}

/** The dashboard body: six graphs in two columns, then the alarms. */
export function dashboardBody(d: DashboardSpec): DashboardBody {
  const lb = ["LoadBalancer", d.service.albArnSuffix] as const;
  const tg = ["TargetGroup", d.service.targetGroupArnSuffix] as const;
  const svc = ["ClusterName", d.service.clusterName, "ServiceName", d.service.serviceName] as const;
  const at = (i: number) => ({ x: (i % 2) * 12, y: Math.floor(i / 2) * 6, width: 12, height: 6 });
  const graph = (i: number, title: string, metrics: MetricRow[], stat?: string): MetricWidget => ({
    type: "metric",
    ...at(i),
    properties: { title, region: d.region, view: "timeSeries", period: 60, stat, metrics },
  });
  return {
    start: "-PT3H",
    widgets: [
      graph(0, "Requests per minute", [
        ["AWS/ApplicationELB", "RequestCount", ...lb, { stat: "Sum", label: "Requests" }],
        ["AWS/ApplicationELB", "RequestCountPerTarget", ...lb, ...tg, { stat: "Sum", label: "Per task" }],
      ]),
      graph(1, "Target response time (seconds)", [
        ["AWS/ApplicationELB", "TargetResponseTime", ...lb, ...tg, { stat: "p50", label: "p50" }],
        ["AWS/ApplicationELB", "TargetResponseTime", ...lb, ...tg, { stat: "p90", label: "p90" }],
        ["AWS/ApplicationELB", "TargetResponseTime", ...lb, ...tg, { stat: "p99", label: "p99" }],
      ]),
      graph(
        2,
        "Errors per minute",
        [
          ["AWS/ApplicationELB", "HTTPCode_ELB_5XX_Count", ...lb, { label: "ALB 5xx" }],
          ["AWS/ApplicationELB", "HTTPCode_Target_5XX_Count", ...lb, ...tg, { label: "Service 5xx" }],
          ["AWS/ApplicationELB", "HTTPCode_Target_4XX_Count", ...lb, ...tg, { label: "Service 4xx" }],
          ["AWS/ApplicationELB", "UnHealthyHostCount", ...lb, ...tg, { stat: "Maximum", label: "Unhealthy" }],
        ],
        "Sum",
      ),
      graph(
        3,
        "Tasks",
        [
          ["ECS/ContainerInsights", "RunningTaskCount", ...svc, { label: "Running" }],
          ["ECS/ContainerInsights", "DesiredTaskCount", ...svc, { label: "Desired" }],
          ["ECS/ContainerInsights", "PendingTaskCount", ...svc, { label: "Pending" }],
        ],
        "Average",
      ),
      graph(
        4,
        "Container instances",
        [
          [
            "AWS/AutoScaling",
            "GroupInServiceInstances",
            "AutoScalingGroupName",
            d.autoScalingGroupName,
            { label: "In service" },
          ],
          [
            "AWS/AutoScaling",
            "GroupDesiredCapacity",
            "AutoScalingGroupName",
            d.autoScalingGroupName,
            { label: "Desired" },
          ],
          [
            "ECS/ContainerInsights",
            "ContainerInstanceCount",
            "ClusterName",
            d.service.clusterName,
            { label: "Registered with ECS" },
          ],
        ],
        "Average",
      ),
      graph(
        5,
        "Service CPU and memory (% of reservation)",
        [
          ["AWS/ECS", "CPUUtilization", ...svc, { label: "CPU" }],
          ["AWS/ECS", "MemoryUtilization", ...svc, { label: "Memory" }],
        ],
        "Average",
      ),
      {
        type: "alarm",
        x: 0,
        y: 18,
        width: 24,
        height: 4,
        properties: { title: "Alarms", alarms: d.alarmArns },
      },
    ],
  };
}

/** The console address of a dashboard. */
export function dashboardUrl(region: string, dashboardName: string): string {
  return `https://${region}.console.aws.amazon.com/cloudwatch/home?region=${region}#dashboards/dashboard/${dashboardName}`;
}

/**
 * Creates the dashboard. Dashboards have no auto-naming, so the name is built from the project, the stack and
 * the component's name: unique per stack and per instance, as auto-naming would be.
 */
export function createDashboard(
  name: string,
  spec: DashboardSpec,
  opts: pulumi.CustomResourceOptions,
): aws.cloudwatch.Dashboard {
  const dashboardName = `${pulumi.getProject()}-${pulumi.getStack()}-${name}`.replace(/[^A-Za-z0-9_-]/g, "-");
  return new aws.cloudwatch.Dashboard(
    `${name}-dashboard`,
    { dashboardName, dashboardBody: pulumi.jsonStringify(dashboardBody(spec)) },
    opts,
  );
}
