/**
 * CloudWatch: log groups (ingestion by what writes to them, storage at their retention), alarms (per metric,
 * standard or high resolution; a metric-math alarm pays for each metric it reads), dashboards, Container Insights
 * (its metrics and its performance events), and the alarms target tracking creates on our behalf.
 */
import type { PlanResource } from "../../plan/architecture";
import { CONTAINER_INSIGHTS_METRICS, TARGET_TRACKING_ALARMS } from "../facts";
import { charge, estimate, type LineItem, monthsOf, range, span } from "../lineItems";
import { containerInsightsOn, mentions, serviceTasks } from "../traffic";

/** A log group: what its writers ingest, and the steady-state storage at its retention. */
export const logGroup = estimate(
  "GB ingested from its writers (application logs, flow logs as vended logs) and GB stored at its retention",
  (group, ctx) => {
    const ingest = ctx.traffic.logIngest.get(group.name);
    if (!ingest) return [];
    const what = ingest.sources.join(", ");
    const items: LineItem[] = [
      charge(
        ctx,
        group,
        `log ingestion (${what})`,
        `${span(ingest.gb, 2)} GB`,
        ingest.gb,
        ingest.vended ? "vendedLogsIngestGb" : "logsIngestGb",
      ),
    ];
    const days: number | undefined = group.inputs.retentionInDays;
    // Steady state: a month's ingestion stays for the retention period (stored compressed, so this overstates).
    const months = days ? monthsOf(days) : 1;
    const stored = { min: ingest.gb.min * months, max: ingest.gb.max * months };
    const kept = days ? `kept ${days} days` : "no retention: grows by this every month";
    items.push(
      charge(ctx, group, "log storage", `${span(stored, 2)} GB (${kept})`, stored, "logsStorageGbMonth"),
    );
    return items;
  },
);

/** The metrics an alarm reads: each metric of a metric-math alarm counts, an expression does not. */
function alarmMetrics(alarm: PlanResource): { count: number; highResolution: boolean } {
  const queries: { metric?: { period?: number } }[] = alarm.inputs.metricQueries ?? [];
  const periods = queries.length
    ? queries.filter((q) => q.metric).map((q) => q.metric?.period ?? 60)
    : [alarm.inputs.period ?? 60];
  return { count: periods.length, highResolution: periods.some((p) => p < 60) };
}

export const metricAlarm = estimate(
  "alarm metrics a month: standard resolution, or high resolution when a period is under 60 s",
  (alarm, ctx) => {
    const { count, highResolution } = alarmMetrics(alarm);
    return [
      charge(
        ctx,
        alarm,
        highResolution ? "alarm (high resolution)" : "alarm",
        `${count} metric${count === 1 ? "" : "s"}`,
        count,
        highResolution ? "alarmHighResolutionMetricMonth" : "alarmMetricMonth",
      ),
    ];
  },
);

export const dashboard = estimate("one dashboard a month", (board, ctx) => [
  charge(ctx, board, "dashboard", "1", 1, "dashboardMonth"),
]);

/** Container Insights: custom metrics per cluster, service and task family; its events, ingested as logs. */
export const cluster = estimate(
  "Container Insights when on: its metrics (per cluster, service, task family) as custom metrics and its performance events as log ingestion",
  (c, ctx) => {
    if (!containerInsightsOn(c)) return [];
    const mode = (c.inputs.settings ?? []).find(
      (s: { name?: string }) => s.name === "containerInsights",
    )?.value;
    const services = serviceTasks(ctx.resources).filter((s) => mentions(s.service.inputs.cluster, c));
    const families = new Set(services.map((s) => s.taskDefinition?.inputs.family ?? s.service.name));
    const metrics =
      CONTAINER_INSIGHTS_METRICS.perCluster +
      services.length * CONTAINER_INSIGHTS_METRICS.perService +
      families.size * CONTAINER_INSIGHTS_METRICS.perTaskDefinitionFamily;
    const events = ctx.traffic.flows.find((f) => f.what === `Container Insights events of ${c.name}`);
    const items = [
      charge(
        ctx,
        c,
        "Container Insights metrics",
        `${metrics} metrics: 1 cluster, ${services.length} service(s), ${families.size} task famil${families.size === 1 ? "y" : "ies"}`,
        metrics,
        "metricMonth",
      ),
      charge(
        ctx,
        c,
        "Container Insights performance events",
        `${span(events?.gb ?? range(0), 2)} GB`,
        events?.gb ?? 0,
        "logsIngestGb",
      ),
    ];
    if (mode === "enhanced") {
      items.push({
        ...charge(ctx, c, "Container Insights enhanced observability", "per observation", 0, undefined),
        missing: "enhanced observability is billed per observation, which the table does not price",
      });
    }
    return items;
  },
);

const trackingAlarms = (resource: PlanResource, ctx: Parameters<typeof charge>[0], why: string): LineItem =>
  charge(
    ctx,
    resource,
    "target tracking alarms",
    `${TARGET_TRACKING_ALARMS} alarms ${why}`,
    TARGET_TRACKING_ALARMS,
    "alarmMetricMonth",
  );

/** A target tracking policy: the two alarms Application Auto Scaling creates for it. */
export const scalingPolicy = estimate(
  "target tracking policies: the two alarms Application Auto Scaling creates (step scaling alarms are resources of their own)",
  (policy, ctx) =>
    policy.inputs.policyType === "TargetTrackingScaling"
      ? [trackingAlarms(policy, ctx, "(scale out, scale in)")]
      : [],
);

/** ECS managed scaling: a target tracking policy on the Auto Scaling group, with its two alarms. */
export const capacityProvider = estimate(
  "managed scaling: the two alarms of the target tracking policy ECS puts on the Auto Scaling group",
  (cp, ctx) =>
    cp.inputs.autoScalingGroupProvider?.managedScaling?.status === "ENABLED"
      ? [trackingAlarms(cp, ctx, "(ECS managed scaling)")]
      : [],
);
