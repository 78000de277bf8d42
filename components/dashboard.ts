/**
 * The stack's CloudWatch dashboard on one screen: the load balancer and the cluster's instances, then a row per
 * service (traffic, latency, errors, tasks, CPU and memory), then every alarm. The body is typed below
 * (CloudWatch's dashboard body structure) so a misspelled key fails `tsc`.
 *
 * The instance graph reads the Auto Scaling group's metrics (the ones EcsCluster enables, ASG_METRICS) and
 * Container Insights' instance count; the task graphs read Container Insights.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { ASG_METRICS } from "./ecsCluster";
import { type CommonArgs, componentProvider } from "./provider";

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
  | [{ expression: string; label: string; id: string; yAxis?: "left" | "right" }];

/** A graph of metrics. */
export interface MetricWidget {
  type: "metric";
  x: number;
  y: number;
  width: number;
  height: number;
  properties: {
    title: string;
    region: pulumi.Input<string>;
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

/** One service's row. */
export interface DashboardService {
  /** The service's short name, for titles. */
  name: string;
  /** Its ECS service's name. */
  serviceName: pulumi.Input<string>;
  /**
   * Its target groups' ARN suffixes: one, or two for a blue-green, canary or linear deployment, whose traffic
   * moves between them at each release.
   */
  targetGroupArnSuffixes: pulumi.Input<string>[];
}

/** What the dashboard shows. */
export interface DashboardSpec {
  /** Region of every metric. */
  region: pulumi.Input<string>;
  /** The load balancer's ARN suffix. */
  albArnSuffix: pulumi.Input<string>;
  /** The ECS cluster's name. */
  clusterName: pulumi.Input<string>;
  /** The cluster's Auto Scaling group. */
  autoScalingGroupName: pulumi.Input<string>;
  /** A row per service. */
  services: DashboardService[];
  /** ARNs of the alarms to show. */
  alarmArns: pulumi.Input<string>[];
}

/** Graphs are half the 24-column width and 6 high; a row holds two. */
const WIDTH = 12;
const HEIGHT = 6;

/** Labels of the Auto Scaling group metrics in the instance graph. */
const ASG_LABELS: Record<(typeof ASG_METRICS)[number], string> = {
  GroupInServiceInstances: "In service",
  GroupDesiredCapacity: "Desired",
};

/** The dashboard body: the load balancer and instances, a row of graphs per service, then the alarms. */
export function dashboardBody(d: DashboardSpec): DashboardBody {
  const widgets: (MetricWidget | AlarmWidget)[] = [];
  let y = 0;
  const graph = (x: number, title: string, metrics: MetricRow[], stat?: string): MetricWidget => ({
    type: "metric",
    x,
    y,
    width: WIDTH,
    height: HEIGHT,
    properties: { title, region: d.region, view: "timeSeries", period: 60, stat, metrics },
  });
  const lb = ["LoadBalancer", d.albArnSuffix] as const;
  widgets.push(
    graph(
      0,
      "Load balancer: requests and its own 5xx per minute",
      [
        ["AWS/ApplicationELB", "RequestCount", ...lb, { label: "Requests" }],
        ["AWS/ApplicationELB", "HTTPCode_ELB_5XX_Count", ...lb, { label: "ALB 5xx" }],
      ],
      "Sum",
    ),
    graph(
      WIDTH,
      "Container instances",
      [
        ...ASG_METRICS.map(
          (metric): MetricRow => [
            "AWS/AutoScaling",
            metric,
            "AutoScalingGroupName",
            d.autoScalingGroupName,
            { label: ASG_LABELS[metric] },
          ],
        ),
        [
          "ECS/ContainerInsights",
          "ContainerInstanceCount",
          "ClusterName",
          d.clusterName,
          { label: "Registered with ECS" },
        ],
      ],
      "Average",
    ),
  );
  for (const service of d.services) {
    y += HEIGHT;
    const groups = service.targetGroupArnSuffixes;
    const svc = ["ClusterName", d.clusterName, "ServiceName", service.serviceName] as const;
    /**
     * A target group metric of the service, whichever group serves: a managed deployment's production traffic
     * moves to the other group at every release (the groups swap roles), so with two groups the line is math
     * over both (the idle group's gaps as 0), their own series hidden.
     */
    const served = (
      id: string,
      metric: string,
      stat: string,
      label: string,
      combine: "SUM" | "MAX",
      yAxis?: "right",
    ): MetricRow[] => {
      const axis = yAxis ? { yAxis } : {};
      if (groups.length === 1) {
        return [["AWS/ApplicationELB", metric, ...lb, "TargetGroup", groups[0], { stat, label, ...axis }]];
      }
      const ids = groups.map((_, i) => `${id}${i}`);
      return [
        ...groups.map(
          (tg, i): MetricRow => [
            "AWS/ApplicationELB",
            metric,
            ...lb,
            "TargetGroup",
            tg,
            { stat, id: ids[i], visible: false },
          ],
        ),
        [{ expression: `${combine}([${ids.map((i) => `FILL(${i}, 0)`).join(", ")}])`, label, id, ...axis }],
      ];
    };
    widgets.push(
      graph(0, `${service.name}: requests per task and target response time (s)`, [
        // Per target group, requests over that group's targets: summed, the load each serving task carries.
        ...served("requests", "RequestCountPerTarget", "Sum", "Requests per task", "SUM"),
        ...(["p50", "p90", "p99"] as const).flatMap((p) =>
          served(p, "TargetResponseTime", p, p, "MAX", "right"),
        ),
      ]),
      graph(WIDTH, `${service.name}: errors per minute`, [
        ...served("e5xx", "HTTPCode_Target_5XX_Count", "Sum", "5xx", "SUM"),
        ...served("e4xx", "HTTPCode_Target_4XX_Count", "Sum", "4xx", "SUM"),
        ...served("unhealthy", "UnHealthyHostCount", "Maximum", "Unhealthy", "MAX"),
      ]),
    );
    y += HEIGHT;
    widgets.push(
      graph(
        0,
        `${service.name}: tasks`,
        [
          ["ECS/ContainerInsights", "RunningTaskCount", ...svc, { label: "Running" }],
          ["ECS/ContainerInsights", "DesiredTaskCount", ...svc, { label: "Desired" }],
          ["ECS/ContainerInsights", "PendingTaskCount", ...svc, { label: "Pending" }],
        ],
        "Average",
      ),
      graph(
        WIDTH,
        `${service.name}: CPU and memory (% of reservation)`,
        [
          ["AWS/ECS", "CPUUtilization", ...svc, { label: "CPU" }],
          ["AWS/ECS", "MemoryUtilization", ...svc, { label: "Memory" }],
        ],
        "Average",
      ),
    );
    if (groups.length > 1) {
      // A release in progress: ECS runs two deployments, and the traffic (and any new errors) splits between
      // the two target groups. Which group is the new revision's changes at every release, so each line is
      // labelled with its group's name as CloudWatch renders it.
      y += HEIGHT;
      const perGroup = (metric: string, what: string): MetricRow[] =>
        groups.map(
          (tg): MetricRow => [
            "AWS/ApplicationELB",
            metric,
            ...lb,
            "TargetGroup",
            tg,
            { stat: "Sum", label: `${what}, \${PROP('Dim.TargetGroup')}` },
          ],
        );
      widgets.push(
        graph(0, `${service.name}: release in progress (traffic per target group, deployments)`, [
          ...perGroup("RequestCount", "Requests"),
          [
            "ECS/ContainerInsights",
            "DeploymentCount",
            ...svc,
            { stat: "Maximum", label: "Deployments", yAxis: "right" },
          ],
        ]),
        graph(
          WIDTH,
          `${service.name}: 5xx per target group (a bad new revision shows here first)`,
          perGroup("HTTPCode_Target_5XX_Count", "5xx"),
        ),
      );
    }
  }
  y += HEIGHT;
  widgets.push({
    type: "alarm",
    x: 0,
    y,
    width: 24,
    height: 6,
    properties: { title: "Alarms", alarms: d.alarmArns },
  });
  return { start: "-PT3H", widgets };
}

/** The console address of a dashboard. */
export function dashboardUrl(region: string, dashboardName: string): string {
  return `https://${region}.console.aws.amazon.com/cloudwatch/home?region=${region}#dashboards/dashboard/${dashboardName}`;
}

/** The dashboard's inputs. */
export interface DashboardArgs extends CommonArgs, Omit<DashboardSpec, "region"> {}

/** The stack's dashboard. Dashboards have no auto-naming: the name is the project's, the stack's and this one's. */
export class Dashboard extends pulumi.ComponentResource {
  /** The CloudWatch dashboard. */
  readonly dashboard: aws.cloudwatch.Dashboard;
  /** Its name. */
  readonly dashboardName: pulumi.Output<string>;
  /** Its console address. */
  readonly url: pulumi.Output<string>;

  constructor(name: string, args: DashboardArgs, opts?: pulumi.ComponentResourceOptions) {
    super("ecs-json-api:monitoring:Dashboard", name, {}, opts);
    const provider = componentProvider(this, name, "Dashboard", args, opts);
    const region = aws.getRegionOutput({}, { parent: this, provider }).region;
    // Dashboard names: A-Z, a-z, 0-9, '-' and '_' (CloudWatch PutDashboard DashboardName).
    const dashboardName = `${pulumi.getProject()}-${pulumi.getStack()}-${name}`.replace(
      /[^A-Za-z0-9_-]/g,
      "-",
    );
    this.dashboard = new aws.cloudwatch.Dashboard(
      name,
      { dashboardName, dashboardBody: pulumi.jsonStringify(dashboardBody({ ...args, region })) },
      { parent: this, provider },
    );
    this.dashboardName = this.dashboard.dashboardName;
    this.url = pulumi.all([region, this.dashboardName]).apply(([r, n]) => dashboardUrl(r, n));
    this.registerOutputs({ dashboardName: this.dashboardName, url: this.url });
  }
}
