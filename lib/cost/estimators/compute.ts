/**
 * Instances and their volumes, priced on the Auto Scaling group: how many (its minimum and maximum size), which
 * type (the mixed-instances overrides, else the launch template's), which purchase option (the instances
 * distribution, or the template's market options), and the template's EBS volumes on each.
 */
import type { PlanResource } from "../../plan/architecture";
import { type Context, charge, estimate, hours, type LineItem, span } from "../lineItems";
import { instancePrice, type Price } from "../prices";
import { mentions, ofType, type Range } from "../traffic";

/** How many of `n` instances are on-demand, per the group's instances distribution. */
export function onDemandCount(n: number, asg: PlanResource, template?: PlanResource): number {
  const distribution = asg.inputs.mixedInstancesPolicy?.instancesDistribution;
  if (!distribution) return template?.inputs.instanceMarketOptions?.marketType === "spot" ? 0 : n;
  const base = Math.min(n, distribution.onDemandBaseCapacity ?? 0);
  const percent = distribution.onDemandPercentageAboveBaseCapacity ?? 100;
  // Auto Scaling rounds a fractional on-demand share up.
  return base + Math.ceil(((n - base) * percent) / 100);
}

function templateOf(asg: PlanResource, resources: PlanResource[]): PlanResource | undefined {
  const templates = ofType(resources, "aws:ec2/launchTemplate:LaunchTemplate");
  const ref =
    asg.inputs.mixedInstancesPolicy?.launchTemplate?.launchTemplateSpecification ?? asg.inputs.launchTemplate;
  return templates.find((t) => mentions(ref, t)) ?? (templates.length === 1 ? templates[0] : undefined);
}

function volumeItems(ctx: Context, asg: PlanResource, template: PlanResource, instances: Range): LineItem[] {
  const items: LineItem[] = [];
  for (const mapping of template.inputs.blockDeviceMappings ?? []) {
    const ebs = mapping.ebs;
    if (!ebs) continue;
    const type = ebs.volumeType ?? "gp3";
    const size = Number(ebs.volumeSize);
    const perInstance = `${size} GB ${type} ${mapping.deviceName ?? ""}`.trim();
    const gb = { min: instances.min * size, max: instances.max * size };
    const meter = type === "gp3" ? "ebsGp3GbMonth" : type === "gp2" ? "ebsGp2GbMonth" : undefined;
    if (!Number.isFinite(size) || !meter) {
      items.push({
        ...charge(ctx, asg, "EBS volumes", `${span(instances)} × ${perInstance}`, gb, undefined),
        missing: `volume type ${type} or its size is not priced (table: gp3, gp2 with a volumeSize)`,
      });
      continue;
    }
    items.push(charge(ctx, asg, "EBS volumes", `${span(instances)} × ${perInstance}`, gb, meter));
    const iops = Number(ebs.iops ?? 3000) - 3000;
    if (type === "gp3" && iops > 0) {
      const q = { min: instances.min * iops, max: instances.max * iops };
      items.push(
        charge(ctx, asg, "EBS IOPS above 3,000", `${span(instances)} × ${iops}`, q, "ebsGp3IopsMonth"),
      );
    }
    const mibps = Number(ebs.throughput ?? 125) - 125;
    if (type === "gp3" && mibps > 0) {
      const q = { min: (instances.min * mibps) / 1024, max: (instances.max * mibps) / 1024 };
      items.push(
        charge(
          ctx,
          asg,
          "EBS throughput above 125 MiB/s",
          `${span(instances)} × ${mibps} MiB/s`,
          q,
          "ebsGp3ThroughputGibpsMonth",
        ),
      );
    }
  }
  return items;
}

/** Instances (on-demand and Spot) and their volumes. */
export const autoScalingGroup = estimate(
  "instances × 730 h at the group's minimum and maximum size, on-demand or Spot, and the launch template's EBS volumes",
  (asg, ctx) => {
    const template = templateOf(asg, ctx.resources);
    const overrides: string[] = (asg.inputs.mixedInstancesPolicy?.launchTemplate?.overrides ?? [])
      .map((o: { instanceType?: string }) => o.instanceType)
      .filter(Boolean);
    const type: string | undefined = overrides[0] ?? template?.inputs.instanceType;
    const count: Range = { min: asg.inputs.minSize ?? 0, max: asg.inputs.maxSize ?? 0 };
    const onDemand: Range = {
      min: onDemandCount(count.min, asg, template),
      max: onDemandCount(count.max, asg, template),
    };
    const spot: Range = { min: count.min - onDemand.min, max: count.max - onDemand.max };
    const od = type ? instancePrice(type, ctx.region) : undefined;
    const alternates = overrides.length > 1 ? ` (or ${overrides.slice(1).join(", ")})` : "";
    // One line when all instances share a purchase option, so stacks that differ only in it compare line to line.
    const mixed = onDemand.max > 0 && spot.max > 0;
    const items: LineItem[] = [];
    if (onDemand.max > 0) {
      items.push(
        charge(
          ctx,
          asg,
          mixed ? "instances, on-demand part" : "instances",
          `${span(onDemand)} × ${type} on-demand × 730 h`,
          hours(onDemand),
          od,
        ),
      );
    }
    if (spot.max > 0) {
      const discount = ctx.usage.spotDiscount;
      const spotPrice: Price | undefined = od && { ...od, usd: od.usd * (1 - discount) };
      const basis =
        discount === 0 ? "at the on-demand price" : `on-demand less ${Math.round(discount * 100)}% (assumed)`;
      items.push(
        charge(
          ctx,
          asg,
          mixed ? "instances, Spot part" : "instances",
          `${span(spot)} × ${type}${alternates} Spot × 730 h, ${basis}`,
          hours(spot),
          spotPrice,
        ),
      );
    }
    for (const item of items) {
      if (item.missing) item.missing = `instance type ${type ?? "(unknown)"} has no price for ${ctx.region}`;
    }
    return template ? [...items, ...volumeItems(ctx, asg, template, count)] : items;
  },
);
