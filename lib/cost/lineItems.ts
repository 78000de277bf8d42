/**
 * The shapes the estimators share: a line item (a charge of one resource, with its quantity, unit price and
 * monthly cost at the stack's minimum and maximum capacity), the context an estimator reads, and the table entry
 * every resource type must have (an estimator, or an explicit reason it costs nothing by itself).
 */
import type { PlanResource } from "../plan/architecture";
import { HOURS_PER_MONTH } from "./facts";
import { type MeterName, type Price, priceOf } from "./prices";
import type { Range, Traffic } from "./traffic";
import type { Usage } from "./usage";

/** One charge of one resource. */
export interface LineItem {
  type: string;
  /** The resource's logical name. */
  resource: string;
  /** What is charged, e.g. `NAT gateway hours`. */
  what: string;
  /** How the quantity was counted, for the reader, e.g. `3 × 730 h`. */
  detail: string;
  /** Quantity a month, in the price's unit. */
  quantity: Range;
  /** The unit price; undefined when the table has none for this region. */
  price?: Price;
  /** USD a month. */
  cost: Range;
  /** Why the item has no price, when it has none. */
  missing?: string;
}

/** What an estimator reads besides its resource. */
export interface Context {
  region: string;
  resources: PlanResource[];
  usage: Usage;
  traffic: Traffic;
}

/** How a resource type is priced. */
export type Entry =
  /** Priced by an estimator; `covers` says what it counts. */
  | { kind: "estimate"; covers: string; estimate: (resource: PlanResource, ctx: Context) => LineItem[] }
  /** Costs nothing by itself. */
  | { kind: "free"; why: string }
  /** Its cost is counted on another resource type. */
  | { kind: "included"; in: string; why: string };

export const estimate = (
  covers: string,
  fn: (resource: PlanResource, ctx: Context) => LineItem[],
): Entry => ({ kind: "estimate", covers, estimate: fn });
export const free = (why: string): Entry => ({ kind: "free", why });
export const included = (inType: string, why: string): Entry => ({ kind: "included", in: inType, why });

export const range = (n: number): Range => ({ min: n, max: n });

/** A charge: quantity × the meter's price in the stack's region (or an unpriced item when the table lacks it). */
export function charge(
  ctx: Context,
  resource: PlanResource,
  what: string,
  detail: string,
  quantity: Range | number,
  price: MeterName | Price | undefined,
): LineItem {
  const q = typeof quantity === "number" ? range(quantity) : quantity;
  const p = typeof price === "string" ? priceOf(price, ctx.region) : price;
  const base = { type: resource.type, resource: resource.name, what, detail, quantity: q };
  if (!p) {
    const name = typeof price === "string" ? price : what;
    return { ...base, cost: range(0), missing: `no ${name} price for ${ctx.region} in lib/cost/prices.ts` };
  }
  return { ...base, price: p, cost: { min: q.min * p.usd, max: q.max * p.usd } };
}

/** `n × 730 h` for something running all month. */
export const hours = (n: Range | number): Range =>
  typeof n === "number"
    ? range(n * HOURS_PER_MONTH)
    : { min: n.min * HOURS_PER_MONTH, max: n.max * HOURS_PER_MONTH };

/** `3` or `3–6`. */
export const span = (r: Range, digits = 0): string => {
  const f = (n: number) => n.toLocaleString("en-US", { maximumFractionDigits: digits });
  return r.min === r.max ? f(r.min) : `${f(r.min)}–${f(r.max)}`;
};

/** Days a stored item is kept, as months (a month being 730 hours). */
export const monthsOf = (days: number) => days / (HOURS_PER_MONTH / 24);
