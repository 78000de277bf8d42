/**
 * A stack's monthly estimate: every resource priced by its type's entry, under the stack's usage assumptions, in
 * the stack's region. Pure: resources in, line items out.
 */
import type { PlanResource } from "../plan/architecture";
import type { Context, LineItem } from "./lineItems";
import { PRICED_REGIONS, TABLE_DATE } from "./prices";
import { entryFor } from "./table";
import { trafficOf } from "./traffic";
import { type StackUsage, stackUsage, type Usage } from "./usage";

export interface Estimate {
  stack: string;
  region: string;
  /** The usage assumed, with the reason for each value. */
  usage: StackUsage;
  /** Charges, biggest first (at maximum capacity). */
  items: LineItem[];
  /** USD a month at the stack's minimum and maximum capacity. */
  total: { min: number; max: number };
  /** Charges the table has no price for (their cost is not in the total). */
  unpriced: LineItem[];
  /** Resource types with no entry in the table (their cost is unknown). */
  unknownTypes: string[];
  /** Whether the table has every price for the stack's region. */
  regionPriced: boolean;
  /** The price table's date. */
  pricesOf: string;
}

/** Prices a stack's resources. `overrides` replace usage defaults (the same flags for every stack compared). */
export function estimateStack(
  stack: string,
  region: string,
  resources: PlanResource[],
  overrides: Partial<Usage> = {},
): Estimate {
  const usage = stackUsage(resources, overrides);
  const ctx: Context = { region, resources, usage: usage.usage, traffic: trafficOf(resources, usage.usage) };
  const unknown = new Set<string>();
  const items: LineItem[] = [];
  for (const resource of resources) {
    const entry = entryFor(resource);
    if (!entry) unknown.add(resource.type);
    else if (entry.kind === "estimate") items.push(...entry.estimate(resource, ctx));
  }
  const priced = items
    .filter((i) => !i.missing)
    .sort((a, b) => b.cost.max - a.cost.max || b.cost.min - a.cost.min);
  const unpriced = items.filter((i) => i.missing);
  return {
    stack,
    region,
    usage,
    items: priced,
    total: priced.reduce((t, i) => ({ min: t.min + i.cost.min, max: t.max + i.cost.max }), {
      min: 0,
      max: 0,
    }),
    unpriced,
    unknownTypes: [...unknown].sort(),
    regionPriced: PRICED_REGIONS.includes(region),
    pricesOf: TABLE_DATE,
  };
}
