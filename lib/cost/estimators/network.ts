/**
 * The network: NAT gateways (hours, their public addresses, and the bytes the instances send through them to
 * AWS services that have no interface endpoint here), interface endpoints (hours per AZ, bytes processed), and the
 * load balancer (hours, capacity units, public addresses, data transfer out to the internet).
 */
import type { PlanResource } from "../../plan/architecture";
import { HOURS_PER_MONTH, LCU } from "../facts";
import { type Context, charge, estimate, hours, type LineItem, range, span } from "../lineItems";
import { transferOutTiers } from "../prices";
import { type Flow, mentions, ofType, type Range } from "../traffic";

/** `com.amazonaws.eu-west-1.ecr.api` → `ecr.api`. */
const endpointService = (serviceName: string) => serviceName.replace(/^com\.amazonaws\.[a-z0-9-]+\./, "");

/** The services the stack reaches through interface endpoints (endpoint resources and awsx VPC specs). */
export function interfaceServices(resources: PlanResource[]): Set<string> {
  const services = new Set<string>();
  for (const ep of ofType(resources, "aws:ec2/vpcEndpoint:VpcEndpoint")) {
    if ((ep.inputs.vpcEndpointType ?? "Gateway") === "Interface")
      services.add(endpointService(ep.inputs.serviceName));
  }
  for (const vpc of ofType(resources, "awsx:ec2:Vpc")) {
    for (const spec of vpc.inputs.vpcEndpointSpecs ?? []) {
      if (spec.vpcEndpointType === "Interface") services.add(endpointService(spec.serviceName));
    }
  }
  return services;
}

const sum = (flows: Flow[]): Range =>
  flows.reduce((t, f) => ({ min: t.min + f.gb.min, max: t.max + f.gb.max }), range(0));
const describe = (flows: Flow[]) => [...new Set(flows.map((f) => f.what))].join(", ");

/** The flows that leave through the NAT gateways: those to services without an interface endpoint. */
export function natFlows(ctx: Context): Flow[] {
  const endpoints = interfaceServices(ctx.resources);
  return ctx.traffic.flows.filter((f) => !endpoints.has(f.service));
}

function natItems(ctx: Context, owner: PlanResource, gateways: number, withProcessing: boolean): LineItem[] {
  if (gateways === 0) return [];
  const items = [
    charge(ctx, owner, "NAT gateway hours", `${gateways} × 730 h`, hours(gateways), "natGatewayHour"),
    charge(
      ctx,
      owner,
      "NAT gateway public IPv4 addresses",
      `${gateways} × 730 h`,
      hours(gateways),
      "publicIpv4Hour",
    ),
  ];
  const flows = natFlows(ctx);
  if (withProcessing && flows.length > 0) {
    const gb = sum(flows);
    items.push(
      charge(
        ctx,
        owner,
        "NAT gateway data processing",
        `${span(gb, 2)} GB: ${describe(flows)}`,
        gb,
        "natGatewayGb",
      ),
    );
  }
  return items;
}

function endpointItems(ctx: Context, owner: PlanResource, service: string, azs: number): LineItem[] {
  const flows = ctx.traffic.flows.filter((f) => f.service === service);
  const items = [
    charge(
      ctx,
      owner,
      `interface endpoint ${service}, hours`,
      `${azs} AZ × 730 h`,
      hours(azs),
      "interfaceEndpointHour",
    ),
  ];
  if (flows.length > 0) {
    const gb = sum(flows);
    items.push(
      charge(
        ctx,
        owner,
        `interface endpoint ${service}, data processed`,
        `${span(gb, 2)} GB: ${describe(flows)}`,
        gb,
        "interfaceEndpointGb",
      ),
    );
  }
  return items;
}

/** awsx's VPC: its NAT gateways (by strategy, per AZ) and interface endpoints declared as specs. */
export const awsxVpc = estimate(
  "NAT gateways (natGateways.strategy × AZs) × 730 h, their public IPv4 addresses, the GB they process; interface endpoint specs",
  (vpc, ctx) => {
    const azs: number = vpc.inputs.numberOfAvailabilityZones ?? vpc.inputs.availabilityZoneNames?.length ?? 3;
    const strategy = vpc.inputs.natGateways?.strategy ?? "OnePerAz";
    const gateways = strategy === "None" ? 0 : strategy === "Single" ? 1 : azs;
    const specs = (vpc.inputs.vpcEndpointSpecs ?? []).filter(
      (s: { vpcEndpointType?: string }) => s.vpcEndpointType === "Interface",
    );
    return [
      ...natItems(ctx, vpc, gateways, true),
      ...specs.flatMap((s: { serviceName: string }) =>
        endpointItems(ctx, vpc, endpointService(s.serviceName), azs),
      ),
    ];
  },
);

/** A NAT gateway outside awsx: its hours and address; the first one carries the stack's NAT processing. */
export const natGateway = estimate(
  "730 h and a public IPv4 address; the GB the stack sends through NAT (on the first gateway when there is no awsx VPC)",
  (nat, ctx) => {
    const first = ofType(ctx.resources, "aws:ec2/natGateway:NatGateway")[0];
    const processing = nat === first && ofType(ctx.resources, "awsx:ec2:Vpc").length === 0;
    const items = natItems(ctx, nat, 1, processing);
    return nat.inputs.connectivityType === "private" ? items.filter((i) => !i.what.includes("IPv4")) : items;
  },
);

/** An interface endpoint: one elastic network interface per subnet (AZ), and the bytes it processes. */
export const vpcEndpoint = estimate(
  "interface endpoints: AZs (subnets) × 730 h and the GB processed; gateway endpoints have no charge",
  (ep, ctx) => {
    if ((ep.inputs.vpcEndpointType ?? "Gateway") !== "Interface") return [];
    return endpointItems(
      ctx,
      ep,
      endpointService(ep.inputs.serviceName),
      (ep.inputs.subnetIds ?? []).length || 1,
    );
  },
);

/** An Elastic IP: a public IPv4 address all month. */
export const eip = estimate("730 h of a public IPv4 address", (address, ctx) => [
  charge(ctx, address, "public IPv4 address", "1 × 730 h", hours(1), "publicIpv4Hour"),
]);

/** Cost of `gb` in the tiers, and the detail of the first tier's rate. */
function tiered(gb: number, tiers: { upToGb: number; price: { usd: number } }[]): number {
  let cost = 0;
  let from = 0;
  for (const tier of tiers) {
    const inTier = Math.max(0, Math.min(gb, tier.upToGb) - from);
    cost += inTier * tier.price.usd;
    from = tier.upToGb;
  }
  return cost;
}

/** The rules evaluated per request beyond the free ones, for a load balancer's listeners. */
function paidRules(lb: PlanResource, resources: PlanResource[]): number {
  const listeners = ofType(resources, "aws:lb/listener:Listener", "aws:alb/listener:Listener").filter((l) =>
    mentions(l.inputs.loadBalancerArn, lb),
  );
  const rules = ofType(
    resources,
    "aws:lb/listenerRule:ListenerRule",
    "aws:alb/listenerRule:ListenerRule",
  ).filter((rule) => listeners.some((l) => mentions(rule.inputs.listenerArn, l)));
  return Math.max(0, rules.length - LCU.freeRules);
}

/** An Application Load Balancer: hours, LCUs, public addresses, data transfer out. Traffic is split evenly. */
export const loadBalancer = estimate(
  "730 h; LCUs at the highest of new connections, processed bytes and rule evaluations; a public IPv4 address per AZ and data transfer out when internet-facing",
  (lb, ctx) => {
    const all = ofType(
      ctx.resources,
      "aws:lb/loadBalancer:LoadBalancer",
      "aws:alb/loadBalancer:LoadBalancer",
    );
    const share = 1 / all.length;
    const t = ctx.traffic;
    const dimensions: [string, number][] = [
      ["new connections", (t.newConnectionsPerSecond * share) / LCU.newConnectionsPerSecond],
      ["processed bytes", (t.processedGbPerHour * share) / LCU.processedGbPerHour],
      [
        "rule evaluations",
        (ctx.usage.requestsPerSecond * share * paidRules(lb, ctx.resources)) / LCU.ruleEvaluationsPerSecond,
      ],
    ];
    const [top, lcus] = dimensions.reduce((a, b) => (b[1] > a[1] ? b : a));
    const items: LineItem[] = [
      charge(ctx, lb, "load balancer hours", "1 × 730 h", hours(1), "albHour"),
      charge(
        ctx,
        lb,
        "load balancer capacity units",
        `${lcus.toFixed(2)} LCU (${top}) × 730 h`,
        lcus * HOURS_PER_MONTH,
        "albLcuHour",
      ),
    ];
    if (lb.inputs.internal === true) return items;
    const azs = (lb.inputs.subnets ?? lb.inputs.subnetMappings ?? []).length || 2;
    items.push(
      charge(
        ctx,
        lb,
        "load balancer public IPv4 addresses",
        `${azs} (one per AZ) × 730 h`,
        hours(azs),
        "publicIpv4Hour",
      ),
    );
    const gb = t.transferOutGb * share;
    const tiers = transferOutTiers(ctx.region);
    const out = charge(
      ctx,
      lb,
      "data transfer out to the internet",
      `${gb.toFixed(2)} GB of responses`,
      gb,
      tiers?.[0].price,
    );
    if (tiers) out.cost = range(tiered(gb, tiers));
    items.push(out);
    return items;
  },
);
