/**
 * The plan's cost sections: the stack's itemised monthly estimate, what it costs against each other stack (item by
 * item, and the config behind it), and its cost per million requests from the benchmark's throughput.
 */
import {
  type BenchResults,
  costPerMillion,
  costPerMillionLines,
  costSummaryMarkdown,
  deltaLines,
  type Estimate,
  estimateLines,
  estimateStack,
  type Usage,
} from "../cost";
import type { PlanResource } from "./architecture";
import type { Difference } from "./diff";

export interface CostSection {
  title: string;
  lines: string[];
}

export interface CostInput {
  stack: string;
  /** Every stack compared: the planned one first. */
  stacks: { stack: string; region: string; resources: PlanResource[] }[];
  /** Config differences between the stacks (configDifferences). */
  config: Difference[];
  /** Usage flags, applied to every stack alike. */
  usage?: Partial<Usage>;
  /** The benchmark's results; undefined when there are none; an Error when the file is unreadable. */
  bench?: BenchResults | Error;
}

/** The cost sections of the plan of `input.stack`. */
export function costSections(input: CostInput): CostSection[] {
  const estimates = new Map<string, Estimate>(
    input.stacks.map((s) => [s.stack, estimateStack(s.stack, s.region, s.resources, input.usage)]),
  );
  const own = estimates.get(input.stack) as Estimate;
  const sections: CostSection[] = [
    { title: `Monthly cost estimate (${input.stack})`, lines: estimateLines(own) },
  ];
  for (const other of input.stacks.filter((s) => s.stack !== input.stack)) {
    const why = input.config
      .filter((d) => d.values[input.stack] !== d.values[other.stack])
      .map(
        (d) =>
          `${d.what.replace(/^ecs-json-api:/, "")} ${d.values[other.stack] ?? "(unset)"} → ${d.values[input.stack] ?? "(unset)"}`,
      );
    sections.push({
      title: `Monthly cost: ${input.stack} against ${other.stack}`,
      lines: deltaLines(estimates.get(other.stack) as Estimate, own, why),
    });
  }
  const planned = input.stacks[0];
  const bench = input.bench;
  sections.push({
    title: "Cost per million requests",
    lines:
      bench instanceof Error
        ? [`  unreadable benchmark results: ${bench.message}`]
        : costPerMillionLines(
            bench && costPerMillion(planned.region, planned.resources, bench, input.usage),
            bench,
          ),
  });
  return sections;
}

/**
 * Every stack's estimate at the default usage, in the bill's main parts, with its cost per million requests: the
 * README's table. The same whichever stack is planned (stacks in name order).
 */
export function costSummary(input: Pick<CostInput, "stacks" | "bench">): string {
  const bench = input.bench instanceof Error ? undefined : input.bench;
  return costSummaryMarkdown(
    [...input.stacks]
      .sort((a, b) => a.stack.localeCompare(b.stack))
      .map((s) => ({
        estimate: estimateStack(s.stack, s.region, s.resources),
        perMillion: bench && costPerMillion(s.region, s.resources, bench),
      })),
  );
}
