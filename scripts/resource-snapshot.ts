/**
 * Writes what AWS would be asked to create for each committed stack: every provider-backed resource's type,
 * logical name and inputs, normalised (project root and asset paths made relative), one JSON file per stack.
 * tests/resourceComparison.test.ts compares the program against the snapshot taken before the components
 * became a library, so a refactoring that changes what a user deploys is seen and named.
 *
 *   npx tsx scripts/resource-snapshot.ts <out-dir>
 */
import { mkdirSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { evaluateStack, PROJECT_ROOT } from "../lib/harness";
import { normalisedResources } from "../lib/harness/snapshot";

async function main(): Promise<void> {
  const out = process.argv[2];
  if (!out) throw new Error("usage: npx tsx scripts/resource-snapshot.ts <out-dir>");
  mkdirSync(out, { recursive: true });
  for (const stack of ["test", "prod"]) {
    const evaluation = await evaluateStack(stack);
    const file = path.join(out, `${stack}.json`);
    writeFileSync(file, `${JSON.stringify(normalisedResources(evaluation, PROJECT_ROOT), null, 1)}\n`);
    console.log(`wrote ${path.relative(PROJECT_ROOT, file)}`);
  }
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
