/**
 * Evaluates a stack's program offline under mocks and prints what it would create: `npm run evaluate -- test`.
 * No credentials, no network, no Pulumi CLI.
 */
import { evaluateStack } from "../lib/harness";

async function main(): Promise<void> {
  const stack = process.argv[2] ?? "test";
  const evaluation = await evaluateStack(stack);
  console.log(`Stack ${stack}: ${evaluation.resources.length} resources`);
  for (const [type, count] of Object.entries(evaluation.countsByType()))
    console.log(`  ${String(count).padStart(3)}  ${type}`);
  console.log("Outputs:");
  for (const [key, value] of Object.entries(evaluation.outputs))
    console.log(`  ${key}: ${JSON.stringify(value)}`);
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
