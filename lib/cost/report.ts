/**
 * Estimates as text: the itemised monthly estimate with its assumptions (for the plan), the difference between
 * two estimates item by item, biggest first (prod over test in the plan, a branch over its base in a pull
 * request, as Markdown), and the cost per million requests. Pure.
 */
import { stackless } from "../plan/diff";
import type { Estimate } from "./estimate";
import type { LineItem } from "./lineItems";
import { PRICED_REGIONS } from "./prices";
import type { CostPerMillion } from "./throughput";
import type { Range } from "./traffic";

const money = (n: number) =>
  `$${n.toLocaleString("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
const signed = (n: number) => `${n < 0 ? "−" : "+"}${money(Math.abs(n))}`;
const moneySpan = (r: Range) =>
  Math.abs(r.max - r.min) < 0.005 ? money(r.min) : `${money(r.min)}–${money(r.max)}`;
const signedSpan = (r: Range) =>
  Math.abs(r.max - r.min) < 0.005 ? signed(r.min) : `${signed(r.min)} to ${signed(r.max)}`;
const unitPrice = (usd: number) => `$${usd < 0.01 ? usd.toPrecision(3) : usd.toFixed(usd < 1 ? 4 : 2)}`;

/** Items of the same type and charge are summed into one line (seven alarms are one line of seven). */
export function groupItems(items: LineItem[]): (LineItem & { count: number })[] {
  const groups = new Map<string, LineItem & { count: number }>();
  for (const item of items) {
    const key = `${item.type}\u0000${item.what}\u0000${item.price?.usd}`;
    const g = groups.get(key);
    if (!g) groups.set(key, { ...item, count: 1 });
    else {
      g.count += 1;
      g.cost = { min: g.cost.min + item.cost.min, max: g.cost.max + item.cost.max };
      g.quantity = { min: g.quantity.min + item.quantity.min, max: g.quantity.max + item.quantity.max };
      g.resource = `${g.count} resources`;
      if (g.detail !== item.detail) g.detail = "";
    }
  }
  return [...groups.values()].sort((a, b) => b.cost.max - a.cost.max || b.cost.min - a.cost.min);
}

function itemLine(item: LineItem & { count?: number }): string {
  const what = item.count && item.count > 1 ? `${item.what} × ${item.count}` : item.what;
  const price = item.price ? ` @ ${unitPrice(item.price.usd)}/${item.price.unit}` : "";
  const detail = item.detail ? `: ${item.detail}` : "";
  return `${money(item.cost.min).padStart(10)} ${money(item.cost.max).padStart(10)}  ${what}${detail}${price}  (${item.resource})`;
}

/** The estimate for the plan: assumptions, items biggest first, totals, and what is not priced. */
export function estimateLines(e: Estimate): string[] {
  const lines = [
    `  ${e.stack ? `${e.stack}, ` : ""}${e.region}, USD a month at list prices (table of ${e.pricesOf}, lib/cost/prices.ts), no free tier.`,
    "  Usage assumed (override with the flags):",
    ...e.usage.assumptions.map(
      (a) => `    ${a.flag.padEnd(26)} ${String(a.value).padStart(8)}  ${a.label}: ${a.why}`,
    ),
    `  ${"at min".padStart(10)} ${"at max".padStart(10)}  capacity`,
    ...groupItems(e.items).map(itemLine),
    `  ${"-".repeat(9).padStart(10)} ${"-".repeat(9).padStart(10)}`,
    `${money(e.total.min).padStart(12)} ${money(e.total.max).padStart(10)}  total a month`,
  ];
  if (!e.regionPriced) {
    lines.push(
      `  ! ${e.region} is not a priced region (${PRICED_REGIONS.join(", ")}): charges below have no price.`,
    );
  }
  for (const item of e.unpriced)
    lines.push(`  ! not priced: ${item.what} (${item.resource}): ${item.missing}`);
  for (const type of e.unknownTypes)
    lines.push(`  ! no entry in lib/cost/table.ts for ${type}: its cost is unknown`);
  return lines;
}

/** One line of a difference: an item's cost in both estimates. */
export interface ItemDelta {
  key: string;
  what: string;
  resource: string;
  before?: LineItem;
  after?: LineItem;
  delta: Range;
}

/** Items of two estimates matched by type, logical name without the stack, and charge; biggest change first. */
export function compareEstimates(before: Estimate, after: Estimate): { items: ItemDelta[]; total: Range } {
  const keyed = (e: Estimate) =>
    new Map(e.items.map((i) => [`${i.type} ${stackless(i.resource, e.stack)} ${i.what}`, i] as const));
  const a = keyed(before);
  const b = keyed(after);
  const items = [...new Set([...a.keys(), ...b.keys()])].map((key) => {
    const x = a.get(key);
    const y = b.get(key);
    const item = (y ?? x) as LineItem;
    return {
      key,
      what: item.what,
      resource: stackless(item.resource, y ? after.stack : before.stack),
      before: x,
      after: y,
      delta: {
        min: (y?.cost.min ?? 0) - (x?.cost.min ?? 0),
        max: (y?.cost.max ?? 0) - (x?.cost.max ?? 0),
      },
    };
  });
  return {
    items: items
      .filter((d) => Math.abs(d.delta.min) >= 0.005 || Math.abs(d.delta.max) >= 0.005)
      .sort(
        (p, q) =>
          Math.abs(q.delta.max) - Math.abs(p.delta.max) || Math.abs(q.delta.min) - Math.abs(p.delta.min),
      ),
    total: { min: after.total.min - before.total.min, max: after.total.max - before.total.max },
  };
}

const side = (label: string, item?: LineItem) =>
  item ? `${label} ${item.detail || moneySpan(item.cost)}` : `none in ${label}`;

/** What `after` costs over `before`, item by item, and the config behind it. */
export function deltaLines(
  before: Estimate,
  after: Estimate,
  why: string[] = [],
  limit = 15,
  names = { before: before.stack, after: after.stack },
): string[] {
  const { items, total } = compareEstimates(before, after);
  const more = total.max >= 0 ? "more" : "less";
  const lines = [
    `  ${names.after} costs ${signedSpan(total)} a month (at min, at max) ${more === "more" ? "over" : "against"} ${names.before}: ${moneySpan(after.total)} against ${moneySpan(before.total)}.`,
  ];
  if (items.length === 0) return [...lines, "  (no item differs)"];
  lines.push(
    `  ${"Δ at min".padStart(10)} ${"Δ at max".padStart(10)}  item (${before.stack} → ${after.stack})`,
  );
  for (const d of items.slice(0, limit)) {
    lines.push(
      `${signed(d.delta.min).padStart(12)} ${signed(d.delta.max).padStart(10)}  ${d.what} (${d.resource}): ${side(names.before, d.before)} → ${side(names.after, d.after)}`,
    );
  }
  if (items.length > limit) lines.push(`  … and ${items.length - limit} smaller differences`);
  if (why.length) lines.push(`  Why: the config that differs, ${why.join(", ")}.`);
  return lines;
}

/** The cost per million requests, with every factor of its model. */
export function costPerMillionLines(
  c: CostPerMillion | undefined,
  bench?: { date: string; node: string; cpus: number; cpuModel: string; warm: { requestsPerSecond: number } },
): string[] {
  if (!bench) return ["  no benchmark results (service/bench/results.json): run `npm run bench`"];
  if (!c) return ["  the stack's task or instance size is not known, so its throughput cannot be derived"];
  const n = (x: number, d = 0) => x.toLocaleString("en-US", { maximumFractionDigits: d });
  return [
    `  Benchmark ${bench.date}: ${n(bench.warm.requestsPerSecond)} req/s on the warm route, one core of a ${bench.cpus}-CPU ${bench.cpuModel}, Node ${bench.node}; one vCPU of ${c.instanceType} taken as that core.`,
    `  A task reserves ${c.taskCpuUnits} CPU units: ${n(c.taskRps)} req/s when every task is busy. ${c.instanceType} (${c.vcpus} vCPU) holds ${c.tasksPerInstance} tasks (bound by ${c.boundBy}).`,
    `  At the ${c.cpuTargetPercent}% CPU target of task autoscaling and the ${c.targetCapacityPercent}% target capacity of the capacity provider: ${n(c.instanceRps)} req/s per instance.`,
    `  Compute: 10^6 / (${n(c.instanceRps)} × 3,600) = ${c.instanceHoursPerMillion.toPrecision(3)} instance-hours × ${unitPrice(c.hourlyPrice)}${c.spotDiscount === undefined ? "" : ` (Spot: on-demand less the assumed ${n(c.spotDiscount * 100)}%)`} = ${unitPrice(c.compute)} per million requests.`,
    `  Charges that grow with traffic, at the assumed request rate: ${unitPrice(c.traffic)} per million (${c.trafficItems
      .slice(0, 4)
      .map((i) => `${i.what} ${unitPrice(i.usd)}`)
      .join(", ")}${c.trafficItems.length > 4 ? ", ..." : ""}).`,
    `  Total ${unitPrice(c.total)} per million requests; compute is ${n((100 * c.compute) / c.total, 1)}% of it, so a service twice as fast saves ${unitPrice(c.compute / 2)} per million.`,
  ];
}

/** The first line of the Markdown, so a workflow can find its previous comment and update it. */
export const COST_COMMENT_MARKER = "<!-- ecs-json-api:cost -->";

/** Markdown for a pull request: each stack's monthly estimate before and after, and the biggest item changes. */
export function deltaMarkdown(
  pairs: { stack: string; before?: Estimate; after?: Estimate; error?: string }[],
  base: string,
  limit = 10,
): string {
  const out = [
    COST_COMMENT_MARKER,
    "### Monthly cost of this change",
    "",
    `Against ${base}; USD a month at the stack's minimum and maximum capacity.`,
    "",
  ];
  out.push("| stack | before | after | change |", "| --- | ---: | ---: | ---: |");
  for (const p of pairs) {
    const before = p.before ? moneySpan(p.before.total) : "—";
    const after = p.after ? moneySpan(p.after.total) : "—";
    const change =
      p.error ??
      (p.before && p.after
        ? signedSpan({
            min: p.after.total.min - p.before.total.min,
            max: p.after.total.max - p.before.total.max,
          })
        : p.after
          ? "new stack"
          : "stack removed");
    out.push(`| ${p.stack} | ${before} | ${after} | ${change} |`);
  }
  const rows = pairs.flatMap((p) =>
    p.before && p.after ? compareEstimates(p.before, p.after).items.map((d) => ({ stack: p.stack, d })) : [],
  );
  rows.sort((x, y) => Math.abs(y.d.delta.max) - Math.abs(x.d.delta.max));
  out.push("");
  if (!pairs.some((p) => p.before && p.after)) out.push("No stack could be compared with the base.");
  else if (rows.length === 0) out.push("No charge changes.");
  else {
    out.push(
      "Biggest changes:",
      "",
      "| stack | item | change at min | change at max | before | after |",
      "| --- | --- | ---: | ---: | --- | --- |",
    );
    for (const { stack, d } of rows.slice(0, limit)) {
      const cell = (i?: LineItem) => (i ? `${i.detail || moneySpan(i.cost)} (${moneySpan(i.cost)})` : "—");
      out.push(
        `| ${stack} | ${d.what} (${d.resource}) | ${signed(d.delta.min)} | ${signed(d.delta.max)} | ${cell(d.before)} | ${cell(d.after)} |`,
      );
    }
    const more = rows.length - limit;
    if (more > 0) out.push("", `… and ${more} smaller change${more === 1 ? "" : "s"}.`);
  }
  const any = pairs.find((p) => p.after)?.after;
  if (any) {
    const assumed = any.usage.assumptions.map((a) => `${a.label} ${a.value}`).join(", ");
    out.push(
      "",
      `Assumptions (${any.stack}): ${assumed}. Prices: table of ${any.pricesOf} (lib/cost/prices.ts). \`npm run plan -- <stack>\` itemises each stack.`,
    );
  }
  return `${out.join("\n")}\n`;
}

/** Markdown of each stack's monthly estimate, its biggest charges, and the assumptions. */
export function estimatesMarkdown(estimates: Estimate[], top = 5): string {
  const out = [
    "### Monthly cost estimate",
    "",
    "USD a month at the stack's minimum and maximum capacity.",
    "",
    "| stack | region | at min | at max | biggest charges |",
    "| --- | --- | ---: | ---: | --- |",
  ];
  for (const e of estimates) {
    const biggest = groupItems(e.items)
      .slice(0, top)
      .map((i) => `${i.what} ${moneySpan(i.cost)}`)
      .join(", ");
    out.push(`| ${e.stack} | ${e.region} | ${money(e.total.min)} | ${money(e.total.max)} | ${biggest} |`);
  }
  for (const e of estimates) {
    const assumed = e.usage.assumptions.map((a) => `${a.label} ${a.value}`).join(", ");
    out.push("", `Assumptions (${e.stack}): ${assumed}.`);
  }
  return `${out.join("\n")}\n`;
}

/** The line of a summary an item is counted in: the bill's main parts, by the resource that charges it. */
function summaryLine(item: LineItem): string {
  if (item.type === "aws:autoscaling/group:Group") return item.what.startsWith("EBS") ? "other" : "instances";
  if (/^(awsx:ec2:Vpc|aws:ec2\/natGateway:|aws:ec2\/eip:)/.test(item.type)) return "NAT gateways";
  if (item.type.startsWith("aws:ec2/vpcEndpoint:")) return "interface endpoints";
  if (/^aws:(lb|alb)\/loadBalancer:/.test(item.type)) return "load balancer";
  if (
    /^aws:(cloudwatch\/|ecs\/cluster:|ecs\/capacityProvider:|appautoscaling\/policy:|ec2\/flowLog:)/.test(
      item.type,
    )
  )
    return "CloudWatch";
  return "other";
}

const SUMMARY_LINES: Record<string, string> = {
  instances: "instances",
  "NAT gateways": "NAT gateways: hours, addresses, data processed",
  "interface endpoints": "interface endpoints: hours, data processed",
  "load balancer": "load balancer: hours, LCUs, addresses, data out",
  CloudWatch: "CloudWatch: logs, flow logs, Container Insights, alarms, dashboards",
  other: "EBS, S3, ECR, Lambda and the rest",
};

/**
 * Every stack's monthly estimate in the bill's main parts, one column per stack, at the default usage, with the
 * cost per million requests under it: the table the README shows (the plan writes it there, a test keeps it).
 */
export function costSummaryMarkdown(stacks: { estimate: Estimate; perMillion?: CostPerMillion }[]): string {
  const cells = (line: string) =>
    stacks.map(({ estimate }) => {
      const items = estimate.items.filter((i) => summaryLine(i) === line);
      if (items.length === 0) return "";
      return moneySpan(
        items.reduce((t, i) => ({ min: t.min + i.cost.min, max: t.max + i.cost.max }), { min: 0, max: 0 }),
      );
    });
  const rows = [
    `| USD a month, at the minimum–maximum capacity | ${stacks.map((s) => `${s.estimate.stack} (${s.estimate.region})`).join(" | ")} |`,
    `| --- |${" ---: |".repeat(stacks.length)}`,
    ...Object.entries(SUMMARY_LINES)
      .map(([line, label]) => [label, cells(line)] as const)
      .filter(([, values]) => values.some(Boolean))
      .map(([label, values]) => `| ${label} | ${values.join(" | ")} |`),
    `| **total** | ${stacks.map((s) => `**${moneySpan(s.estimate.total)}**`).join(" | ")} |`,
    `| per million requests (benchmark throughput, default usage) | ${stacks
      .map((s) => (s.perMillion ? unitPrice(s.perMillion.total) : "not known"))
      .join(" | ")} |`,
  ];
  return rows.join("\n");
}
