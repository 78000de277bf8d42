/**
 * The offline plan of a stack (`npm run plan -- <stack>`): the real program evaluated under mocks for that
 * stack and for every other stack with a `Pulumi.<stack>.yaml`, then the text report, the cost estimate and the
 * architecture diagram computed from those evaluations. No credentials, no network, no Pulumi CLI.
 */
import { readdirSync } from "node:fs";
import * as path from "node:path";
import { readBenchResults, type Usage } from "../cost";
import { evaluateStack, PROJECT_ROOT, stackConfig } from "../harness";
import { architectureOf } from "./architecture";
import { costSections, costSummary } from "./cost";
import { diagramMarkdown } from "./diagram";
import { configDifferences, resourceDifferences } from "./diff";
import { renderPlan } from "./report";

export { type Architecture, architectureOf, type PlanResource } from "./architecture";
export { type CostInput, type CostSection, costSections, costSummary } from "./cost";
export { diagramMarkdown, renderDiagram } from "./diagram";
export { configDifferences, type Difference, resourceDifferences, stackless } from "./diff";
export {
  COST_SUMMARY_REGION,
  embedDiagram,
  embeddedDiagram,
  embeddedRegion,
  embedRegion,
  mermaidBlock,
} from "./readme";
export { countLines, renderPlan, resourceTree } from "./report";

/** The stacks that have a `Pulumi.<stack>.yaml` in the project. */
export function knownStacks(root = PROJECT_ROOT): string[] {
  return readdirSync(root)
    .map((f) => /^Pulumi\.(.+)\.yaml$/.exec(f)?.[1])
    .filter((s): s is string => s !== undefined)
    .sort();
}

/** Where a stack's diagram lives, relative to the project root. */
export const diagramPath = (stack: string) => path.join("docs", "diagrams", `${stack}.md`);

/** The stack's diagram file, as the plan writes it. */
export async function stackDiagram(stack: string): Promise<string> {
  const evaluation = await evaluateStack(stack);
  return diagramMarkdown(stack, architectureOf(evaluation.resources));
}

/** Where `npm run bench` writes its results. */
export const BENCH_RESULTS = path.join(PROJECT_ROOT, "service", "bench", "results.json");

export interface PlanOptions {
  /** Usage assumptions for the cost estimate, the same for every stack compared. */
  usage?: Partial<Usage>;
  /** The benchmark's result file. Defaults to BENCH_RESULTS. */
  benchResults?: string;
  /** Config values (`namespace:key` to string) laid over every stack file compared, e.g. an example's. */
  overrides?: Record<string, string>;
}

/** Evaluates `stack` and the other known stacks, and returns the plan text and the diagram file. */
export async function planStack(
  stack: string,
  options: PlanOptions = {},
): Promise<{ text: string; diagram: string; diagramPath: string; costSummary: string }> {
  const stacks = knownStacks();
  if (!stacks.includes(stack)) {
    throw new Error(`no stack "${stack}": expected one of ${stacks.join(", ")} (a Pulumi.<stack>.yaml file)`);
  }
  const others = stacks.filter((s) => s !== stack);
  // The evaluations (child processes) start first; the policy pack loads here, not at the top, while they run.
  const pending = Promise.all(
    [stack, ...others].map((s) =>
      evaluateStack(s, options.overrides ? { overrides: options.overrides } : {}),
    ),
  );
  // Handled below; this keeps a fast failure from counting as unhandled while the pack loads.
  pending.catch(() => undefined);
  const { exceptionsMarkdown, policies } =
    require("../../policy/policies") as typeof import("../../policy/policies");
  const { checkStack } = require("../policy") as typeof import("../policy");
  const evaluations = await pending;
  const [evaluation] = evaluations;
  const configs = Object.fromEntries([stack, ...others].map((s) => [s, stackConfig(s).config]));
  const config = configDifferences(configs);
  let bench: ReturnType<typeof readBenchResults> | Error;
  try {
    bench = readBenchResults(options.benchResults ?? BENCH_RESULTS);
  } catch (err) {
    bench = err instanceof Error ? err : new Error(String(err));
  }
  const { onlyIn, settings } = resourceDifferences(
    Object.fromEntries(evaluations.map((e) => [e.stack, e.resources])),
  );
  const diagram = diagramMarkdown(stack, architectureOf(evaluation.resources));
  const priced = evaluations.map((e) => ({
    stack: e.stack,
    region: configs[e.stack]["aws:region"],
    resources: e.resources,
  }));
  const text = renderPlan({
    stack,
    region: configs[stack]["aws:region"],
    resources: evaluation.resources,
    otherStacks: others,
    config,
    onlyIn,
    settings,
    policy: await checkStack(evaluation),
    policyCount: policies.length,
    exceptions: exceptionsMarkdown()
      .split("\n")
      .map((line) => line.replace(/^- \*\*(.+?)\*\*: (.+?)(?: Enforced instead:.*| Why:.*)$/, "$1: $2")),
    diagramPath: diagramPath(stack),
    cost: costSections({ stack, stacks: priced, config, usage: options.usage, bench }),
  });
  return {
    text,
    diagram,
    diagramPath: diagramPath(stack),
    costSummary: costSummary({ stacks: priced, bench }),
  };
}
