/**
 * The offline plan: `npm run plan -- <stack>` evaluates the program for the stack under mocks (no credentials,
 * no network), prints its resources by component, counts per type, what differs from the other stacks, the
 * policy results and the AWS constraint check (exiting non-zero on a violation), and writes the architecture
 * diagram to docs/diagrams/<stack>.md (and to the README, when it shows that stack's diagram).
 */
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { constraintsSection } from "../lib/constraints";
import { evaluateStack, PROJECT_ROOT } from "../lib/harness";
import { embedDiagram, knownStacks, mermaidBlock, planStack } from "../lib/plan";

async function main(): Promise<void> {
  const stack = process.argv[2];
  if (!stack) {
    console.error(`usage: npm run plan -- <stack>   (stacks: ${knownStacks().join(", ")})`);
    process.exit(2);
  }
  const plan = await planStack(stack);
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
