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
import { evaluateStack, PROJECT_ROOT } from "../lib/harness";
import { embedDiagram, knownStacks, mermaidBlock, planStack } from "../lib/plan";

async function main(): Promise<void> {
  const usage = () =>
    `usage: npm run plan -- <stack> [${USAGE_FLAGS.join("] [")}]   (stacks: ${knownStacks().join(", ")})`;
  let parsed: ReturnType<typeof parseUsageFlags>;
  try {
    parsed = parseUsageFlags(process.argv.slice(2));
  } catch (err) {
    console.error(`${(err as Error).message}\n${usage()}`);
    process.exit(2);
  }
  const [stack, ...extra] = parsed.rest;
  if (!stack || stack.startsWith("-") || extra.length > 0) {
    console.error(extra.length ? `unexpected arguments: ${extra.join(" ")}\n${usage()}` : usage());
    process.exit(2);
  }
  const plan = await planStack(stack, { usage: parsed.overrides });
  const file = path.join(PROJECT_ROOT, plan.diagramPath);
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, plan.diagram);
  const readmePath = path.join(PROJECT_ROOT, "README.md");
  const readme = readFileSync(readmePath, "utf8");
  const updated = embedDiagram(readme, stack, mermaidBlock(plan.diagram));
  if (updated !== readme) writeFileSync(readmePath, updated);
  process.stdout.write(plan.text);
  // The AWS constraint check, its own section (the evaluation is memoised: no second run).
  const constraints = constraintsSection(await evaluateStack(stack));
  process.stdout.write(`\n${constraints.text}`);
  if (!constraints.ok) process.exitCode = 1;
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
