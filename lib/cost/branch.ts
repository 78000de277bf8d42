/**
 * A change's cost: every stack of two checkouts of the project (a pull request's head and its base) evaluated
 * and estimated with this checkout's price table and estimators, so the comparison works even when the base
 * predates them. A base stack that cannot be evaluated is reported, not fatal: the head's estimates still stand.
 */
import type { PlanResource } from "../plan/architecture";
import { type Estimate, estimateStack } from "./estimate";
import type { Usage } from "./usage";

/** One stack of one checkout, evaluated. */
export interface StackResources {
  region: string;
  resources: PlanResource[];
}

/** What the comparison needs from a checkout: its stacks, and an evaluation of each. */
export interface Checkout {
  stacks: () => string[];
  evaluate: (stack: string) => Promise<StackResources>;
}

export interface StackChange {
  stack: string;
  before?: Estimate;
  after?: Estimate;
  /** Why a side is missing, when it could not be evaluated. */
  error?: string;
}

const firstLine = (err: unknown) => (err instanceof Error ? err.message : String(err)).split("\n")[0];

/** Estimates every stack of both checkouts (in parallel) and pairs them by name, head's stacks first. */
export async function compareCheckouts(
  base: Checkout,
  head: Checkout,
  usage: Partial<Usage> = {},
): Promise<StackChange[]> {
  const headStacks = head.stacks();
  const baseStacks = base.stacks();
  const names = [...headStacks, ...baseStacks.filter((s) => !headStacks.includes(s))];
  const estimate = async (checkout: Checkout, has: string[], stack: string, side: string) => {
    if (!has.includes(stack)) return {};
    try {
      const { region, resources } = await checkout.evaluate(stack);
      return { estimate: estimateStack(stack, region, resources, usage) };
    } catch (err) {
      return { error: `${side} could not be evaluated: ${firstLine(err)}` };
    }
  };
  return Promise.all(
    names.map(async (stack) => {
      const [before, after] = await Promise.all([
        estimate(base, baseStacks, stack, "the base"),
        estimate(head, headStacks, stack, "this change"),
      ]);
      const error = [before.error, after.error].filter(Boolean).join("; ");
      return { stack, before: before.estimate, after: after.estimate, ...(error ? { error } : {}) };
    }),
  );
}
