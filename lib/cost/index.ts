/**
 * The offline cost estimate of a stack: a dated price table (prices.ts) read from AWS's published prices, an
 * estimator or an explicit "free" entry for every resource type (table.ts), usage assumptions with their reasons
 * (usage.ts), and the reports: itemised estimate, difference between two estimates, cost per million requests.
 *
 *   const estimate = estimateStack("prod", "eu-west-1", evaluation.resources, { requestsPerSecond: 50 });
 */
export { type Checkout, compareCheckouts, type StackChange, type StackResources } from "./branch";
export { type Estimate, estimateStack } from "./estimate";
export type { Entry, LineItem } from "./lineItems";
export { instancePrice, PRICED_REGIONS, type Price, type PriceSource, priceOf, TABLE_DATE } from "./prices";
export {
  COST_COMMENT_MARKER,
  compareEstimates,
  costPerMillionLines,
  costSummaryMarkdown,
  deltaLines,
  deltaMarkdown,
  estimateLines,
  estimatesMarkdown,
  groupItems,
} from "./report";
export { entryFor, PRICING } from "./table";
export { type BenchResults, type CostPerMillion, costPerMillion, readBenchResults } from "./throughput";
export { floorRequestRate, parseUsageFlags, stackUsage, USAGE_FLAGS, type Usage } from "./usage";
