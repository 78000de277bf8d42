/** The stack's dashboard: its body (pure) and the Dashboard component (under mocks). */
import * as assert from "node:assert/strict";
import * as aws from "@pulumi/aws";
import fc from "fast-check";
import {
  type AlarmWidget,
  Dashboard,
  type DashboardSpec,
  dashboardBody,
  dashboardUrl,
  type MetricWidget,
} from "../../components/dashboard";
import { ASG_METRICS, EcsCluster } from "../../components/ecsCluster";
import { type Evaluation, runUnderMocks } from "../../lib/harness";

const SPEC: DashboardSpec = {
  region: "eu-west-1",
  albArnSuffix: "app/shared-alb/0123456789abcdef",
  clusterName: "apps",
  autoScalingGroupName: "apps-asg",
  services: [
    { name: "api", serviceName: "api-service", targetGroupArnSuffixes: ["targetgroup/api-tg/1"] },
    { name: "web", serviceName: "web-service", targetGroupArnSuffixes: ["targetgroup/web-tg/2"] },
  ],
  alarmArns: [
    "arn:aws:cloudwatch:eu-west-1:123456789012:alarm:a",
    "arn:aws:cloudwatch:eu-west-1:123456789012:alarm:b",
  ],
};

const metricWidgets = (spec: DashboardSpec) =>
  dashboardBody(spec).widgets.filter((w): w is MetricWidget => w.type === "metric");
const byTitle = (spec: DashboardSpec, title: string) => {
  const found = metricWidgets(spec).filter((w) => w.properties.title === title);
  assert.equal(found.length, 1, title);
  return found[0];
};
/** A metric row as `namespace metric` and its dimensions as a map; undefined for an expression. */
function parseRow(row: unknown[]): { metric: string; dimensions: Record<string, unknown> } | undefined {
  if (typeof row[0] !== "string") return undefined;
  const [namespace, metric, ...rest] = row;
  const pairs = rest.filter((r) => typeof r === "string");
  assert.equal(pairs.length % 2, 0, `dimensions of ${namespace} ${metric} come in name/value pairs`);
  const dimensions: Record<string, unknown> = {};
  for (let i = 0; i < pairs.length; i += 2) dimensions[pairs[i] as string] = pairs[i + 1];
  return { metric: `${namespace} ${metric}`, dimensions };
}

describe("dashboardBody", () => {
  it("graphs exactly the Auto Scaling group metrics the cluster enables, for its group", () => {
    const rows = byTitle(SPEC, "Container instances")
      .properties.metrics.map((r) => parseRow(r as unknown[]))
      .filter((r) => r?.metric.startsWith("AWS/AutoScaling "));
    assert.deepEqual(
      rows.map((r) => r?.metric),
      ASG_METRICS.map((m) => `AWS/AutoScaling ${m}`),
    );
    for (const r of rows) assert.deepEqual(r?.dimensions, { AutoScalingGroupName: "apps-asg" });
  });

  it("graphs the load balancer's requests and its own 5xx answers", () => {
    const rows = byTitle(SPEC, "Load balancer: requests and its own 5xx per minute").properties.metrics.map(
      (r) => parseRow(r as unknown[]),
    );
    assert.deepEqual(
      rows.map((r) => r?.metric),
      ["AWS/ApplicationELB RequestCount", "AWS/ApplicationELB HTTPCode_ELB_5XX_Count"],
    );
    for (const r of rows) assert.deepEqual(r?.dimensions, { LoadBalancer: SPEC.albArnSuffix });
  });

  it("gives each service a row of four graphs about its own target group and ECS service only", () => {
    for (const s of SPEC.services) {
      const own = metricWidgets(SPEC).filter((w) => w.properties.title.startsWith(`${s.name}: `));
      assert.equal(own.length, 4, s.name);
      for (const widget of own) {
        for (const row of widget.properties.metrics) {
          const parsed = parseRow(row as unknown[]);
          if (!parsed) continue;
          const d = parsed.dimensions;
          if ("TargetGroup" in d)
            assert.deepEqual(d, {
              LoadBalancer: SPEC.albArnSuffix,
              TargetGroup: s.targetGroupArnSuffixes[0],
            });
          else assert.deepEqual(d, { ClusterName: "apps", ServiceName: s.serviceName }, parsed.metric);
        }
      }
    }
  });

  it("shows the traffic, latency percentiles, errors, tasks, CPU and memory of each service", () => {
    const metrics = (title: string) =>
      byTitle(SPEC, title).properties.metrics.map((r) => parseRow(r as unknown[])?.metric);
    assert.ok(
      metrics("web: requests per task and target response time (s)").includes(
        "AWS/ApplicationELB RequestCountPerTarget",
      ),
    );
    const percentiles = byTitle(
      SPEC,
      "web: requests per task and target response time (s)",
    ).properties.metrics.flatMap((r) =>
      (r as unknown[])
        .filter((x): x is { stat: string } => typeof x === "object" && x !== null && "stat" in x)
        .map((o) => o.stat),
    );
    for (const p of ["p50", "p90", "p99"]) assert.ok(percentiles.includes(p), p);
    assert.ok(metrics("web: errors per minute").includes("AWS/ApplicationELB HTTPCode_Target_5XX_Count"));
    assert.ok(metrics("web: tasks").includes("ECS/ContainerInsights RunningTaskCount"));
    assert.deepEqual(metrics("web: CPU and memory (% of reservation)"), [
      "AWS/ECS CPUUtilization",
      "AWS/ECS MemoryUtilization",
    ]);
  });

  it("graphs a managed deployment's service over both target groups, since production traffic swaps groups at each release", () => {
    const groups = ["targetgroup/api-tg/1", "targetgroup/api-tg-alt/2"];
    const spec: DashboardSpec = {
      ...SPEC,
      services: [{ name: "api", serviceName: "api-service", targetGroupArnSuffixes: groups }],
    };
    for (const title of ["api: requests per task and target response time (s)", "api: errors per minute"]) {
      const rows = byTitle(spec, title).properties.metrics as unknown[][];
      const lines = rows.filter((r) => typeof r[0] === "object") as [{ expression: string; id: string }][];
      const series = rows.filter((r) => typeof r[0] === "string");
      // Every line is math over both groups' series, which are read but hidden.
      assert.ok(lines.length >= 3, title);
      for (const [line] of lines) {
        const ids = [...line.expression.matchAll(/FILL\((\w+), 0\)/g)].map((m) => m[1]);
        assert.equal(ids.length, 2, line.expression);
        const read = ids.map((id) => series.find((r) => (r.at(-1) as { id?: string }).id === id));
        assert.deepEqual(
          read.map((r) => parseRow(r as unknown[])?.dimensions.TargetGroup),
          groups,
          `${line.id} reads both groups`,
        );
        for (const r of read) assert.equal((r?.at(-1) as { visible?: boolean } | undefined)?.visible, false);
      }
      assert.equal(series.length, lines.length * 2, `${title}: no series outside the math`);
    }
    // Requests per task add up across the groups; latency takes the slower group.
    const traffic = byTitle(spec, "api: requests per task and target response time (s)").properties.metrics;
    const expression = (id: string) =>
      (
        traffic.find((r) => typeof r[0] === "object" && (r[0] as { id: string }).id === id)?.[0] as
          | { expression: string }
          | undefined
      )?.expression ?? "";
    assert.match(expression("requests"), /^SUM\(/);
    assert.match(expression("p99"), /^MAX\(/);
  });

  it("shows every alarm it is given in one widget, below the graphs", () => {
    const { widgets } = dashboardBody(SPEC);
    const alarms = widgets.filter((w): w is AlarmWidget => w.type === "alarm");
    assert.equal(alarms.length, 1);
    assert.deepEqual(alarms[0].properties.alarms, SPEC.alarmArns);
    const lowest = Math.max(...metricWidgets(SPEC).map((w) => w.y + w.height));
    assert.ok(alarms[0].y >= lowest);
  });

  it("reads every metric in the stack's region", () => {
    for (const w of metricWidgets(SPEC)) assert.equal(w.properties.region, "eu-west-1", w.properties.title);
  });

  it("lays out any number of services without overlapping widgets, within the 24-column grid", () => {
    const service = fc.record({
      name: fc.stringMatching(/^[a-z][a-z0-9-]{0,14}$/),
      serviceName: fc.string({ minLength: 1 }),
      targetGroupArnSuffixes: fc.array(fc.string({ minLength: 1 }), { minLength: 1, maxLength: 2 }),
    });
    fc.assert(
      fc.property(fc.array(service, { maxLength: 12 }), (services) => {
        const { widgets } = dashboardBody({ ...SPEC, services });
        // Two rows of two graphs per service, a third row while a managed deployment can be in progress.
        const rows = services.reduce((n, sv) => n + (sv.targetGroupArnSuffixes.length === 2 ? 3 : 2), 0);
        assert.equal(widgets.length, 2 + 2 * rows + 1);
        for (const w of widgets) assert.ok(w.x >= 0 && w.y >= 0 && w.width > 0 && w.x + w.width <= 24);
        for (let i = 0; i < widgets.length; i++) {
          for (let j = i + 1; j < widgets.length; j++) {
            const [a, b] = [widgets[i], widgets[j]];
            const apart =
              a.x + a.width <= b.x || b.x + b.width <= a.x || a.y + a.height <= b.y || b.y + b.height <= a.y;
            assert.ok(apart, `widgets ${i} and ${j} overlap`);
          }
        }
      }),
    );
  });
});

describe("dashboardUrl", () => {
  it("opens the dashboard in the console of its region", () => {
    assert.equal(
      dashboardUrl("eu-west-1", "ecs-json-api-test-dashboard"),
      "https://eu-west-1.console.aws.amazon.com/cloudwatch/home?region=eu-west-1#dashboards/dashboard/ecs-json-api-test-dashboard",
    );
  });
});

describe("Dashboard", () => {
  const args = { ...SPEC, region: undefined, tags: { project: "ecs-json-api", stack: "test" } };
  let e: Evaluation;
  before(async () => {
    e = await runUnderMocks(() => {
      // A real cluster, so the instance graph is checked against the metrics its Auto Scaling group publishes.
      const cluster = new EcsCluster("apps", {
        network: { vpcId: "vpc-1", privateSubnetIds: ["subnet-a", "subnet-b"] },
      });
      const d = new Dashboard("api.test dashboard", {
        ...args,
        clusterName: cluster.clusterName,
        autoScalingGroupName: cluster.autoScalingGroupName,
      });
      return { dashboardName: d.dashboardName, url: d.url };
    });
  });

  it("graphs the instance metrics the cluster's Auto Scaling group actually publishes", () => {
    const group = e.one("aws:autoscaling/group:Group").state;
    const body = JSON.parse(e.one("aws:cloudwatch/dashboard:Dashboard").inputs.dashboardBody);
    const graphed = body.widgets
      .flatMap((w: MetricWidget) => (w.type === "metric" ? w.properties.metrics : []))
      .map((row: unknown[]) => parseRow(row))
      .filter((r: ReturnType<typeof parseRow>) => r?.metric.startsWith("AWS/AutoScaling "));
    assert.ok(graphed.length > 0);
    for (const r of graphed) assert.deepEqual(r.dimensions, { AutoScalingGroupName: group.name });
    assert.deepEqual(
      graphed.map((r: { metric: string }) => r.metric.split(" ")[1]).sort(),
      [...group.enabledMetrics].sort(),
    );
  });

  it("reads Container Insights metrics only from a cluster that turns Container Insights on", () => {
    const body = e.one("aws:cloudwatch/dashboard:Dashboard").inputs.dashboardBody as string;
    assert.ok(body.includes("ECS/ContainerInsights"));
    const settings = e.one("aws:ecs/cluster:Cluster").inputs.settings;
    assert.ok(
      settings.some(
        (x: { name: string; value: string }) => x.name === "containerInsights" && x.value !== "disabled",
      ),
    );
  });

  it("names the dashboard after the project, stack and component, in the characters CloudWatch accepts", () => {
    const { dashboardName } = e.one("aws:cloudwatch/dashboard:Dashboard").inputs;
    // CloudWatch PutDashboard DashboardName: up to 255 of A-Z, a-z, 0-9, '-' and '_'.
    assert.match(dashboardName, /^[A-Za-z0-9_-]{1,255}$/);
    assert.equal(dashboardName, "ecs-json-api-test-api-test-dashboard");
    assert.equal(e.outputs.dashboardName, dashboardName);
  });

  it("writes the body in the provider's region, as JSON", () => {
    const body = JSON.parse(e.one("aws:cloudwatch/dashboard:Dashboard").inputs.dashboardBody);
    assert.ok(body.widgets.length > 0);
    for (const w of body.widgets.filter((x: { type: string }) => x.type === "metric")) {
      assert.equal(w.properties.region, "eu-west-1");
    }
  });

  it("outputs the console address", () => {
    assert.equal(e.outputs.url, dashboardUrl("eu-west-1", e.outputs.dashboardName));
  });

  it("honours a caller's provider and reads its region", async () => {
    const withCaller = await runUnderMocks(() => {
      const provider = new aws.Provider("caller", { region: "eu-west-1" });
      new Dashboard("dash", args, { provider });
    });
    assert.deepEqual(
      withCaller.resourcesOfType("pulumi:providers:aws").map((p) => p.name),
      ["caller"],
    );
    assert.equal(withCaller.providerOf(withCaller.one("aws:cloudwatch/dashboard:Dashboard"))?.name, "caller");
  });
});
