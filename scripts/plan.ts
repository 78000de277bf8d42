/**
 * The offline plan: `npm run plan -- <stack> [usage flags]` evaluates the program for the stack under mocks (no
 * credentials, no network), prints its resources by component, counts per type, what differs from the other
 * stacks, the monthly cost estimate (and against the other stacks, and per million requests), the policy
 * results and the AWS constraint check (exiting non-zero on a violation), and writes the architecture diagram to docs/diagrams/<stack>.md (and to the README, when it shows that
 * stack's diagram). Usage flags (`--rps 50`, ...) override the estimate's assumptions for every stack alike.
 */
import "./speedups";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { constraintsSection } from "../lib/constraints";
import { parseUsageFlags, USAGE_FLAGS } from "../lib/cost";
import { configFileValues, evaluateStack, PROJECT_ROOT } from "../lib/harness";
import {
  COST_SUMMARY_REGION,
  embedDiagram,
  embedRegion,
  knownStacks,
  mermaidBlock,
  planStack,
} from "../lib/plan";

async function main(): Promise<void> {
  const usage = () =>
    `usage: npm run plan -- <stack> [--config <file.yaml>] [${USAGE_FLAGS.join("] [")}]   (stacks: ${knownStacks().join(", ")})`;
  let parsed: ReturnType<typeof parseUsageFlags>;
  try {
    parsed = parseUsageFlags(process.argv.slice(2));
  } catch (err) {
    console.error(`${(err as Error).message}\n${usage()}`);
    process.exit(2);
  }
  // --config <file>: a YAML file of config (an example's, such as stacks/examples/two-services.yaml) laid over
  // every stack compared. The plan is then of that variant: the committed diagrams and README stay as they are.
  const at = parsed.rest.indexOf("--config");
  let overrides: Record<string, string> | undefined;
  if (at >= 0) {
    const file = parsed.rest[at + 1];
    if (!file) {
      console.error(`--config needs a file\n${usage()}`);
      process.exit(2);
    }
    overrides = configFileValues(path.resolve(file));
    parsed.rest.splice(at, 2);
  }
  const [stack, ...extra] = parsed.rest;
  if (!stack || stack.startsWith("-") || extra.length > 0) {
    console.error(extra.length ? `unexpected arguments: ${extra.join(" ")}\n${usage()}` : usage());
    process.exit(2);
  }
  const plan = await planStack(stack, { usage: parsed.overrides, overrides });
  if (overrides) {
    process.stdout.write(
      plan.text.replace(/^Diagram written to .*$/m, "Diagram not written: a --config variant"),
    );
    return constraintCheck(stack, overrides);
  }
  const file = path.join(PROJECT_ROOT, plan.diagramPath);
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, plan.diagram);
  const readmePath = path.join(PROJECT_ROOT, "README.md");
  const readme = readFileSync(readmePath, "utf8");
  let updated = embedDiagram(readme, stack, mermaidBlock(plan.diagram));
  // The README's cost table is at the default usage: flags change this run's estimate, not the README.
  if (Object.keys(parsed.overrides).length === 0)
    updated = embedRegion(updated, COST_SUMMARY_REGION, plan.costSummary);
  if (updated !== readme) writeFileSync(readmePath, updated);
  process.stdout.write(plan.text);
  await constraintCheck(stack);
}

/** The AWS constraint check, its own section (the evaluation is memoised: no second run). */
async function constraintCheck(stack: string, overrides?: Record<string, string>): Promise<void> {
  const constraints = constraintsSection(await evaluateStack(stack, overrides ? { overrides } : {}));
  process.stdout.write(`\n${constraints.text}`);
  if (!constraints.ok) process.exitCode = 1;
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
